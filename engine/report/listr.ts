// Progress on a terminal. While a task runs, listr2 draws a small live frame: how far the task
// is, the hosts it still waits for. When the task is over that frame is cleared and this view
// writes the task's lines for good: banner, one line per host with its time, failure text, loop
// items, diffs. listr2 only ever draws the task in progress; every line that stays on screen is
// written here. Only a view: the runner schedules and decides, this only draws.
//
// While listr2 draws, it takes the output stream and stderr over (their `write` is swapped for a
// buffer that it prints when it lets go). A list built while another one holds the stream would
// keep that borrowed buffer as its writer and print into it forever after. So a list is built
// only when its turn comes in the ordered chain below, never while anything else holds the
// stream, and nothing else this view prints is written while a list draws.
import type { Writable } from 'node:stream';
import { Listr, ListrLogger, ProcessOutput } from 'listr2';
import type { HostDetailEvent, HostResultEvent, HostStats, Reporter, RunInfo, TaskInfo } from './types.js';
import { ansibleJson, debugShown, verboseShown } from './ansible-json.js';
import { taskPath } from './plain.js';
import type { TaskResult } from '../modules/types.js';
import { recapLines } from './recap.js';
import { formatFileDiff } from '../modules/lib/file-diff.js';
import { escapeControls, palette, type Palette } from './terminal-text.js';
import { TaskClock, seconds, slowestLines } from './timing.js';
import type { Redactor } from '../secrets/redactor.js';

/** lines of a failure's message and stderr shown under its host's line (the first is on the line) */
const DETAIL_LINES = 10;
/** how often the live frame is refreshed */
const TICK_MS = 250;
const CSI = /\x1b\[[0-?]*[ -/]*[@-~]/g;

function isFailure(status: string): boolean {
  return status === 'failed' || status === 'unreachable' || status === 'ignored';
}

interface HostSlot {
  host: string;
  /** the host's result (for a loop: the summary after its items) */
  ev?: HostResultEvent;
  items: HostResultEvent[];
  /** since the task started */
  ms?: number;
  /** -vvv: what its connection did meanwhile */
  details: string[];
}

/** one task's hosts, filled in as results arrive, drawn when its turn comes */
class TaskRun {
  readonly slots: HostSlot[];
  private byHost = new Map<string, HostSlot>();
  private left: number;
  readonly all: Promise<void>;
  private allDone!: () => void;

  constructor(readonly task: TaskInfo, readonly started: number) {
    this.slots = (task.hosts ?? []).map((host) => {
      const slot: HostSlot = { host, items: [], details: [] };
      this.byHost.set(host, slot);
      return slot;
    });
    this.left = this.slots.length;
    this.all = new Promise<void>((r) => (this.allDone = r));
    if (!this.left) this.allDone();
  }

  get complete(): boolean {
    return this.left === 0;
  }

  /** its lines are being written: what comes later is written on its own */
  drawn = false;

  /** a line of -vvv for one of its hosts, kept for under that host's line; false once too late */
  detail(host: string, text: string): boolean {
    const slot = this.slots.find((s) => s.host === host);
    if (!slot || this.drawn) return false;
    slot.details.push(text);
    return true;
  }

  result(ev: HostResultEvent, ms: number): void {
    const slot = this.byHost.get(ev.host);
    if (!slot || slot.ev) return;
    if (ev.itemLabel !== undefined) {
      slot.items.push(ev);
      return;
    }
    slot.ev = ev;
    slot.ms = ms;
    this.finish(slot);
  }

  /** the run moved on: a host that got no result must not leave its line waiting forever */
  settle(): void {
    for (const slot of this.slots) if (!slot.ev && this.byHost.has(slot.host)) this.finish(slot);
  }

  private finish(slot: HostSlot): void {
    this.byHost.delete(slot.host);
    if (--this.left === 0) this.allDone();
  }
}

/**
 * listr2's hold on the streams, seen from outside: whether it holds them (to give them back if
 * the process exits meanwhile) and what was written to stderr meanwhile (held by listr2 until it
 * lets go; shown in the live frame at once, e.g. the notice of a Ctrl-C during a long task).
 */
class HeldOutput extends ProcessOutput {
  held = false;
  readonly stderrSeen: string[] = [];
  constructor(stdout: NodeJS.WriteStream, private errStream: NodeJS.WriteStream) {
    super(stdout, errStream);
  }
  override hijack(): void {
    super.hijack();
    this.held = true;
    // listr2's release() puts the original writer back, replacing this one too
    const err = this.errStream;
    const buffered = err.write;
    err.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      this.stderrSeen.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return buffered.call(err, chunk, ...rest);
    }) as NodeJS.WriteStream['write'];
  }
  override release(): void {
    this.held = false;
    super.release();
  }
}

