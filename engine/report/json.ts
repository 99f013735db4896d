// --json: one JSON document on stdout at the end, nothing else.
import type { Writable } from 'node:stream';
import type { HostResultEvent, HostStats, Reporter, TaskInfo } from './types.js';

interface JsonTask {
  task: { name: string; module: string; where: string; handler?: boolean };
  hosts: Record<string, Record<string, unknown>>;
}

export class JsonReporter implements Reporter {
  private plays: { play: { name: string }; tasks: JsonTask[] }[] = [];
  private current?: JsonTask;
  private warnings: string[] = [];
  constructor(private out: Writable) {}

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
    this.out.write(JSON.stringify({ plays: this.plays, stats: r.stats, ...(this.warnings.length ? { warnings: this.warnings } : {}) }, null, 2) + '\n');
  }
}
