// How long each task took, as Ansible's profile_tasks callback reports it: the views show each
// host's time and end the run with the slowest tasks. Times are taken when the runner's events
// arrive (it emits them as things happen), not when a view gets round to drawing them.
import { performance } from 'node:perf_hooks';
import type { TaskInfo } from './types.js';

/** how many tasks the summary at the end lists */
export const SLOWEST_SHOWN = 5;

interface Timed {
  label: string;
  start: number;
  /** the last host result so far */
  end?: number;
}

export class TaskClock {
  private tasks: Timed[] = [];
  private current?: Timed;

  /** a task starts; the one before it is over */
  taskStart(task: TaskInfo, now = performance.now()): void {
    this.close(now);
    this.current = { label: `${task.role ? `${task.role} : ` : ''}${task.name}`, start: now };
    this.tasks.push(this.current);
  }

  /** a host's result for the current task: milliseconds since the task started */
  hostDone(now = performance.now()): number {
    if (!this.current) return 0;
    this.current.end = now;
    return now - this.current.start;
  }

  /** milliseconds since the current task started */
  elapsed(now = performance.now()): number {
    return this.current ? now - this.current.start : 0;
  }

  /** the run is over (or a play ends): a task without any result lasted until now */
  close(now = performance.now()): void {
    if (this.current && this.current.end === undefined) this.current.end = now;
    this.current = undefined;
  }

  /** the n longest tasks, longest first (a task that ran in several batches counts once per batch) */
  slowest(n = SLOWEST_SHOWN): { label: string; ms: number }[] {
    return this.tasks
      .map((t) => ({ label: t.label, ms: (t.end ?? t.start) - t.start }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, n);
  }
}

/** `0.52s`, `12.30s`, `2m 03.10s` */
export function seconds(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  if (s < 60) return `${s.toFixed(2)}s`;
  return `${Math.floor(s / 60)}m ${(s % 60).toFixed(2).padStart(5, '0')}s`;
}

/** profile_tasks' lines: `name ------------------------------------------------ 1.23s` */
export function slowestLines(list: { label: string; ms: number }[], width = 80): string[] {
  return list.map(({ label, ms }) => {
    const t = seconds(ms);
    return `${label} ${'-'.repeat(Math.max(3, width - label.length - t.length - 2))} ${t}`;
  });
}
