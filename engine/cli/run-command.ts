// `tsplay run PLAYBOOK`: its options; run-action.ts turns them into RunOptions → runPlaybook → exit code.
import type { Command } from 'commander';
import { vaultOptions } from './vault-options.js';
import { wholeNumber, seconds, MAX_FORKS, MAX_GRACE_SECONDS } from './numbers.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];
const csv = (v: string, prev: string[] = []) => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];

export function addRunCommand(program: Command, exit: { code: number }): void {
  const cmd = program
    .command('run')
    .description('run a playbook against an inventory')
    .argument('<playbook>', 'playbook file')
    .option('-i, --inventory <path>', 'inventory file or directory; a NAME that is no path here is inventories/NAME, from here or in the playbook\'s project (repeatable; merged in order; its site/roles come first on the role path); without it: ANSIBLE_INVENTORY, else inventory in ansible.cfg', collect)
    .option('-C, --check', "don't change anything; predict the changes")
    .option('-D, --diff', 'show unified diffs of changed files')
    .option('-l, --limit <pattern>', 'limit to hosts matching this pattern')
    .option('-t, --tags <tags>', 'run only tasks with these tags (comma separated, repeatable)', csv)
    .option('--skip-tags <tags>', 'skip tasks with these tags', csv)
    .option('-e, --extra-vars <vars>', 'key=value, @file.yml/json, or a JSON map (repeatable; highest precedence)', collect)
    .option('-f, --forks <n>', 'hosts worked on in parallel (default: forks in ansible.cfg, else 25)', wholeNumber(1, MAX_FORKS))
    .option('--json', 'print one JSON document of all results instead of text')
    .option('--syntax-check', 'validate the playbook, inventory and roles, contact no host')
    .option('--list-hosts', 'print the hosts each play would run on')
    .option('--list-tasks', 'print the tasks each play would run')
    .option('--list-tags', 'print the tags of each play\'s tasks')
    .option('--step', 'ask before each task: (N)o skips it, (y)es runs it, (c)ontinue runs it and all after it (needs a terminal)')
    .option('--start-at-task <name>', 'start at the first task with this name')
    .option('--force-handlers', 'run notified handlers even on hosts that failed')
    .option('--roles-path <dir>', 'extra role directory, searched after the inventory\'s site/roles and the playbook\'s roles/, before the shipped roles (repeatable)', collect)
    .option('--modules-path <dir>', 'directory of site modules (repeatable)', collect)
    .option('--plan-out <file>', 'with --check: write the plan (what each task would change on each host, what it read, the inputs\' digests) for review and `tsplay apply`')
    .option('--detailed-exitcode', 'with --check: exit 10 when changes are pending, 0 when the hosts are converged')
    .option('-v, --verbose', 'as ansible-playbook: -v each task\'s result, -vv also each task\'s file:line, -vvv also each connection (ssh user@host) and the commands it runs (-vvvv: as -vvv)', (_v: string, n: number) => n + 1, 0)
    .option('-u, --user <user>', 'connect as this user (ansible_user; the inventory\'s own setting wins, as in Ansible)')
    .option('-c, --connection <type>', 'ssh or local (ansible_connection; the inventory\'s own setting wins)')
    .option('-k, --ask-pass', 'ask for the SSH password on the terminal (ansible_password)')
    .option('-b, --become', 'run the tasks as another user, root by default (ansible_become; a play\'s or task\'s become: wins)')
    .option('--become-user <user>', 'the user to become (ansible_become_user)')
    .option('--become-method <method>', 'sudo or su (ansible_become_method)')
    .option('-K, --ask-become-pass', 'ask for the sudo/su password on the terminal (ansible_become_password)')
    .option('--run-log <file>', 'append a JSON record of this run (or TSPLAY_RUN_LOG)')
    .option('--report <file>', 'write a self-contained HTML report of the run: summary, timeline per host, changes with diffs, failures, slowest tasks (or TSPLAY_REPORT)')
    .option('--interrupt-grace <seconds>', 'after SIGINT/SIGTERM, how long running tasks may take before their commands are stopped', seconds(MAX_GRACE_SECONDS), 10)
    .option('--no-lock', 'run even while another run of the same inventory is in progress on this controller');
  vaultOptions(cmd)
    // the action's imports load only when `run` is the command
    .action(async (playbook: string, o) => (await import('./run-action.js')).runAction(playbook, o, exit));
}
