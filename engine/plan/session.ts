// The two sides of a plan in a run: PlanRecorder writes down what --check found, task by task and
// host by host; PlanApplier holds `tsplay apply` to it: before a task changes a host it reads again
// what the plan read, applies when that is as planned, takes a task whose end state already holds
// as done, and otherwise stops that host (drift) before anything changes there.
import type { FactCache } from '../facts/cache.js';
import type { Fact } from '../facts/types.js';
import type { ModuleContext, Plan, TaskResult } from '../modules/types.js';
import type { TaskNode } from '../playbook/model.js';
import type { HostStatus, HostStats, TaskInfo } from '../report/types.js';
import type { PlayContext } from '../runner/play-context.js';
import type { LoadedRun } from '../runner/run.js';
import { allConditions, effective, type Scope } from '../runner/scope.js';
import { truthy } from '../runner/truthy.js';
import type { Redactor } from '../secrets/redactor.js';
import { TsplayError } from '../errors.js';
import { canonicalJson, digestValue, sha256 } from './digest.js';
import { digestFiles, inputChanges, loadedInputs, planPath } from './inputs.js';
import type { ModuleRun, PlanSeam, RunModule } from './seam.js';
import { entryKey, entryLabel, type PlanDoc, type PlanEntry, type PlanRead, type PlannedChange } from './types.js';

/** exit code of an apply that found drift (or whose changes were not the planned ones), and of a plan refused */
export const PLAN_DRIFT_EXIT = 6;

/** the plan does not hold: its inputs changed, it is too old, or strict and not fully predicted */
export class PlanRefused extends TsplayError {
  override exitCode = PLAN_DRIFT_EXIT;
}

/** the task being planned: where an entry of it says it is, and what decides its outcome */
interface CurrentTask extends Pick<PlanEntry, 'play' | 'at' | 'run' | 'task' | 'role' | 'handler' | 'module'> {
  noLog: boolean;
  changedWhen: boolean;
  register?: string;
  /** every name its conditions, loop and arguments mention */
  words: Set<string>;
  order: number;
}

interface ModuleRecord {
  args: Record<string, unknown>;
  reads: Map<string, PlanRead>;
  change?: PlannedChange;
  unknowable?: string;
}

const SECRET_MARK = ' (secret)';

/** the arguments with every string that holds a secret replaced by its digest */
export function redactArgs(v: unknown, redactor: Redactor | undefined, depth = 0): unknown {
  if (typeof v === 'string') return redactor && redactor.redact(v) !== v ? `sha256:${sha256(v)}${SECRET_MARK}` : v;
  if (depth > 100) return null;
  if (Array.isArray(v)) return v.map((x) => redactArgs(x, redactor, depth + 1));
  if (Buffer.isBuffer(v)) return { bytes_sha256: sha256(v) };
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = redactArgs((v as Record<string, unknown>)[k], redactor, depth + 1);
    return out;
  }
  return v;
}

function readKey(fact: string, args: unknown): string {
  return `${fact} ${canonicalJson(args)}`;
}

/** "file_content /etc/x" */
export function readLabel(r: Pick<PlanRead, 'fact' | 'args'>): string {
  const a = r.args as { path?: unknown; name?: unknown } | null;
  const what = a && typeof a === 'object' ? (a.path ?? a.name) : undefined;
  return `${r.fact} ${typeof what === 'string' ? what : canonicalJson(r.args)}`;
}

