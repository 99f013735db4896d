// `tsplay run PLAYBOOK`: options → RunOptions → runPlaybook → exit code.
import { InvalidArgumentError, type Command } from 'commander';
import { runPlaybook, loadRun } from '../runner/run.js';
import { selectHosts } from '../inventory/index.js';
import { PlainReporter } from '../report/plain.js';
import { JsonReporter } from '../report/json.js';
import { ListrReporter } from '../report/listr.js';
import { RunLogReporter } from '../report/run-log.js';
import { Redactor } from '../secrets/redactor.js';
import { vaultPassword } from '../vault/password.js';
import { TsplayError } from '../errors.js';
import type { Reporter } from '../report/types.js';
import type { Node } from '../playbook/model.js';
import { parseExtraVars } from './extra-vars.js';
import { loadSiteModules } from '../modules/site-modules.js';
import type { RunOptions } from '../runner/options.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];
function parseGrace(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('a number of seconds, 0 or more');
  return n;
}
const csv = (v: string, prev: string[] = []) => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];

export function addRunCommand(program: Command, exit: { code: number }): void {
  program
    .command('run')
    .description('run a playbook against an inventory')
    .argument('<playbook>', 'playbook file')
    .option('-i, --inventory <path>', 'inventory file or directory (repeatable; merged in order)', collect)
    .option('-C, --check', "don't change anything; predict the changes")
    .option('-D, --diff', 'show unified diffs of changed files')
    .option('-l, --limit <pattern>', 'limit to hosts matching this pattern')
    .option('-t, --tags <tags>', 'run only tasks with these tags (comma separated, repeatable)', csv)
    .option('--skip-tags <tags>', 'skip tasks with these tags', csv)
    .option('-e, --extra-vars <vars>', 'key=value, @file.yml/json, or a JSON map (repeatable; highest precedence)', collect)
    .option('-f, --forks <n>', 'hosts worked on in parallel', (v) => parseInt(v, 10), 25)
    .option('--json', 'print one JSON document of all results instead of text')
    .option('--syntax-check', 'validate the playbook, inventory and roles, contact no host')
    .option('--list-hosts', 'print the hosts each play would run on')
    .option('--list-tasks', 'print the tasks each play would run')
    .option('--start-at-task <name>', 'start at the first task with this name')
    .option('--force-handlers', 'run notified handlers even on hosts that failed')
    .option('--roles-path <dir>', 'extra role directory, searched before the shipped roles (repeatable)', collect)
    .option('--modules-path <dir>', 'directory of site modules (repeatable)', collect)
    .option('--detailed-exitcode', 'with --check: exit 10 when changes are pending, 0 when the hosts are converged')
    .option('-v, --verbose', 'show why each task was ok or skipped')
    .option('--vault-password-file <file>', 'password for vault-encrypted vars files (or TSPLAY_VAULT_PASSWORD_FILE)')
    .option('--run-log <file>', 'append a JSON record of this run (or TSPLAY_RUN_LOG)')
    .option('--interrupt-grace <seconds>', 'after SIGINT/SIGTERM, how long running tasks may take before their commands are stopped', parseGrace, 10)
    .action(async (playbook: string, o) => {
      // everything written passes the redactor: secrets never reach a terminal, a pipe or a log
      const redactor = new Redactor();
      const out = redactor.wrap(process.stdout);
      // listr2 progress on a terminal; Ansible-style lines for pipes, logs and -v
      const view = o.json ? new JsonReporter(out) : process.stdout.isTTY && !o.verbose && !process.env.CI ? new ListrReporter(out) : new PlainReporter(out, { verbose: o.verbose });
      const reporters: Reporter[] = [view];
      const runLog = o.runLog ?? process.env.TSPLAY_RUN_LOG;
      if (runLog && !o.check) reporters.push(new RunLogReporter(runLog, o.inventory ?? [], redactor));
      // first SIGINT/SIGTERM: the running tasks get --interrupt-grace seconds to finish, then
      // their commands are stopped (TERM, then KILL); nothing new starts; exit 99. A second
      // signal exits at once (uploads are atomic, so no file is left half written).
      const ac = new AbortController();
      const stop = new AbortController();
      const grace = Number(o.interruptGrace);
      const onSignal = () => {
        if (ac.signal.aborted) process.exit(99);
        process.stderr.write(`\n[interrupted: the running tasks get ${grace} s to finish, then their commands are stopped; interrupt again to stop now]\n`);
        ac.abort();
        setTimeout(() => stop.abort(), grace * 1000).unref();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      const modulesPath = [...(o.modulesPath ?? []), ...(process.env.TSPLAY_MODULES_PATH?.split(':').filter(Boolean) ?? [])];
      const opts: RunOptions = {
        playbook,
        inventory: o.inventory ?? [],
        check: !!o.check,
        diff: !!o.diff,
        limit: o.limit,
        tags: o.tags,
        skipTags: o.skipTags,
        extraVars: parseExtraVars(o.extraVars ?? []),
        forks: o.forks,
        startAtTask: o.startAtTask,
        forceHandlers: !!o.forceHandlers,
        rolesPath: o.rolesPath,
        modules: await loadSiteModules(playbook, modulesPath),
        reporters,
        signal: ac.signal,
        stopCommands: stop.signal,
        vaultPassword: vaultPassword(o.vaultPasswordFile),
        redactor,
      };
      try {
        await runOrList(opts, o, playbook, exit, out);
      } catch (e) {
        if (e instanceof TsplayError) e.message = redactor.redact(e.message);
        throw e;
      } finally {
        process.removeListener('SIGINT', onSignal);
        process.removeListener('SIGTERM', onSignal);
        await new Promise<void>((res) => out.end(res));
      }
    });
}

/** --syntax-check / --list-hosts / --list-tasks, or the run itself */
async function runOrList(opts: RunOptions, o: Record<string, unknown>, playbook: string, exit: { code: number }, out: NodeJS.WritableStream): Promise<void> {
  if (o.syntaxCheck || o.listHosts || o.listTasks) {
    const { playbook: pb, run } = await loadRun(opts);
    if (o.syntaxCheck) out.write(`\nplaybook: ${playbook}\n`);
    for (const [i, play] of pb.plays.entries()) {
      if (o.listHosts) {
        const hosts = selectHosts(run.inventory, play.hosts, opts.limit);
        out.write(`\nplay #${i + 1} (${play.hosts}): ${play.name}\tTAGS: []\n  pattern: ['${play.hosts}']\n  hosts (${hosts.length}):\n${hosts.map((h) => `    ${h}\n`).join('')}`);
      }
      if (o.listTasks) {
        out.write(`\nplay #${i + 1} (${play.hosts}): ${play.name}\n  tasks:\n`);
        const walk = (nodes: Node[], role?: string) => {
          for (const n of nodes) {
            if (n.kind === 'block') walk([...n.block, ...n.rescue, ...n.always], n.role?.name ?? role);
            else {
              const tags = n.keywords.tags === undefined ? [] : ([] as unknown[]).concat(n.keywords.tags);
              const r = n.role?.name ?? role;
              out.write(`    ${r ? `${r} : ` : ''}${n.name ?? n.module}\tTAGS: [${tags.join(', ')}]\n`);
            }
          }
        };
        walk([...play.preTasks, ...play.tasks, ...play.postTasks]);
      }
    }
    exit.code = 0;
    return;
  }
  const r = await runPlaybook(opts);
  exit.code = r.exitCode === 0 && o.detailedExitcode && o.check && r.changesPending ? 10 : r.exitCode;
}
