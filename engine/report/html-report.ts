// --report FILE (or TSPLAY_REPORT): one self-contained HTML page of the run, written when it ends:
// its summary, a timeline per host, the changed tasks with their diffs, the failures, the slowest
// tasks. It is fed the same redacted events as every other view (redacted-events.ts) and redacts
// each text again as it lays the page out (secrets learned later in the run), as the terminal's
// output stream does. Loaded only when a report is asked for.
import { accessSync, closeSync, constants, fsyncSync, openSync, renameSync, statSync, unlinkSync, writeSync, fchmodSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { HostResultEvent, HostStats, Reporter, RunInfo, TaskInfo } from './types.js';
import type { Redactor } from '../secrets/redactor.js';
import { TaskClock } from './timing.js';
import { formatFileDiff } from '../modules/lib/file-diff.js';
import { comparePlan, renderReport, textMaker, type ReportModel, type ReportResult, type ReportTask } from './html-page.js';
import { TsplayError, UsageError } from '../errors.js';

/**
 * The report's path, absolute, or a UsageError naming what is wrong with it: checked before any
 * host is contacted, so that a run does not change hosts and then fail to say what it did.
 */
export function checkReportPath(file: string, given: string): string {
  const path = resolve(file);
  const bad = (why: string) => new UsageError(`${given} ${file}: ${why}`);
  const st = statSync(path, { throwIfNoEntry: false });
  if (st?.isDirectory()) throw bad('is a directory');
  const dir = dirname(path);
  const d = statSync(dir, { throwIfNoEntry: false });
  if (!d) throw bad(`the directory ${dir} does not exist`);
  if (!d.isDirectory()) throw bad(`${dir} is not a directory`);
  try {
    accessSync(dir, constants.W_OK);
  } catch (e) {
    throw bad(`cannot write in ${dir} (${(e as NodeJS.ErrnoException).code})`);
  }
  return path;
}

/**
 * Replaces `path` at once: the page goes to a new file in the same directory (created exclusively,
 * so never through a link someone planted; mode 0600, as a report names hosts and their errors),
 * which is then renamed over it. A reader sees the old report or the whole new one.
 */
export function writeAtomic(path: string, data: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    fchmodSync(fd, 0o600); // whatever the umask
    const buf = Buffer.from(data, 'utf8');
    for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, path);
  } catch (e) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    try {
      unlinkSync(tmp);
    } catch {
      // not there
    }
    throw e;
  }
}

export interface HtmlReportOptions {
  redactor?: Redactor;
  inventory?: string[];
  /**
   * the changes a saved plan predicted (host and `role : task` label), for a run that applies
   * one: the page then sets them against what the run changed
   */
  planned?: { source: string; changes: { host: string; task: string }[] };
}

export class HtmlReporter implements Reporter {
  private info?: RunInfo;
  private t0 = performance.now();
  private started = new Date();
  private clock = new TaskClock();
  private play = '';
  private tasks: ReportTask[] = [];
  private results: ReportResult[] = [];
  private warnings: string[] = [];
  /** when the current task started, ms since the run started */
  private taskStart = 0;
  /** per host: when its last result came (a host's next task cannot have started before) */
  private hostEnd = new Map<string, number>();
  /** per host: the failed items of the current loop, shown with the loop's result */
  private itemFailures = new Map<string, string[]>();
  private error?: unknown;

  constructor(
    readonly path: string,
    private opts: HtmlReportOptions = {},
  ) {}

  private now(): number {
    return performance.now() - this.t0;
  }

