// --json: one JSON document on stdout at the end, nothing else.
import type { Writable } from 'node:stream';
import type { HostResultEvent, HostStats, Reporter, TaskInfo } from './types.js';
import type { Redactor } from '../secrets/redactor.js';

interface JsonTask {
  task: { name: string; module: string; where: string; handler?: boolean };
  hosts: Record<string, Record<string, unknown>>;
}

export class JsonReporter implements Reporter {
  private plays: { play: { name: string }; tasks: JsonTask[] }[] = [];
  private current?: JsonTask;
  private warnings: string[] = [];
  /** `redactor`: secrets are replaced before DEL and C1 are escaped (the output stream redacts too) */
  constructor(private out: Writable, private opts: { redactor?: Redactor } = {}) {}

  onPlayStart(play: { name: string }): void {
    this.plays.push({ play: { name: play.name }, tasks: [] });
  }
  onTaskStart(task: TaskInfo): void {
    this.current = { task: { name: task.name, module: task.module, where: task.where, ...(task.handler ? { handler: true } : {}) }, hosts: {} };
    this.plays.at(-1)?.tasks.push(this.current);
  }
  onWarning(msg: string): void {
    this.warnings.push(msg);
  }
  onHostResult(ev: HostResultEvent): void {
    if (!this.current || ev.itemLabel !== undefined) return; // items are inside the summary's results
    const { changed, msg, diff, ...rest } = ev.result;
    this.current.hosts[ev.host] = { status: ev.status, changed: !!changed, ...(msg !== undefined ? { msg } : {}), ...(diff ? { diff } : {}), ...rest };
  }
  onRunEnd(r: { exitCode: number; stats: Record<string, HostStats>; changesPending: boolean }): void {
    const json = JSON.stringify({ plays: this.plays, stats: r.stats, ...(this.warnings.length ? { warnings: this.warnings } : {}) }, null, 2);
    const doc = this.opts.redactor ? this.opts.redactor.redact(json) : json;
    // JSON escapes C0 controls itself; DEL and C1 (which some terminals obey) only inside strings,
    // where `\u` escapes read back the same
    this.out.write(doc.replace(/[\x7f-\x9f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) + '\n');
  }
}
