// Reporter hooks: the runner emits events; reporters display them. None of them changes what a
// run does (what acts on the process around a run is a run hook: engine/runner/run-hooks.ts).
import type { TaskResult } from '../modules/types.js';

export type HostStatus = 'ok' | 'changed' | 'skipped' | 'failed' | 'unreachable' | 'ignored' | 'rescued';

export interface HostStats {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
  rescued: number;
  ignored: number;
}

export interface TaskInfo {
  name: string;
  module: string;
  /** file:line:col of the task */
  where: string;
  handler?: boolean;
  role?: string;
  /** the hosts the task runs on, in order */
  hosts?: string[];
}

export interface HostResultEvent {
  task: TaskInfo;
  host: string;
  status: HostStatus;
  result: TaskResult;
  /** for loop items */
  item?: unknown;
  /** label shown for an item */
  itemLabel?: string;
  /** ignore_errors turned a failure into this */
  ignored?: boolean;
  /** the module's arguments as rendered for this host (item): -vv shows them as Ansible's invocation.module_args */
  args?: Record<string, unknown>;
  delegatedTo?: string;
}

export interface RunInfo {
  playbook: string;
  check: boolean;
  diff: boolean;
}

/** what happens on a host's connection (-vvv): the connection opened, each command run, each file sent */
export interface HostDetailEvent {
  host: string;
  text: string;
}

export interface Reporter {
  onRunStart?(info: RunInfo): void;
  onPlayStart?(play: { name: string; hosts: string[] }): void;
  onNoHosts?(play: { name: string }): void;
  onTaskStart?(task: TaskInfo): void;
  /** one per host (and per loop item, then one summary without item) */
  onHostResult?(ev: HostResultEvent): void;
  onWarning?(msg: string): void;
  /** only when the run was asked for connection details (verbosity 3 and up) */
  onHostDetail?(ev: HostDetailEvent): void;
  onRecap?(stats: Record<string, HostStats>): void;
  onRunEnd?(result: { exitCode: number; stats: Record<string, HostStats>; changesPending: boolean }): void;
  /** resolves once all output is written (views that draw asynchronously) */
  flush?(): Promise<void>;
}

export function emptyStats(): HostStats {
  return { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 };
}