export interface ListrViewOptions {
  /** secrets are replaced in every text before listr2 wraps or truncates it */
  redactor?: Redactor;
  /** colour as Ansible does (off with NO_COLOR) */
  color?: boolean;
  /** -v: each result after "=>"; -vv: each task's file:line; -vvv: what each connection does */
  verbosity?: number;
}

export class ListrReporter implements Reporter {
  /** drawing happens in order, one task at a time, even when events come faster */
  private chain: Promise<void> = Promise.resolve();
  private current?: TaskRun;
  private info?: RunInfo;
  private clock = new TaskClock();
  private paint: Palette;
  /** the writers as they were before anything took them over */
  private readonly outWrite: Writable['write'];
  private readonly errWrite: NodeJS.WriteStream['write'];

  constructor(private out: Writable, private opts: ListrViewOptions = {}) {
    this.paint = palette(!!opts.color);
    this.outWrite = out.write;
    this.errWrite = process.stderr.write;
  }

  private later(fn: () => void | Promise<void>): void {
    this.chain = this.chain.then(fn).catch((e) => {
      this.out.write(`(progress view failed: ${(e as Error).message})\n`);
    });
  }

  /**
   * What reaches the screen: secrets replaced first (before listr2 wraps or truncates a line, or
   * an escape splits one), then control characters escaped. `multiline` keeps newlines and tabs.
   */
  private text(s: string, multiline = false): string {
    return escapeControls(this.redact(s), { multiline });
  }

  private write(lines: string[]): void {
    if (lines.length) this.out.write(lines.join('\n') + '\n');
  }

  onRunStart(info: RunInfo): void {
    this.info = info;
  }
  onPlayStart(play: { name: string }): void {
    this.later(() => this.write(['', `PLAY [${this.text(play.name)}]`]));
  }
  onNoHosts(): void {
    this.later(() => this.write(['skipping: no hosts matched']));
  }
  onWarning(msg: string): void {
    this.later(() => this.write([this.paint.warning(`[WARNING]: ${this.text(msg, true)}`)]));
  }
  onHostDetail(ev: HostDetailEvent): void {
    if ((this.opts.verbosity ?? 0) < 3) return;
    // under its host's line in the task being drawn; else (a read made ahead of its task) on its own
    if (!this.current?.detail(ev.host, ev.text)) this.later(() => this.write([this.paint.dim(this.text(`<${ev.host}> ${ev.text}`))]));
  }

  onTaskStart(task: TaskInfo): void {
    this.current?.settle();
    this.clock.taskStart(task);
    const run = new TaskRun(task, performance.now());
    this.current = run;
    this.later(async () => {
      // a task already over when its turn comes needs no live frame
      if (!run.complete) await this.live(run);
      run.drawn = true;
      this.write(this.taskLines(run));
    });
  }

  onHostResult(ev: HostResultEvent): void {
    const ms = ev.itemLabel === undefined ? this.clock.hostDone() : 0;
    this.current?.result(ev, ms);
  }

  onRecap(stats: Record<string, HostStats>): void {
    this.current?.settle();
    this.current = undefined;
    this.clock.close();
    const slow = this.clock.slowest();
    this.later(() => {
      const shown = Object.fromEntries(Object.entries(stats).map(([h, s]) => [this.text(h), s]));
      this.write(['', 'PLAY RECAP', ...recapLines(shown, this.paint)]);
      if (slow.length) this.write(['', 'SLOWEST TASKS', ...slowestLines(slow.map((t) => ({ ...t, label: this.text(t.label) })))]);
    });
  }

  /** resolves once everything is drawn; a run that ended early (an error) leaves no host waiting */
  flush(): Promise<void> {
    this.current?.settle();
    return this.chain;
  }

  private title(task: TaskInfo): string {
    return `${task.handler ? 'RUNNING HANDLER' : 'TASK'} [${this.text(`${task.role ? `${task.role} : ` : ''}${task.name}`)}]`;
  }

