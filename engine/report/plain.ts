// Ansible-style text output, for pipes, logs and terminals alike.
import type { Writable } from 'node:stream';
import type { HostResultEvent, HostStats, Reporter, RunInfo, TaskInfo } from './types.js';
import { recapLine } from './recap.js';
import { formatFileDiff } from './file-diff.js';

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

export class PlainReporter implements Reporter {
  private info?: RunInfo;
  constructor(private out: Writable, private opts: { verbose?: boolean } = {}) {}

  private w(line: string): void {
    this.out.write(line + '\n');
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
    this.w(banner(`${task.handler ? 'RUNNING HANDLER' : 'TASK'} [${task.role ? `${task.role} : ` : ''}${task.name}]`));
  }
  onWarning(msg: string): void {
    this.w(`[WARNING]: ${msg}`);
  }
  onHostResult(ev: HostResultEvent): void {
    const h = ev.delegatedTo ? `${ev.host} -> ${ev.delegatedTo}` : ev.host;
    const item = ev.itemLabel !== undefined ? ` => (item=${ev.itemLabel})` : '';
    if (this.info?.diff && ev.result.diff?.length && ev.status !== 'skipped') {
      for (const d of ev.result.diff) this.out.write(formatFileDiff(d));
    }
    // a loop's items were shown one by one; Ansible prints no extra line for the whole loop
    if (Array.isArray(ev.result.results) && ev.itemLabel === undefined && (ev.status === 'ok' || ev.status === 'changed' || ev.status === 'skipped')) return;
    switch (ev.status) {
      case 'ok':
      case 'changed': {
        const show = ev.task.module === 'debug' && ev.itemLabel === undefined ? ` => ${JSON.stringify(debugView(ev.result))}` : '';
        const why = this.opts.verbose && ev.result.msg ? ` => ${JSON.stringify({ msg: ev.result.msg })}` : '';
        this.w(`${ev.status}: [${h}]${item}${show || why}`);
        break;
      }
      case 'skipped':
        this.w(`skipping: [${h}]${item}${ev.result.skip_reason && this.opts.verbose ? ` => ${JSON.stringify({ skip_reason: ev.result.skip_reason })}` : ''}`);
        break;
      case 'unreachable':
        this.w(`fatal: [${h}]: UNREACHABLE! => ${JSON.stringify({ msg: ev.result.msg, unreachable: true })}`);
        break;
      case 'failed':
      case 'ignored':
        this.w(`fatal: [${h}]${item}: FAILED! => ${resultSummary(ev)}`);
        if (ev.status === 'ignored') this.w('...ignoring');
        break;
      default:
        this.w(`${ev.status}: [${h}]${item}`);
    }
  }
  onRecap(stats: Record<string, HostStats>): void {
    this.w(banner('PLAY RECAP'));
    const hosts = Object.keys(stats);
    const width = hosts.reduce((w, h) => Math.max(w, h.length), 0);
    for (const h of hosts) this.w(recapLine(h, stats[h], width));
    this.w('');
  }
}

function debugView(r: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) if (!['changed', 'failed', 'skipped', 'diff'].includes(k)) out[k] = v;
  return out;
}
