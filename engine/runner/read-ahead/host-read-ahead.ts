// One host's read-ahead state: how far ahead to read, which tasks were read ahead under which
// fact-cache generation, and what those reads observed (see read-ahead.ts).
import type { TaskNode } from '../../playbook/model.js';
import type { Become } from '../../transport/types.js';
import type { HostStatus } from '../../report/types.js';

export interface ReadAheadEntry {
  args: Record<string, unknown>;
  become?: Become;
  check: boolean;
  /** the resolved connection's key and environment: a read made another way tells nothing */
  connection: string;
  environment?: Record<string, string>;
  /** run.writes and the host's cache generation when the read started */
  writes: number;
  generation: number;
  result: Promise<unknown>;
}

const MAX_WINDOW = 64;

export class HostReadAhead {
  /**
   * how many tasks ahead to read: it doubles while tasks find nothing to do, and is 0 after a
   * change, so that a run that changes everything reads nothing twice
   */
  window = 4;
  private covered = new WeakMap<TaskNode, number>();
  private entries = new Map<TaskNode, Map<number, ReadAheadEntry>>();

  isCovered(task: TaskNode, generation: number): boolean {
    return this.covered.get(task) === generation;
  }
  cover(task: TaskNode, generation: number): void {
    this.covered.set(task, generation);
  }
  put(task: TaskNode, item: number, e: ReadAheadEntry): void {
    let m = this.entries.get(task);
    if (!m) this.entries.set(task, (m = new Map()));
    m.set(item, e);
  }
  take(task: TaskNode, item: number): ReadAheadEntry | undefined {
    const m = this.entries.get(task);
    const e = m?.get(item);
    m?.delete(item);
    return e;
  }
  /** the task ran: what was read for its items that did not run goes */
  done(task: TaskNode): void {
    this.entries.delete(task);
  }
  after(status: HostStatus): void {
    if (status === 'ok') this.window = Math.min(MAX_WINDOW, Math.max(1, this.window * 2));
    else if (status !== 'skipped') this.window = 0;
  }
}

