// The `tsplay run` action, loaded only when that command runs: it pulls in the runner, the
// modules' registry and the reporters, which `--version`/`--help` never need.
import { setMaxListeners } from 'node:events';
import { runPlaybook, loadRun } from '../runner/run.js';
import { selectHosts } from '../inventory/index.js';
import { PlainReporter } from '../report/plain.js';
import { JsonReporter } from '../report/json.js';
import { RunLogReporter } from '../report/run-log.js';
import { cliSecrets } from './secret-inputs.js';
import { wantColor } from '../report/terminal-text.js';
import { TsplayError, UsageError } from '../errors.js';
import type { Reporter } from '../report/types.js';
import type { Node } from '../playbook/model.js';
import { parseExtraVars } from './extra-vars.js';
import { heapPolicy } from './heap-policy.js';
import { loadSiteModules } from '../modules/site-modules.js';
import type { RunOptions } from '../runner/options.js';
import { acquireRunLock } from './run-lock.js';
import { checkAnsibleFlags, connectionFromFlags, stepper } from './ansible-flags.js';
import { terminalAnswerer } from './prompt.js';
import { readAnsibleCfg, resolveSettings, type AnsibleCfg } from './ansible-cfg.js';

/** the options commander parsed for `run` (see run-command.ts) */
export interface RunCliOptions {
  inventory?: string[];
  check?: boolean;
  diff?: boolean;
  limit?: string;
  tags?: string[];
  skipTags?: string[];
  extraVars?: string[];
  forks?: number;
  json?: boolean;
  syntaxCheck?: boolean;
  listHosts?: boolean;
  listTasks?: boolean;
  listTags?: boolean;
  step?: boolean;
  vaultId?: string[];
  askVaultPass?: boolean;
  user?: string;
  connection?: string;
  askPass?: boolean;
  become?: boolean;
  becomeUser?: string;
  becomeMethod?: string;
  askBecomePass?: boolean;
  startAtTask?: string;
  forceHandlers?: boolean;
  rolesPath?: string[];
  modulesPath?: string[];
  detailedExitcode?: boolean;
  /** how many -v */
  verbose: number;
  vaultPasswordFile?: string;
  runLog?: string;
  report?: string;
  interruptGrace: number;
  /** false with --no-lock */
  lock?: boolean;
  /** from ANSIBLE_SSH_ARGS or ansible.cfg's ssh_args: every host's ansible_ssh_args unless its own */
  sshArgs?: string;
  /** from ANSIBLE_HOST_KEY_CHECKING or ansible.cfg: every host's ansible_host_key_checking unless its own */
  hostKeyChecking?: boolean;
  /** --check --plan-out FILE */
  planOut?: string;
  /** tsplay apply: the plan read (plan-command.ts) */
  applyPlan?: { file: string; doc: import('../plan/types.js').PlanDoc };
}

export async function runAction(playbook: string, given: RunCliOptions, exit: { code: number }): Promise<void> {
  // the ANSIBLE_* variables, then ansible.cfg, fill in what the command line left out
  const o = withAnsibleCfg(given, readAnsibleCfg(process.env, process.cwd(), (msg) => process.stderr.write(`[WARNING]: ${msg}\n`)));
  // a real run changes hosts: one at a time per inventory (run-lock.ts), refused before anything is loaded
  const lock =
    o.lock !== false && !o.check && !o.syntaxCheck && !o.listHosts && !o.listTasks && !o.listTags
      ? acquireRunLock(o.inventory ?? [], { playbook, note: (msg) => process.stderr.write(`[WARNING]: ${msg}\n`) })
      : undefined;
  const unlock = () => lock?.release();
  process.once('exit', unlock); // a third interrupt exits without unwinding
  try {
    await runLocked(playbook, o, exit);
  } finally {
    unlock();
    process.removeListener('exit', unlock);
  }
}

