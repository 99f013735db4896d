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
  /**
   * `redactor`: secrets are replaced inside the values, before they are serialized (a secret
   * replaced in the text could be a number's digits or JSON's own punctuation); `out` then gets
   * the document as is, not through a redacting stream.
   */
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
    const doc = { plays: this.plays, stats: r.stats, ...(this.warnings.length ? { warnings: this.warnings } : {}) };
    const json = JSON.stringify(this.opts.redactor ? this.opts.redactor.redactValue(doc) : doc, null, 2);
    // JSON escapes C0 controls itself; DEL and C1 (which some terminals obey) only inside strings,
    // where `\u` escapes read back the same
    this.out.write(json.replace(/[\x7f-\x9f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) + '\n');
  }
}
