// The programmatic API: load and validate everything, then run the plays. The CLI is a thin
// layer over this.
import { isAbsolute, join } from 'node:path';
import type { Module } from '../modules/types.js';
import { findModule as findBuiltin, builtinModuleNames } from '../modules/registry.js';
import { loadInventory, selectHosts, type Inventory } from '../inventory/index.js';
import { PlaybookLoader } from '../playbook/loader.js';
import { SourceMap } from '../yaml/source.js';
import { Validators } from '../schema/validators.js';
import { isTemplated } from '../playbook/ajv.js';
import { rolesPathFor, siteRolesFor } from './roles-path.js';
import { pathExists } from '../path-exists.js';
import { Templater } from '../template/index.js';
import { fanout } from '../report/fanout.js';
import { InputError, InterruptedError, UsageError, type SourcePos } from '../errors.js';
import type { Playbook } from '../playbook/model.js';
import type { HostStats } from '../report/types.js';
import { RunContext } from './run-context.js';
import { PlayRunner } from './play-exec.js';
import { preflight } from './preflight.js';
import { checkRoleParams } from './role-params-check.js';
import { checkPlaySyntax } from './syntax-check.js';
import { checkLimit, checkStartAt, unknownTagWarnings } from './cli-names.js';
import { SecretVars } from './secret-vars.js';
import { redactedEvents } from '../report/redacted-events.js';
import { metaModule } from './meta-module.js';
import type { RunOptions, RunResult } from './options.js';
import type { TemplateEngine } from './template-engine.js';

// part of the programmatic API (in its own file, so that `role doc` does not load the runner)
export { rolesPathFor };

/** module lookup: site modules first (they may add names), then built-ins (loaded on first use), then meta */
export function moduleLookup(extra: Module[] = []): (name: string) => Promise<Module | undefined> {
  const site = new Map(extra.map((m) => [m.name, m]));
  return async (name: string) => {
    const short = name.replace(/^ansible\.(builtin|legacy)\./, '');
    return site.get(name) ?? (await findBuiltin(name)) ?? (short === 'meta' ? metaModule : undefined);
  };
}

export interface LoadedRun {
  playbook: Playbook;
  /** loads the files include_tasks names by a template, when the include runs */
  loader: PlaybookLoader;
  run: RunContext;
  playVars: Map<number, Record<string, unknown>>;
}

/** Everything that can be checked without a host: inventory, playbook, roles, vars files, src files. */
export async function loadRun(opts: RunOptions): Promise<LoadedRun> {
  // a fork count that is not a whole number would run no host at all
  if (opts.forks !== undefined && !(Number.isSafeInteger(opts.forks) && opts.forks >= 1)) throw new UsageError(`forks must be a whole number, 1 or more; got ${opts.forks}`);
  const schemas = new Validators('load');
  const findModule = moduleLookup(opts.modules);
  const secrets = { password: opts.vaultPassword, keys: opts.vaultKeys, redactor: opts.redactor };
  const inventory = await loadInventory(opts.inventory, secrets, { playbook: opts.playbook });
  // the names listed so far (inventory, -e) are secret before the playbook is even read
  const secretVars = opts.redactor ? learnListedVars(new SecretVars(opts.redactor), inventory, [opts.extraVars ?? {}]) : undefined;
  const positions = new SourceMap();
  const moduleNames = [...builtinModuleNames(), 'meta', ...(opts.modules ?? []).map((m) => m.name)];
  const loader = new PlaybookLoader({ findModule, moduleNames, rolesPath: rolesPathFor(opts), siteRolesPath: siteRolesFor(inventory.sources), schemas, positions, secrets });
  const playbook = await loader.loadPlaybook(opts.playbook);
  const templater = new Templater() as unknown as TemplateEngine;
  const reporter = fanout(opts.reporters ?? []);
  const run = new RunContext(opts, inventory, templater, findModule, opts.redactor ? redactedEvents(reporter, opts.redactor) : reporter, schemas);
  run.secrets = secrets;
  // secrets too short to hide are reported to the reporters: those found so far, and later ones
  opts.redactor?.warnTo((msg) => run.reporter.onWarning(msg));
  const playVars = new Map<number, Record<string, unknown>>();
  const varsPositions = new Map<number, Record<string, SourcePos>>();
  const templatesChecked = new Set<string>();
  for (const [i, play] of playbook.plays.entries()) {
    const vars: Record<string, unknown> = { ...play.vars };
    const varsPos: Record<string, SourcePos> = Object.fromEntries(Object.keys(play.vars).map((k) => [k, positions.pos(play.vars, k) ?? play.pos]));
    for (const f of play.varsFiles) {
      if (isTemplated(f)) throw new InputError(`vars_files entries must be literal file names: ${f}`, play.pos);
      const file = isAbsolute(f) ? f : join(play.dir, f);
      if (!(await pathExists(file))) throw new InputError(`vars file not found: ${file}`, play.pos);
      const loaded = await loader.loadVarsFile(file);
      Object.assign(vars, loaded);
      for (const k of Object.keys(loaded)) varsPos[k] = positions.pos(loaded, k) ?? { file };
    }
    playVars.set(i, vars);
    varsPositions.set(i, varsPos);
  }
  if (secretVars) run.secretVars = learnListedVars(secretVars, inventory, [opts.extraVars ?? {}, ...playVars.values()]);
  for (const [i, play] of playbook.plays.entries()) {
    const vars = playVars.get(i)!;
    // patterns (and --limit) are checked now, not when the play starts
    try {
      selectHosts(inventory, play.hosts, opts.limit);
    } catch (e) {
      if (e instanceof InputError) throw e.withWhere(play.pos);
      throw e;
    }
    preflight(run, play, templatesChecked);
    checkRoleParams(run, play, vars, varsPositions.get(i)!);
    checkPlaySyntax(play, templater);
  }
  for (const w of checkLimit(inventory, opts.limit, playbook.plays)) run.reporter.onWarning(w);
  checkStartAt(playbook, opts.startAtTask);
  for (const w of unknownTagWarnings(playbook, opts.tags, opts.skipTags)) run.reporter.onWarning(w);
  return { playbook, loader, run, playVars };
}