  onRunStart(info: RunInfo): void {
    this.info = info;
    this.t0 = performance.now();
    this.started = new Date();
  }
  onPlayStart(play: { name: string }): void {
    this.clock.close();
    this.play = play.name;
  }
  onTaskStart(task: TaskInfo): void {
    const now = performance.now();
    this.clock.taskStart(task, now);
    this.taskStart = now - this.t0;
    this.tasks.push({ label: taskLabel(task), module: task.module, where: task.where, play: this.play, ...(task.handler ? { handler: true } : {}) });
    this.itemFailures.clear();
  }
  onWarning(msg: string): void {
    this.warnings.push(msg);
  }
  onHostResult(ev: HostResultEvent): void {
    if (ev.itemLabel !== undefined) {
      if (ev.status === 'failed' || ev.status === 'ignored') {
        (this.itemFailures.get(ev.host) ?? this.itemFailures.set(ev.host, []).get(ev.host)!).push(`item ${ev.itemLabel}: ${describe(ev.result)}`);
      }
      return;
    }
    const perf = performance.now();
    this.clock.hostDone(perf);
    const end = perf - this.t0;
    // with more hosts than forks a host starts the task when its fork is free: not before its last result
    const start = Math.min(end, Math.max(this.taskStart, this.hostEnd.get(ev.host) ?? 0));
    this.hostEnd.set(ev.host, end);
    // the runner reports a task's results after its start; a result of another task gets its own entry
    const label = taskLabel(ev.task);
    const current = this.tasks.at(-1);
    if (!current || current.label !== label || current.where !== ev.task.where) {
      this.tasks.push({ label, module: ev.task.module, where: ev.task.where, play: this.play, ...(ev.task.handler ? { handler: true } : {}) });
    }
    const r: ReportResult = { task: this.tasks.length - 1, host: ev.host, status: ev.status, start, end };
    if (ev.delegatedTo) r.delegatedTo = ev.delegatedTo;
    if (ev.status === 'failed' || ev.status === 'unreachable' || ev.status === 'ignored') {
      r.message = [describe(ev.result), ...(this.itemFailures.get(ev.host) ?? [])].join('\n');
    }
    if (ev.status === 'changed' && ev.result.diff?.length) r.diffs = ev.result.diff.map(formatFileDiff);
    this.itemFailures.delete(ev.host);
    this.results.push(r);
  }
  onRecap(): void {
    this.clock.close();
  }
  onRunEnd(r: { exitCode: number; stats: Record<string, HostStats> }): void {
    const hosts = Object.keys(r.stats);
    for (const res of this.results) if (!(res.host in r.stats)) hosts.push(res.host);
    const model: ReportModel = {
      playbook: this.info?.playbook ?? '',
      inventory: this.opts.inventory ?? [],
      check: this.info?.check ?? false,
      started: this.started.toISOString(),
      durationMs: this.now(),
      exitCode: r.exitCode,
      hosts: [...new Set(hosts)],
      stats: r.stats,
      tasks: this.tasks,
      results: this.results,
      warnings: this.warnings,
      slowest: this.clock.slowest(),
    };
    if (this.opts.planned) model.plan = comparePlan(this.opts.planned.source, this.opts.planned.changes, model);
    const redactor = this.opts.redactor;
    // every text from the run is redacted before it is escaped into the page; the page's own
    // markup is not: a short secret such as "root" would otherwise break a style rule or a tag
    const page = renderReport(model, textMaker(redactor ? (s) => redactor.redact(s) : undefined));
    try {
      writeAtomic(this.path, page);
    } catch (e) {
      // the other outputs (the recap, the run log) still get the run's end; the CLI reports this after them
      this.error = e;
    }
  }
  async flush(): Promise<void> {
    if (this.error === undefined) return;
    const e = this.error;
    this.error = undefined;
    throw new TsplayError(`could not write the report ${this.path}: ${(e as Error).message ?? e}`);
  }
}

/** `role : name`, as the views and the slowest tasks name a task */
function taskLabel(task: TaskInfo): string {
  return `${task.role ? `${task.role} : ` : ''}${task.name}`;
}

/** a failed result in a few lines: its message, then rc, stderr and stdout when the module gave them */
function describe(result: Record<string, unknown>): string {
  const lines = [String(result.msg ?? '')];
  if (result.rc !== undefined) lines.push(`rc: ${String(result.rc)}`);
  for (const k of ['stderr', 'stdout']) {
    const v = result[k];
    if (typeof v === 'string' && v !== '') lines.push(`${k}:\n${v}`);
  }
  return lines.filter((l) => l !== '').join('\n');
}
