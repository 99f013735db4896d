// `tsplay plan show|diff` and `tsplay apply PLAN`: a saved plan (from `tsplay run --check
// --plan-out`) reviewed, compared, and applied exactly or not at all.
import { InvalidArgumentError, type Command } from 'commander';
import { seconds, MAX_GRACE_SECONDS } from './numbers.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

// the actions load only when one of these commands runs
const actions = () => import('./plan-action.js');

function duration(v: string): string {
  if (!/^\s*\d+(\.\d+)?\s*[smhd]?\s*$/.test(v)) throw new InvalidArgumentError('must be a duration such as 90s, 30m, 2h or 1d');
  return v;
}

export function addPlanCommands(program: Command, exit: { code: number }): void {
  const plan = program.command('plan').description('review saved plans (made by `tsplay run --check --plan-out FILE`)');
  plan
    .command('show')
    .argument('<plan>', 'plan file')
    .description('print the plan as the --check --diff run printed it, then the tasks decided at apply time')
    .action(async (file: string) => {
      exit.code = await (await actions()).show(file);
    });
  plan
    .command('diff')
    .argument('<old>', 'plan file')
    .argument('<new>', 'plan file')
    .description('what differs between two plans, task by task and input by input (exit 1 when they differ)')
    .action(async (a: string, b: string) => {
      exit.code = await (await actions()).diff(a, b);
    });
  program
    .command('apply')
    .description('run a saved plan: the same playbook, inventory and options, each task checked against what the plan read and predicted (drift stops that host, exit 6)')
    .argument('<plan>', 'plan file')
    .option('-e, --extra-vars <vars>', 'the same -e as the plan was made with (their digest must match)', collect)
    .option('--plan-strict', 'refuse a plan that has tasks decided at apply time')
    .option('--max-age <duration>', 'refuse a plan older than this (90s, 30m, 2h, 1d)', duration)
    .option('-D, --diff', 'show unified diffs of changed files')
    .option('-v, --verbose', 'as tsplay run -v', (_v: string, n: number) => n + 1, 0)
    .option('--json', 'print one JSON document of all results instead of text')
    .option('--vault-password-file <file>', 'password for vault-encrypted vars files (or TSPLAY_VAULT_PASSWORD_FILE / TSPLAY_VAULT_PASSWORD)')
    .option('--vault-id <[label@]source>', 'as tsplay run --vault-id', collect)
    .option('-J, --ask-vault-pass', 'ask for the vault password on the terminal')
    .option('-k, --ask-pass', 'ask for the SSH password on the terminal (ansible_password)')
    .option('-K, --ask-become-pass', 'ask for the sudo/su password on the terminal (ansible_become_password)')
    .option('--run-log <file>', 'append a JSON record of this run (or TSPLAY_RUN_LOG)')
    .option('--report <file>', 'write the HTML report of the run, with what was planned against what was applied (or TSPLAY_REPORT)')
    .option('--interrupt-grace <seconds>', 'after SIGINT/SIGTERM, how long running tasks may take before their commands are stopped', seconds(MAX_GRACE_SECONDS), 10)
    .option('--no-lock', 'run even while another run of the same inventory is in progress on this controller')
    .action(async (file: string, o) => (await actions()).apply(file, o, exit));
}