async function runLocked(playbook: string, o: RunCliOptions, exit: { code: number }): Promise<void> {
  // flags it cannot honour, and questions nobody can answer, are refused before anything is asked
  checkAnsibleFlags(o);
  // everything written passes the redactor: secrets never reach a terminal, a pipe or a log
  const { keys, redactor } = await cliSecrets(o, { warnings: 'run' });
  const connection = await connectionFromFlags(o, terminalAnswerer);
  // settings of the environment or ansible.cfg: defaults of the variables they stand for, below the inventory's (as in Ansible)
  if (o.sshArgs !== undefined) connection.vars.ansible_ssh_args = o.sshArgs;
  if (o.hostKeyChecking !== undefined) connection.vars.ansible_host_key_checking = o.hostKeyChecking;
  for (const [secret, what] of connection.secrets) redactor.add(secret, what);
  const out = redactor.wrap(process.stdout);
  // the views also redact each text before they lay it out (a line wrapped or cut to the terminal's
  // width can split a secret, which the stream's redactor then misses) and, on a terminal, escape
  // the control characters that come from hosts and values
  const terminal = !!process.stdout.isTTY;
  const color = wantColor(process.stdout);
  // listr2 progress on a terminal (listr2 loads only then); Ansible-style lines for pipes and logs
  const verbosity = o.verbose;
  const view: Reporter = o.json
    ? new JsonReporter(process.stdout, { redactor })
    : terminal && !process.env.CI
      ? new (await import('../report/listr.js')).ListrReporter(out, { redactor, color, verbosity })
      : new PlainReporter(out, { verbosity, redactor, terminal, color });
  const reporters: Reporter[] = [view];
  // the plan's code loads only for --plan-out and apply (engine/plan/)
  if (o.planOut !== undefined && !o.check) throw new UsageError('--plan-out needs --check: a plan is what a check run predicts');
  const planOut = o.planOut !== undefined ? (await import('../report/html-report.js')).checkReportPath(o.planOut, '--plan-out') : undefined;
  // the HTML report's code loads only when one is asked for; its path is checked before any host is contacted
  const reportFile = o.report ?? process.env.TSPLAY_REPORT;
  let report: string | undefined;
  if (reportFile && !o.syntaxCheck && !o.listHosts && !o.listTasks) {
    const { HtmlReporter, checkReportPath } = await import('../report/html-report.js');
    report = checkReportPath(reportFile, o.report !== undefined ? '--report' : 'TSPLAY_REPORT');
    const planned = o.applyPlan && { source: o.applyPlan.file, changes: (await import('../plan/report.js')).plannedChanges(o.applyPlan.doc) };
    reporters.push(new HtmlReporter(report, { redactor, inventory: o.inventory ?? [], ...(planned ? { planned } : {}) }));
  }
  const runLog = o.runLog ?? process.env.TSPLAY_RUN_LOG;
  if (runLog && !o.check) reporters.push(new RunLogReporter(runLog, o.inventory ?? [], redactor, report));
  // first SIGINT/SIGTERM: the running tasks get --interrupt-grace seconds to finish, then
  // their commands are stopped (TERM, then KILL); nothing new starts; exit 99. A second signal
  // stops them at once (on the hosts too) and the run still ends with its recap and run-log
  // line. One more exits without waiting, for a run that cannot end (uploads are atomic, so no
  // file is left half written).
  const ac = new AbortController();
  const stop = new AbortController();
  // every command running on every host listens for the stop: hundreds at once on a large
  // inventory, which is not the listener leak Node's default limit of 10 warns about
  setMaxListeners(0, ac.signal, stop.signal);
  const grace = Number(o.interruptGrace);
  const onSignal = () => {
    if (!ac.signal.aborted) {
      process.stderr.write(`\n[interrupted: the running tasks get ${grace} s to finish, then their commands are stopped; interrupt again to stop them now]\n`);
      ac.abort();
      setTimeout(() => stop.abort('after the grace period'), grace * 1000).unref();
    } else if (!stop.signal.aborted) {
      process.stderr.write('\n[interrupted again: stopping the running commands now; interrupt once more to exit without waiting]\n');
      stop.abort('at the second interrupt');
    } else {
      process.stderr.write('\n[interrupted: exiting without waiting]\n');
      process.exit(99);
    }
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
    extraVars: await parseExtraVars(o.extraVars ?? [], { keys, redactor }),
    forks: o.forks ?? 25,
    verbosity,
    connectionDefaults: connection.vars,
    ...(o.step ? { step: stepper(terminalAnswerer, () => process.emit('SIGINT')) } : {}),
    startAtTask: o.startAtTask,
    forceHandlers: !!o.forceHandlers,
    rolesPath: o.rolesPath,
    // checking or listing runs no site module code where a schema file describes the module
    modules: await loadSiteModules(playbook, modulesPath, { importCode: !(o.syntaxCheck || o.listHosts || o.listTasks || o.listTags) }),
    reporters,
    // it holds the controller's heap down on plays with hundreds of hosts (heap-policy.ts)
    hooks: [heapPolicy()],
    signal: ac.signal,
    stopCommands: stop.signal,
    vaultKeys: keys,
    redactor,
  };
  const plan = planOut || o.applyPlan ? await import('../plan/cli.js') : undefined;
  const planSession = plan && (planOut ? plan.recorderFor(opts, o) : plan.applierFor(opts, o.applyPlan!.doc));
  if (planSession) opts.plan = planSession;
  try {
    await runOrList(opts, o, playbook, exit, out);
    if (plan && planSession) plan.afterRun(planSession, { planOut, out: o.json ? process.stderr : out, exit });
  } catch (e) {
    if (e instanceof TsplayError) {
      e.message = redactor.redact(e.message);
      if (e.where.task !== undefined) e.where.task = redactor.redact(e.where.task);
    } else if (e instanceof Error) {
      // printed with its stack, which repeats the message
      e.message = redactor.redact(e.message);
      if (e.stack) e.stack = redactor.redact(e.stack);
    }
    throw e;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    // a run that stopped on an error: the view finishes drawing (and lets go of the terminal)
    // before the error is printed
    await view.flush?.();
    await new Promise<void>((res) => out.end(res));
  }
}