  /**
   * The task drawn by listr2 until every host has its result, then cleared. One line says how far
   * the task is, one lists the hosts it waits for: the frame stays a few lines high whatever the
   * number of hosts (a line per host, redrawn on every result, costs seconds of CPU on hundreds).
   */
  private async live(run: TaskRun): Promise<void> {
    // something else holds the stream (another program's hook): no live frame, the lines still come
    if (this.out.write !== this.outWrite || process.stderr.write !== this.errWrite) {
      await run.all;
      return;
    }
    const output = new HeldOutput(this.out as NodeJS.WriteStream, process.stderr);
    // a second Ctrl-C exits at once: give the streams back, print what listr2 held, show the cursor
    const onExit = () => {
      if (output.held) output.release();
      process.stdout.write('\x1b[?25h');
    };
    process.once('exit', onExit);
    const list = new Listr(
      [
        {
          title: this.frame(run, output),
          task: async (_ctx, t) => {
            const tick = setInterval(() => (t.title = this.frame(run, output)), TICK_MS);
            try {
              await run.all;
            } finally {
              clearInterval(tick);
            }
          },
        },
      ],
      {
        exitOnError: false,
        registerSignalListeners: false,
        rendererOptions: {
          // the lines that stay are written by taskLines(); this frame is only the live part
          clearOutput: true,
          // one screen line per line of text: the frame's height is known, so it is erased exactly
          formatOutput: 'truncate',
          logger: new ListrLogger({ processOutput: output }),
        },
      },
    );
    try {
      await list.run().catch(() => undefined);
    } finally {
      process.removeListener('exit', onExit);
    }
  }

  /** `TASK [x] (3.1s) 28/40 done, 1 failed`, the hosts still to report, and what stderr got meanwhile */
  private frame(run: TaskRun, output: HeldOutput): string {
    const waiting = run.slots.filter((s) => !s.ev);
    const failed = run.slots.filter((s) => s.ev?.status === 'failed' || s.ev?.status === 'unreachable').length;
    const done = run.slots.length - waiting.length;
    const head = `${this.title(run.task)} (${((performance.now() - run.started) / 1000).toFixed(1)}s) ${done}/${run.slots.length} done${failed ? `, ${failed} failed` : ''}`;
    // the renderer truncates the line to the terminal's width: no need to list more than fit
    const names = waiting.slice(0, 200).map((s) => this.text(s.host));
    const lines = [head];
    if (names.length) lines.push(`waiting for: ${names.join(', ')}${waiting.length > names.length ? ', …' : ''}`);
    // log-update hides the cursor through stderr on every draw: those sequences are not news
    const seen = output.stderrSeen.join('').replace(CSI, '').split('\n').filter((l) => l.trim());
    for (const l of seen.slice(-3)) lines.push(this.text(l));
    return lines.join('\n');
  }

  /** a host's line, without its icon: `changed: [h] (0.52s)`, `FAILED: [h] (0.10s) msg (rc=3): first stderr line` */
  private hostLine(slot: HostSlot, ev: HostResultEvent): string {
    const where = ev.delegatedTo ? `${slot.host} -> ${ev.delegatedTo}` : slot.host;
    const time = slot.ms !== undefined ? ` (${seconds(slot.ms)})` : '';
    switch (ev.status) {
      case 'skipped':
        return this.text(`skipping: [${where}]${time}`) + this.text(this.shown(ev), true);
      case 'failed':
      case 'unreachable':
      case 'ignored': {
        const word = ev.status === 'unreachable' ? 'UNREACHABLE' : ev.status === 'ignored' ? 'FAILED (ignored)' : 'FAILED';
        // -v: the whole result, as the plain view and Ansible print it (a loop's is told by its items)
        if (this.verbose(ev)) return this.text(`${word}: [${where}]${time}`) + this.text(` => ${verboseShown(ev, this.opts.verbosity ?? 0)}`, true);
        return `${this.text(`${word}: [${where}]${time}`)} ${this.failure(ev.result).line}`;
      }
      default:
        // the JSON after "=>" has its control characters escaped already; its line breaks are its indent
        return this.text(`${ev.status}: [${where}]${time}`) + this.text(this.shown(ev), true);
    }
  }

  /**
   * After "=>": debug's message on the line when it is one line of text, else its message or
   * variable as Ansible prints it (indented JSON, on the lines below); -v: the whole result
   */
  private shown(ev: HostResultEvent): string {
    // a loop's items were shown one by one: its summary adds nothing (Ansible prints no line for it)
    if (Array.isArray(ev.result.results) && ev.itemLabel === undefined) return '';
    if (ev.task.module === 'debug' && ev.status !== 'skipped') {
      const d = debugShown(ev.result);
      const keys = Object.keys(d);
      if (keys.length === 1 && keys[0] === 'msg' && typeof d.msg === 'string' && !d.msg.includes('\n')) return ` => ${JSON.stringify(d.msg)}`;
      return ` => ${ansibleJson(d, 4)}`;
    }
    return (this.opts.verbosity ?? 0) >= 1 ? ` => ${verboseShown(ev, this.opts.verbosity ?? 0)}` : '';
  }

  /** -v on a failure that is told by its own result (not by its loop's items, not unreachable) */
  private verbose(ev: HostResultEvent): boolean {
    return (this.opts.verbosity ?? 0) >= 1 && ev.status !== 'unreachable' && !(Array.isArray(ev.result.results) && ev.itemLabel === undefined);
  }