/**
 * The names tsplay_secret_vars lists in the inventory and in these layers of variables (-e, play
 * vars and vars_files), then the values those names have in each of them as written. Rendered
 * values are learned host by host as tasks see them (taskVars).
 */
function learnListedVars(secretVars: SecretVars, inventory: Inventory, layers: Record<string, unknown>[]): SecretVars {
  const before = secretVars.listed.size;
  for (const l of layers) secretVars.listFrom(l);
  if (before === 0 || secretVars.listed.size > before) secretVars.learnInventory(inventory);
  for (const l of layers) secretVars.learn(l);
  return secretVars;
}

export function exitCodeFor(stats: Record<string, HostStats>): number {
  const all = Object.values(stats);
  if (all.some((s) => s.unreachable > 0)) return 4;
  if (all.some((s) => s.failed > 0)) return 2;
  return 0;
}

export async function runPlaybook(opts: RunOptions): Promise<RunResult> {
  const loaded = await loadRun(opts);
  const { playbook, loader, run, playVars } = loaded;
  await opts.plan?.onLoaded(loaded);
  run.reporter.onRunStart({ playbook: playbook.file, check: run.check, diff: run.diff });
  const runner = new PlayRunner(run, loader);
  let interrupted = false;
  try {
    for (const [i, play] of playbook.plays.entries()) {
      if (opts.signal?.aborted) {
        interrupted = true;
        break;
      }
      await runner.runPlay(play, playVars.get(i) ?? {});
    }
    if (opts.signal?.aborted) {
      interrupted = true;
      const when = typeof opts.stopCommands?.reason === 'string' ? `${opts.stopCommands.reason} ` : '';
      run.reporter.onWarning(
        opts.stopCommands?.aborted
          ? `interrupted: commands still running ${when}were stopped (their tasks failed); nothing after them was started (see the recap for what was applied)`
          : 'interrupted: the tasks that were running finished; nothing after them was started (see the recap for what was applied)',
      );
    }
  } finally {
    await run.closeAll();
  }
  const stats = run.metrics.recap();
  run.reporter.onRecap(stats);
  const exitCode = interrupted ? new InterruptedError('interrupted').exitCode : (opts.plan?.exitCode(stats) ?? exitCodeFor(stats));
  const changesPending = run.metrics.anyChange;
  run.reporter.onRunEnd({ exitCode, stats, changesPending });
  await run.reporter.flush();
  return { exitCode, stats, changesPending, metrics: run.metrics };
}