/** the module's fact cache, noting each value it reads: its digest, or the task whose prediction it is */
function recordingFacts(cache: FactCache, reads: Map<string, PlanRead>): FactCache {
  return new Proxy(cache, {
    get(target, key) {
      if (key === 'get') {
        return <T, A>(fact: Fact<T, A>, args: A, become?: unknown, ahead?: boolean) => {
          // after a change that does more than it predicts (a package, a command), what the host
          // holds at this task's turn in a real run is that change's doing, not what it holds now
          const by = target.predictedBy(fact, args) ?? (target.unpredicted ? `${target.unpredictedBy ?? 'an earlier task'} (its change does more than it predicts)` : undefined);
          const p = target.get(fact, args, become as never, ahead);
          p.then(
            (v) => reads.set(readKey(fact.name, args), by !== undefined ? { fact: fact.name, args: canonicalArgs(args), followsFrom: by } : { fact: fact.name, args: canonicalArgs(args), sha256: digestValue(v) }),
            () => undefined,
          );
          return p;
        };
      }
      const v = Reflect.get(target, key, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

function canonicalArgs(args: unknown): unknown {
  return JSON.parse(canonicalJson(args ?? null)) as unknown;
}

/** the identifiers a task's conditions, loop and arguments use (to find those that depend on an unknown result) */
function wordsOf(v: unknown): Set<string> {
  return new Set(JSON.stringify(v ?? null).match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []);
}

function changeOf(plan: Extract<Plan, { kind: 'change' }>, redactor: Redactor | undefined, noLog: boolean): PlannedChange {
  const diffs = (plan.fileDiffs ?? []).map((d) => ({ path: d.path, ...(d.before !== undefined ? { before: d.before } : {}), ...(d.after !== undefined ? { after: d.after } : {}), ...(d.summary !== undefined ? { summary: d.summary } : {}) }));
  const sha = digestValue({ summary: plan.summary, diffs });
  const red = (s: string) => (redactor ? redactor.redact(s) : s);
  return {
    summary: red(plan.summary),
    // a no_log task's diff is not shown in the plan, as it is not shown by --diff
    ...(diffs.length && !noLog ? { diffs: diffs.map((d) => ({ path: red(d.path), ...(d.before !== undefined ? { before: red(String(d.before)) } : {}), ...(d.after !== undefined ? { after: red(String(d.after)) } : {}), ...(d.summary !== undefined ? { summary: red(d.summary) } : {}) })) } : {}),
    sha256: sha,
  };
}

abstract class PlanSession implements PlanSeam {
  protected current?: CurrentTask;
  private runs = new Map<string, number>();
  private order = 0;
  protected records = new Map<string, ModuleRecord>();
  /** per host: names set by tasks decided at apply time (their values are not known in a plan) */
  protected unknown = new Map<string, Map<string, string>>();
  protected loaded?: LoadedRun;

  constructor(protected redactor: Redactor | undefined) {}

  abstract onLoaded(loaded: LoadedRun): Promise<void>;
  abstract runModule(m: ModuleRun, run: RunModule): Promise<TaskResult>;
  abstract itemDone(host: string, item: { index: number; label: string } | undefined, status: HostStatus, result: TaskResult): void;
  abstract drifted(host: string): boolean;
  abstract exitCode(stats: Record<string, HostStats>): number | undefined;

  taskStart(pc: PlayContext, task: TaskNode, scope: Scope, info: TaskInfo): void {
    const play = `${planPath(pc.play.pos.file ?? '')}:${pc.play.pos.line ?? 0}:${pc.play.pos.col ?? 0}`;
    const at = task.pos.file ? `${planPath(task.pos.file)}:${task.pos.line ?? 0}:${task.pos.col ?? 0}` : info.where;
    const id = `${play}\0${at}`;
    const run = (this.runs.get(id) ?? 0) + 1;
    this.runs.set(id, run);
    if (!this.plays.has(play)) this.plays.set(play, { at: play, name: pc.play.name, hosts: [...pc.playHosts] });
    const reg = task.keywords.register;
    this.current = {
      play,
      at,
      run,
      task: info.name,
      ...(info.role ? { role: info.role } : {}),
      ...(info.handler ? { handler: true } : {}),
      module: task.module.replace(/^ansible\.(builtin|legacy)\./, ''),
      noLog: truthy(effective(scope, task, 'no_log')),
      changedWhen: task.keywords.changed_when !== undefined,
      ...(typeof reg === 'string' ? { register: reg } : {}),
      words: wordsOf([allConditions(scope, task), task.keywords.loop, task.args, task.keywords.changed_when, task.keywords.failed_when]),
      order: this.order++,
    };
  }

  protected recordKey(host: string, item: number | undefined): string {
    return `${host}\0${item ?? ''}`;
  }

  /** why the current task is decided at apply time on this host, if it is */
  protected applyTimeReason(host: string): string | undefined {
    const t = this.current!;
    if (t.changedWhen) return 'changed_when decides whether it changes';
    const names = this.unknown.get(host);
    if (names) for (const w of t.words) if (names.has(w)) return `it uses ${w}, from ${names.get(w)}, decided at apply time`;
    return undefined;
  }

  /** the current task's result on this host is not known before apply time: what it sets is not either */
  protected markUnknown(host: string, args: Record<string, unknown> | undefined): void {
    const t = this.current!;
    let names = this.unknown.get(host);
    if (!names) this.unknown.set(host, (names = new Map()));
    const from = `${t.at} ${entryLabel(t)}`;
    if (t.register) names.set(t.register, from);
    if (t.module === 'set_fact' && args) for (const k of Object.keys(args)) names.set(k, from);
  }

  protected entryBase(host: string, item: { index: number; label: string } | undefined): Omit<PlanEntry, 'outcome'> {
    const t = this.current!;
    return {
      play: t.play,
      at: t.at,
      run: t.run,
      task: t.task,
      ...(t.role ? { role: t.role } : {}),
      ...(t.handler ? { handler: true } : {}),
      host,
      ...(item ? { item: { index: item.index, label: this.redactor ? this.redactor.redact(item.label) : item.label } } : {}),
      module: t.module,
    };
  }

  protected wrap(m: ModuleRun, rec: ModuleRecord): ModuleContext {
    const ctx = m.ctx;
    return {
      ...ctx,
      facts: recordingFacts(ctx.facts, rec.reads),
      // templates and files read from the controller are inputs of the plan
      findFile: async (kind, name) => {
        const path = await ctx.findFile(kind, name);
        this.usedFiles.add(planPath(path));
        return path;
      },
    };
  }
  protected usedFiles = new Set<string>();
  protected plays = new Map<string, { at: string; name: string; hosts: string[] }>();
}

export interface RecordOptions {
  playbook: string;
  inventory: string[];
  options: PlanDoc['options'];
  extraVars: Record<string, unknown>;
  version: string;
  redactor?: Redactor;
  now?: () => Date;
}

/** --check --plan-out: what the check found, as a plan */
export class PlanRecorder extends PlanSession {
  private entries: Array<PlanEntry & { order: number }> = [];
  private started: Date;

  constructor(private o: RecordOptions) {
    super(o.redactor);
    this.started = (o.now ?? (() => new Date()))();
  }

  async onLoaded(loaded: LoadedRun): Promise<void> {
    this.loaded = loaded;
  }

  async runModule(m: ModuleRun, run: RunModule): Promise<TaskResult> {
    const rec: ModuleRecord = { args: redactArgs(m.args, this.redactor) as Record<string, unknown>, reads: new Map() };
    this.records.set(this.recordKey(m.rt.host.name, m.item), rec);
    const t = this.current!;
    const origin = `${t.at} ${entryLabel(t)}`;
    return run(this.wrap(m, rec), (plan) => {
      if (plan.kind === 'change') {
        if (plan.unknowable) rec.unknowable = plan.summary;
        else rec.change = changeOf(plan, this.redactor, t.noLog);
        // the predictions recorded next are this task's: later reads that see them follow from it
        m.ctx.facts.origin = origin;
        if (m.ctx.controllerFacts) m.ctx.controllerFacts.origin = origin;
      }
      return undefined;
    });
  }

  itemDone(host: string, item: { index: number; label: string } | undefined, status: HostStatus, result: TaskResult): void {
    if (status === 'unreachable') return;
    const rec = this.records.get(this.recordKey(host, item?.index));
    this.records.delete(this.recordKey(host, item?.index));
    const base = this.entryBase(host, item);
    let later = this.applyTimeReason(host);
    if (!later && (rec?.unknowable !== undefined || result.check_unknowable)) later = `${this.current!.module}: ${rec?.unknowable ?? 'its outcome is known only when it runs'}`;
    const reads = rec ? [...rec.reads.values()].sort((a, b) => readKey(a.fact, a.args).localeCompare(readKey(b.fact, b.args))) : [];
    const common = { ...(rec ? { args: rec.args } : {}), ...(reads.length ? { reads } : {}) };
    let entry: PlanEntry;
    if (later) {
      this.markUnknown(host, rec?.args);
      entry = { ...base, outcome: 'apply-time', ...common, reason: later };
    } else if (status === 'changed' && rec?.change) entry = { ...base, outcome: 'change', ...common, change: rec.change };
    else if (status === 'changed') entry = { ...base, outcome: 'change', ...common, change: { summary: String(result.msg ?? ''), sha256: digestValue({ summary: String(result.msg ?? ''), diffs: [] }) } };
    else if (status === 'skipped') entry = { ...base, outcome: 'skipped', ...common, reason: String(result.skip_reason ?? result.msg ?? 'skipped') };
    else if (status === 'failed' || status === 'ignored') entry = { ...base, outcome: 'failed', ...common, reason: this.redact(String(result.msg ?? 'failed')) };
    else entry = { ...base, outcome: 'ok', ...common, ...(result.msg !== undefined ? { reason: this.redact(String(result.msg)) } : {}) };
    this.entries.push({ ...entry, order: this.current!.order });
  }

  private redact(s: string): string {
    return this.redactor ? this.redactor.redact(s) : s;
  }

  drifted(): boolean {
    return false;
  }

  exitCode(): number | undefined {
    return undefined;
  }

  /** the plan: entries in play order, then host, then loop item */
  plan(): PlanDoc {
    if (!this.loaded) throw new Error('the plan is made after its run loaded');
    const entries = [...this.entries]
      .sort((a, b) => a.order - b.order || (a.host < b.host ? -1 : a.host > b.host ? 1 : 0) || (a.item?.index ?? -1) - (b.item?.index ?? -1))
      .map(({ order: _order, ...e }) => e);
    return {
      format: 1,
      tsplay: this.o.version,
      created: this.started.toISOString(),
      playbook: planPath(this.o.playbook),
      inventory: this.o.inventory,
      options: this.o.options,
      extraVars: extraVarsDigest(this.o.extraVars),
      plays: [...this.plays.values()],
      files: digestFiles([...loadedInputs(this.loaded), ...this.usedFiles]),
      entries,
    };
  }
}

export function extraVarsDigest(vars: Record<string, unknown>): PlanDoc['extraVars'] {
  return { names: Object.keys(vars).sort(), sha256: digestValue(vars) };
}

/** how an applied task compares with its plan entry */
export type ApplyVerdict = 'as planned' | 'already true' | 'apply-time' | 'drift';

export interface AppliedItem {
  entry?: PlanEntry;
  key: string;
  host: string;
  task: string;
  verdict?: ApplyVerdict;
  status: HostStatus;
}

/** tsplay apply: the run held to the plan */
export class PlanApplier extends PlanSession {
  private byKey = new Map<string, PlanEntry>();
  private driftedHosts = new Map<string, string>();
  private verdicts = new Map<string, ApplyVerdict>();
  readonly applied: AppliedItem[] = [];

  constructor(
    readonly doc: PlanDoc,
    private extraVars: Record<string, unknown>,
    redactor: Redactor | undefined,
  ) {
    super(redactor);
    for (const e of doc.entries) this.byKey.set(entryKey(e), e);
  }

  async onLoaded(loaded: LoadedRun): Promise<void> {
    this.loaded = loaded;
    const now = digestFiles([...loadedInputs(loaded), ...Object.keys(this.doc.files)]);
    const changed = inputChanges(this.doc.files, now);
    const ev = extraVarsDigest(this.extraVars);
    if (ev.sha256 !== this.doc.extraVars.sha256) {
      changed.push(`the variables given (-e) differ from the plan's (the plan has ${this.doc.extraVars.names.join(', ') || 'none'}; now ${ev.names.join(', ') || 'none'})`);
    }
    if (changed.length) throw new PlanRefused(`the plan no longer matches its inputs; no host was contacted:\n  ${changed.join('\n  ')}`);
  }

  private key(host: string, item: number | undefined): string {
    const t = this.current!;
    return entryKey({ play: t.play, at: t.at, run: t.run, host, ...(item !== undefined ? { item: { index: item } } : {}) });
  }

  drifted(host: string): boolean {
    return this.driftedHosts.has(host);
  }

  /** hosts that stopped on drift, with why */
  get drifts(): ReadonlyMap<string, string> {
    return this.driftedHosts;
  }

  private drift(host: string, why: string): TaskResult {
    const t = this.current!;
    const msg = `drift since the plan: ${why}; nothing of this task was applied on ${host} and the host stops here`;
    if (!this.driftedHosts.has(host)) this.driftedHosts.set(host, `task "${entryLabel(t)}" (${t.at}): ${why}`);
    return { changed: false, failed: true, plan_drift: true, msg };
  }

  async runModule(m: ModuleRun, run: RunModule): Promise<TaskResult> {
    const host = m.rt.host.name;
    const key = this.key(host, m.item);
    if (this.driftedHosts.has(host)) return this.drift(host, `${host} drifted at an earlier task`);
    const entry = this.byKey.get(key);
    const later = this.applyTimeReason(host);
    const rec: ModuleRecord = { args: redactArgs(m.args, this.redactor) as Record<string, unknown>, reads: new Map() };
    this.records.set(this.recordKey(host, m.item), rec);
    return run(this.wrap(m, rec), (plan) => {
      if (later || entry?.outcome === 'apply-time') {
        this.verdicts.set(key, 'apply-time');
        return undefined;
      }
      if (!entry) {
        if (plan.kind !== 'change') return undefined;
        this.verdicts.set(key, 'drift');
        return this.drift(host, 'the plan has no such task on this host (it would change: ' + plan.summary + ')');
      }
      const argsNow = canonicalJson(rec.args);
      if (entry.args && argsNow !== canonicalJson(entry.args)) {
        const keys = [...new Set([...Object.keys(entry.args), ...Object.keys(rec.args)])].filter((k) => canonicalJson(entry.args![k]) !== canonicalJson(rec.args[k]));
        this.verdicts.set(key, 'drift');
        return this.drift(host, `its arguments differ from the plan's (${keys.join(', ')})`);
      }
      if (plan.kind === 'noop' && entry.outcome === 'change') {
        this.verdicts.set(key, 'already true');
        return { changed: false, msg: `already as planned: ${plan.reason}`, plan_already: true };
      }
      if (plan.kind === 'change') {
        // what the plan read from the host and the module read again: it must be what it was. What
        // followed from an earlier task's change is not compared: that task was held to the plan
        // itself, and where its change does more than it predicts (a package, a command) the
        // prediction could not know the detail
        const drifted = (entry.reads ?? []).filter((r) => r.sha256 !== undefined && rec.reads.has(readKey(r.fact, r.args)) && rec.reads.get(readKey(r.fact, r.args))!.sha256 !== r.sha256);
        if (drifted.length) {
          this.verdicts.set(key, 'drift');
          return this.drift(host, drifted.map((r) => `${readLabel(r)} is sha256 ${rec.reads.get(readKey(r.fact, r.args))!.sha256} now, ${r.sha256} in the plan`).join('; '));
        }
        if (entry.outcome !== 'change') {
          this.verdicts.set(key, 'drift');
          // what it read then followed from earlier changes: the check predicted those, not this one
          const from = entry.reads?.find((r) => r.followsFrom !== undefined)?.followsFrom;
          const gap = from ? ` (what it read in the plan followed from ${from}, whose effect on this the check did not predict)` : '';
          return this.drift(host, `it would now ${this.redactor ? this.redactor.redact(plan.summary) : plan.summary}, where the plan has no change (${entry.outcome})${gap}`);
        }
      }
      this.verdicts.set(key, 'as planned');
      return undefined;
    });
  }

  itemDone(host: string, item: { index: number; label: string } | undefined, status: HostStatus, result: TaskResult): void {
    const key = this.key(host, item?.index);
    const rec = this.records.get(this.recordKey(host, item?.index));
    this.records.delete(this.recordKey(host, item?.index));
    const entry = this.byKey.get(key);
    let verdict = this.verdicts.get(key);
    this.verdicts.delete(key);
    if (verdict === undefined && (entry?.outcome === 'apply-time' || this.applyTimeReason(host))) verdict = 'apply-time';
    if (verdict === 'apply-time') this.markUnknown(host, rec?.args);
    void result;
    this.applied.push({ ...(entry ? { entry } : {}), key, host, task: entryLabel(this.current!), ...(verdict ? { verdict } : {}), status });
  }

  exitCode(stats: Record<string, HostStats>): number | undefined {
    void stats;
    return this.driftedHosts.size || this.mismatches().length ? PLAN_DRIFT_EXIT : undefined;
  }

  /** the changes made against the changes planned, task by task: each difference as a line */
  mismatches(): string[] {
    const out: string[] = [];
    const seen = new Set<string>();
    for (const a of this.applied) {
      seen.add(a.key);
      if (a.verdict === 'apply-time' || a.verdict === 'drift' || this.driftedHosts.has(a.host)) continue;
      const planned = a.entry?.outcome === 'change';
      if (a.status === 'changed' && !planned) out.push(`${a.host}: "${a.task}" changed, which the plan did not have`);
      if (planned && a.status !== 'changed' && a.verdict !== 'already true' && a.status !== 'failed') out.push(`${a.host}: "${a.task}" did not make its planned change (${a.status})`);
    }
    for (const e of this.doc.entries) {
      if (e.outcome !== 'change' || seen.has(entryKey(e)) || this.driftedHosts.has(e.host)) continue;
      out.push(`${e.host}: "${entryLabel(e)}" (${e.at}) did not run; the plan has a change there`);
    }
    return out;
  }

  /** every planned change was already true: nothing was changed */
  get alreadyTrue(): boolean {
    const changes = this.applied.filter((a) => a.entry?.outcome === 'change');
    // what is decided at apply time may change again (a command runs each time): it is not the plan's
    return !this.driftedHosts.size && changes.every((a) => a.verdict === 'already true') && !this.applied.some((a) => a.status === 'changed' && a.verdict !== 'apply-time');
  }
}