  /** a line that may hold the lines of a debug variable: each shown below the first, indented */
  private block(first: string, indent: string): string[] {
    const [head, ...rest] = first.split('\n');
    return [head, ...rest.map((l) => `${indent}${l}`)];
  }

  /**
   * Why a result failed: `msg (rc=N): first line of stderr` on one line, the further lines of the
   * message and of stderr below it. Each text is redacted whole before it is cut into lines.
   */
  private failure(r: TaskResult): { line: string; more: string[] } {
    const lines = (v: unknown) => (v === undefined || v === null || v === '' ? [] : this.redact(String(v)).trim().split('\n'));
    const msg = lines(r.msg);
    const err = lines(r.stderr);
    const rc = r.rc !== undefined && r.rc !== null ? ` (rc=${r.rc})` : '';
    const line = this.text(`${msg[0] ?? ''}${rc}${err.length ? `: ${err[0]}` : ''}`);
    const rest = [...msg.slice(1), ...err.slice(1)];
    const more = rest.slice(0, DETAIL_LINES).map((l) => this.text(l, true));
    if (rest.length > DETAIL_LINES) more.push(this.paint.dim(`… ${rest.length - DETAIL_LINES} more lines`));
    return { line, more };
  }

  private redact(s: string): string {
    return this.opts.redactor ? this.opts.redactor.redact(s) : s;
  }

  private icon(status: string): string {
    const p = this.paint;
    switch (status) {
      case 'failed':
      case 'unreachable':
        return p.failed('✖');
      case 'ignored':
        return p.warning('⚠');
      case 'skipped':
      case 'none':
        return p.skipped('↓');
      default:
        return p.ok('✔');
    }
  }

  private colour(status: string): (s: string) => string {
    const p = this.paint;
    return status === 'changed' ? p.changed : status === 'failed' ? p.failed : status === 'unreachable' ? p.unreachable : status === 'skipped' ? p.skipped : status === 'ignored' ? p.warning : p.ok;
  }

  /** the lines a task leaves on screen */
  private taskLines(run: TaskRun): string[] {
    const bad = run.slots.some((s) => s.ev?.status === 'failed' || s.ev?.status === 'unreachable');
    const lines = [`${bad ? this.paint.failed('✖') : this.paint.ok('✔')} ${this.title(run.task)}`];
    if ((this.opts.verbosity ?? 0) >= 2 && run.task.where) lines.push(this.paint.dim(`  task path: ${this.text(taskPath(run.task.where))}`));
    const diffs: string[] = [];
    for (const slot of run.slots) {
      const ev = slot.ev;
      if (!ev) {
        lines.push(`  ${this.icon('none')} ${this.paint.dim(this.text(`no result: [${slot.host}]`))}`);
        continue;
      }
      for (const d of slot.details) lines.push(this.paint.dim(`    ${this.text(`<${slot.host}> ${d}`)}`));
      lines.push(...this.block(`  ${this.icon(ev.status)} ${this.colour(ev.status)(this.hostLine(slot, ev))}`, '    '));
      // a loop's failure is told by its items
      if (isFailure(ev.status) && !slot.items.length && !this.verbose(ev)) for (const l of this.failure(ev.result).more) lines.push(`      ${l}`);
      for (const item of slot.items) {
        const word = item.status === 'skipped' ? 'skipping' : item.status === 'failed' ? 'FAILED' : item.status;
        const why = isFailure(item.status) && !this.verbose(item) ? this.failure(item.result) : undefined;
        const shown = why ? ` ${why.line}` : this.text(this.shown(item), true);
        lines.push(...this.block(`    ${this.icon(item.status)} ${this.colour(item.status)(`${this.text(`${word}: (item=${item.itemLabel})`)}${shown}`)}`, '      '));
        for (const l of why?.more ?? []) lines.push(`        ${l}`);
      }
      if (this.info?.diff) {
        for (const e of slot.items.length ? slot.items : [ev]) {
          if (e.status !== 'skipped' && e.result.diff?.length) diffs.push(...e.result.diff.map(formatFileDiff));
        }
      }
    }
    for (const d of diffs) lines.push(...this.diffLines(d));
    return lines;
  }

  /** a diff, redacted whole, then line by line escaped and coloured as Ansible's */
  private diffLines(diff: string): string[] {
    const p = this.paint;
    return this.text(diff.replace(/\n$/, ''), true)
      .split('\n')
      .map((l) => (l.startsWith('+++') || l.startsWith('---') ? l : l.startsWith('+') ? p.ok(l) : l.startsWith('-') ? p.failed(l) : l.startsWith('@@') ? p.skipped(l) : l));
  }
}