/**
 * The command line's options, completed as ansible-playbook completes them: each setting the
 * command line left out from its ANSIBLE_* variable, else from ansible.cfg (inventory,
 * remote_user, forks, become…, ask_pass, become_ask_pass, roles_path, vault_password_file,
 * host_key_checking, ssh_args).
 * No inventory from anywhere is an error (exit 5): a run against no host at all is never what
 * was meant.
 */
export function withAnsibleCfg(given: RunCliOptions, cfg: AnsibleCfg | undefined, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): RunCliOptions {
  const o = { ...given };
  const { values: v } = resolveSettings(env, cwd, cfg);
  o.inventory = o.inventory?.length ? o.inventory : v.inventory;
  if (!o.inventory?.length && !o.syntaxCheck) {
    throw new UsageError(
      `no inventory: give -i INVENTORY (a file, a directory, or a host list such as \`localhost,\`), set ANSIBLE_INVENTORY, or set inventory in the [defaults] of an ansible.cfg (${cfg ? `${cfg.file} has none` : 'none was found: ANSIBLE_CONFIG, ./ansible.cfg, ~/.ansible.cfg'})`,
    );
  }
  o.forks ??= v.forks;
  o.user ??= v.remoteUser;
  o.become ||= v.become;
  o.becomeUser ??= v.becomeUser;
  o.becomeMethod ??= v.becomeMethod;
  // ask_pass / become_ask_pass: asked as -k / -K are
  o.askPass ||= v.askPass;
  o.askBecomePass ||= v.becomeAskPass;
  if (v.rolesPath) o.rolesPath = [...(o.rolesPath ?? []), ...v.rolesPath];
  const vaultGiven = o.vaultPasswordFile !== undefined || o.vaultId?.length || o.askVaultPass || env.TSPLAY_VAULT_PASSWORD_FILE || env.TSPLAY_VAULT_PASSWORD;
  if (!vaultGiven && v.vaultPasswordFile) o.vaultPasswordFile = v.vaultPasswordFile;
  o.sshArgs = v.sshArgs;
  o.hostKeyChecking = v.hostKeyChecking;
  return o;
}

/** --syntax-check / --list-hosts / --list-tasks, or the run itself */
async function runOrList(opts: RunOptions, o: RunCliOptions, playbook: string, exit: { code: number }, out: NodeJS.WritableStream): Promise<void> {
  if (o.syntaxCheck || o.listHosts || o.listTasks || o.listTags) {
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
      if (o.listTags) {
        // as ansible-playbook --list-tags: the play's tags, then every tag its tasks carry (inherited ones included)
        const playTags = ([] as unknown[]).concat(play.keywords.tags ?? []).map(String);
        const all = new Set<string>();
        const walk = (nodes: Node[], inherited: string[]) => {
          for (const n of nodes) {
            const own = ([] as unknown[]).concat(n.keywords.tags ?? []).map(String);
            const tags = [...inherited, ...own];
            if (n.kind === 'block') walk([...n.block, ...n.rescue, ...n.always], tags);
            else for (const t of tags) all.add(t);
          }
        };
        walk([...play.preTasks, ...play.tasks, ...play.postTasks], playTags);
        out.write(`\nplay #${i + 1} (${play.hosts}): ${play.name}\tTAGS: [${playTags.join(', ')}]\n      TASK TAGS: [${[...all].sort().join(', ')}]\n`);
      }
    }
    exit.code = 0;
    return;
  }
  const r = await runPlaybook(opts);
  exit.code = r.exitCode === 0 && o.detailedExitcode && o.check && r.changesPending ? 10 : r.exitCode;
}
