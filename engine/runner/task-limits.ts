// Limits on how a task runs, apart from what it does: `throttle` (hosts at once), `timeout`
// (the task's commands are stopped when the time is up) and the serialization of writes that
// several hosts delegate to one target.
import type { Transport } from '../transport/types.js';
import type { TaskNode } from '../playbook/model.js';
import { TsplayError, type ErrorWhere } from '../errors.js';
import { effective, type Scope } from './scope.js';

/** whole seconds or a count, as written or rendered; undefined when not set */
function positiveWhole(v: unknown, what: string, where: ErrorWhere): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'number' ? v : Number(String(v).trim());
  if (!Number.isSafeInteger(n) || n < 0) throw new TsplayError(`${what} must be a whole number, 0 or more; got ${JSON.stringify(v)}`, where);
  return n === 0 ? undefined : n;
}

/**
 * How many hosts run this task at once: forks, or fewer with `throttle` (task or block, the
 * innermost wins; 0 means no limit, as in Ansible).
 */
export function hostsAtOnce(scope: Scope, task: TaskNode, forks: number, render: (v: unknown) => unknown, where: ErrorWhere): number {
  const raw = effective(scope, task, 'throttle');
  const n = positiveWhole(raw === undefined ? undefined : render(raw), 'throttle', where);
  return n === undefined ? forks : Math.min(forks, n);
}

/** the task's `timeout` in seconds, or undefined */
export function taskTimeout(scope: Scope, task: TaskNode, render: (v: unknown) => unknown, where: ErrorWhere): number | undefined {
  const raw = effective(scope, task, 'timeout');
  return positiveWhole(raw === undefined ? undefined : render(raw), 'timeout', where);
}

/** Ansible's words for a task stopped by its `timeout` */
export function timeoutMessage(module: string, seconds: number): string {
  return `The task exceeded the timeout of ${seconds} seconds: the ${module} action failed to execute in the expected time frame (${seconds}) and was terminated`;
}

/**
 * The transport as a task with a deadline sees it: every command it starts (put and get run
 * commands too) is stopped when `signal` aborts, as well as when the run's commands are stopped.
 * The process group of the command is killed on the host, over SSH as locally (the transports
 * already do that for an interrupted run).
 */
export function stoppableTransport(t: Transport, signal: AbortSignal, stopCommands?: AbortSignal): Transport {
  const both = stopCommands ? AbortSignal.any([signal, stopCommands]) : signal;
  // put and get run as the transport's own, with `this` the view: their commands go through
  // the view's exec (they only call exec); connect and close stay the transport's
  const view: Transport = {
    host: t.host,
    kind: t.kind,
    connect: () => t.connect(),
    exec: (cmd, opts = {}) => t.exec(cmd, { ...opts, signal: opts.signal ? AbortSignal.any([opts.signal, both]) : both }),
    put: (data, path, opts) => t.put.call(view, data, path, opts),
    get: (path, opts) => t.get.call(view, path, opts),
    close: () => t.close(),
  };
  return view;
}

// Several hosts delegating an edit of one file to one target (lineinfile on a controller file
// with delegate_to: localhost) each read the file, compute their change and write: without an
// order between them the last write wins and the others' lines are lost. Each such item takes
// its turn, read to write, per target host and path. Modules that change a host's state as a
// whole (packages, services, kernel settings) take their turn per target host. command and shell
// are not ordered (their effect is not known; `throttle: 1` orders them when needed).
const HOST_WIDE = new Set(['apt', 'package', 'service', 'systemd', 'sysctl', 'modprobe']);
const PATH_PARAMS = ['path', 'dest'] as const;

/** the key delegated items must not run under at the same time, or undefined */
export function delegatedWriteKey(module: string, target: string, args: Record<string, unknown>): string | undefined {
  for (const p of PATH_PARAMS) if (typeof args[p] === 'string') return `${target}\0${args[p] as string}`;
  return HOST_WIDE.has(module) ? target : undefined;
}

/** Runs functions one at a time per key, in the order they asked. */
export class KeyedQueue {
  private tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string | undefined, fn: () => Promise<T>): Promise<T> {
    if (key === undefined) return fn();
    const before = this.tails.get(key) ?? Promise.resolve();
    const mine = before.then(fn, fn);
    const tail = mine.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await mine;
    } finally {
      // the map does not grow with every path ever written: the last in line removes its key
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}

const queues = new WeakMap<object, KeyedQueue>();

/** one queue per run (keyed by the run's context object) */
export function delegatedWrites(run: object): KeyedQueue {
  let q = queues.get(run);
  if (!q) queues.set(run, (q = new KeyedQueue()));
  return q;
}

/** the error a stopped command raised, turned into the task's timeout when that is what stopped it */
export function isTimedOut(signal: AbortSignal | undefined, stopCommands?: AbortSignal): boolean {
  return !!signal?.aborted && !stopCommands?.aborted;
}
