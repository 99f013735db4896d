// Ansible-style text output, for pipes, logs and terminals alike.
import type { Writable } from 'node:stream';
import type { HostDetailEvent, HostResultEvent, HostStats, Reporter, RunInfo, TaskInfo } from './types.js';
import { ansibleJson, debugShown, verboseShown } from './ansible-json.js';
import { recapLines } from './recap.js';
import { formatFileDiff } from '../modules/lib/file-diff.js';
import { escapeControls, palette } from './terminal-text.js';
import { TaskClock, slowestLines } from './timing.js';
import type { Redactor } from '../secrets/redactor.js';

function banner(title: string): string {
  return `\n${title} ${'*'.repeat(Math.max(3, 79 - title.length))}`;
}

/** keys worth showing after "=>" for a failed or verbose result */
function resultSummary(ev: HostResultEvent): string {
  const r = ev.result;
  const pick: Record<string, unknown> = {};
  for (const k of ['msg', 'rc', 'cmd', 'stdout', 'stderr']) if (r[k] !== undefined && r[k] !== '') pick[k] = r[k];
  return JSON.stringify(pick);
}

export interface PlainOptions {
  /** -v: each result after "=>"; -vv: each task's file:line; -vvv: what each connection does */
  verbosity?: number;
  /** the same as verbosity 1 */
  verbose?: boolean;
  /** secrets are replaced in each line before it is escaped (the output stream redacts too) */
  redactor?: Redactor;
  /** the output is a terminal: control characters from hosts and values are shown escaped */
  terminal?: boolean;
  /** colour the recap as Ansible does */
  color?: boolean;
}

export class PlainReporter implements Reporter {
  private info?: RunInfo;
  private clock = new TaskClock();
  private readonly verbosity: number;
  constructor(private out: Writable, private opts: PlainOptions = {}) {
    this.verbosity = opts.verbosity ?? (opts.verbose ? 1 : 0);
  }

  /** what reaches the output: redacted first (an escape could split a secret), then escaped on a terminal */
  private text(s: string, multiline = false): string {
    const r = this.opts.redactor ? this.opts.redactor.redact(s) : s;
    return this.opts.terminal ? escapeControls(r, { multiline }) : r;
  }

  private w(line: string): void {
    this.out.write(this.text(line, true) + '\n');
  }

  onRunStart(info: RunInfo): void {
    this.info = info;
  }
  onPlayStart(play: { name: string }): void {
    this.w(banner(`PLAY [${play.name}]`));
  }
  onNoHosts(): void {
    this.w('skipping: no hosts matched');
  }
  onTaskStart(task: TaskInfo): void {
    this.clock.taskStart(task);
    this.w(banner(`${task.handler ? 'RUNNING HANDLER' : 'TASK'} [${task.role ? `${task.role} : ` : ''}${task.name}]`));
    if (this.verbosity >= 2 && task.where) this.w(`task path: ${taskPath(task.where)}`);
  }
  onWarning(msg: string): void {
    this.w(`[WARNING]: ${msg}`);
  }
  onHostDetail(ev: HostDetailEvent): void {
    if (this.verbosity >= 3) this.w(`<${ev.host}> ${ev.text}`);
  }
  onHostResult(ev: HostResultEvent): void {
    if (ev.itemLabel === undefined) this.clock.hostDone();
    const h = ev.delegatedTo ? `${ev.host} -> ${ev.delegatedTo}` : ev.host;
    const item = ev.itemLabel !== undefined ? ` => (item=${ev.itemLabel})` : '';
    if (this.info?.diff && ev.result.diff?.length && ev.status !== 'skipped') {
      for (const d of ev.result.diff) this.out.write(this.text(formatFileDiff(d), true));
    }
    // a loop's items were shown one by one; Ansible prints no extra line for the whole loop
    if (Array.isArray(ev.result.results) && ev.itemLabel === undefined && (ev.status === 'ok' || ev.status === 'changed' || ev.status === 'skipped')) return;
    switch (ev.status) {
      case 'ok':
      case 'changed': {
        // debug as Ansible's: its message or variable, indented by 4; -v: the whole result on the line
        const shown = ev.task.module === 'debug' ? ` => ${ansibleJson(debugShown(ev.result), 4)}` : this.verbosity ? ` => ${verboseShown(ev, this.verbosity)}` : '';
        this.w(`${ev.status}: [${h}]${item}${shown}`);
        break;
      }
      case 'skipped':
        this.w(`skipping: [${h}]${item}${this.verbosity ? ` => ${verboseShown(ev, this.verbosity)}` : ''}`);
        break;
      case 'unreachable':
        this.w(`fatal: [${h}]: UNREACHABLE! => ${JSON.stringify({ msg: ev.result.msg, unreachable: true })}`);
        break;
      case 'failed':
      case 'ignored':
        this.w(`fatal: [${h}]${item}: FAILED! => ${this.verbosity ? verboseShown(ev, this.verbosity) : resultSummary(ev)}`);
        if (ev.status === 'ignored') this.w('...ignoring');
        break;
      default:
        this.w(`${ev.status}: [${h}]${item}`);
    }
  }
  onRecap(stats: Record<string, HostStats>): void {
    this.clock.close();
    this.w(banner('PLAY RECAP'));
    // host names escaped before the colour codes go in (those must reach the terminal)
    const shown = Object.fromEntries(Object.entries(stats).map(([h, s]) => [this.text(h), s]));
    for (const line of recapLines(shown, palette(!!this.opts.color))) this.out.write(line + '\n');
    this.w('');
    // as Ansible's profile_tasks: after the recap, the tasks that took longest
    const slow = this.clock.slowest();
    if (slow.length) {
      this.w(banner('SLOWEST TASKS').slice(1));
      for (const line of slowestLines(slow)) this.w(line);
      this.w('');
    }
  }
}

/** Ansible's `task path:` names file:line (the column is left out) */
export function taskPath(where: string): string {
  return where.replace(/:\d+:\d+$/, (m) => `:${m.split(':')[1]}`);
}
