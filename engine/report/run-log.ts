// The run log: every real run appends one JSON line (time, user, playbook, inventory, per-host
// changed tasks and stats, exit code, the HTML report if one was written) to a file the site
// chooses, secrets redacted, so an operator can see what changed and when.
import { appendFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { HostResultEvent, HostStats, Reporter, RunInfo } from './types.js';
import type { Redactor } from '../secrets/redactor.js';

export class RunLogReporter implements Reporter {
  private info?: RunInfo;
  private started = new Date();
  private changed: Record<string, string[]> = {};
  private failed: Record<string, string[]> = {};

  constructor(
    private file: string,
    private inventory: string[],
    private redactor?: Redactor,
    /** the run's HTML report (--report), by its absolute path */
    private report?: string,
  ) {}

  onRunStart(info: RunInfo): void {
    this.info = info;
    this.started = new Date();
  }

  onHostResult(ev: HostResultEvent): void {
    if (ev.itemLabel !== undefined) return;
    const name = `${ev.task.role ? `${ev.task.role} : ` : ''}${ev.task.name}`;
    if (ev.status === 'changed') (this.changed[ev.host] ??= []).push(name);
    if (ev.status === 'failed' || ev.status === 'unreachable') (this.failed[ev.host] ??= []).push(`${name}: ${String(ev.result.msg ?? ev.status)}`);
  }

  onRunEnd(r: { exitCode: number; stats: Record<string, HostStats> }): void {
    const record = {
      time: this.started.toISOString(),
      duration_s: (Date.now() - this.started.getTime()) / 1000,
      user: process.env.SUDO_USER ? `${process.env.SUDO_USER} (as ${userInfo().username})` : userInfo().username,
      playbook: this.info?.playbook,
      inventory: this.inventory,
      check: this.info?.check ?? false,
      exit_code: r.exitCode,
      ...(this.report ? { report: this.report } : {}),
      hosts: Object.fromEntries(
        Object.entries(r.stats).map(([h, s]) => [h, { stats: s, changed_tasks: this.changed[h] ?? [], failed_tasks: this.failed[h] ?? [] }]),
      ),
    };
    // redacted inside the values: each line stays JSON whatever a secret looks like
    appendFileSync(this.file, JSON.stringify(this.redactor ? this.redactor.redactValue(record) : record) + '\n', { mode: 0o600 });
  }
}
