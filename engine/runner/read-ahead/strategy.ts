// How the executor gets what a task reads of a host, seen from the executor: the three calls it
// makes, and nothing of how reads are grouped. The read-ahead (read-ahead.ts) is one strategy;
// noReadAhead, which reads each task at its turn, is the other: both give a run the same results,
// the read-ahead in fewer round trips.
import type { TaskNode } from '../../playbook/model.js';
import type { ModuleContext } from '../../modules/types.js';
import type { HostStatus } from '../../report/types.js';
import type { RunContext } from '../run-context.js';
import type { PlayContext } from '../play-context.js';
import type { HostState } from '../host-state.js';
import type { Scope } from '../scope.js';
import type { ResolvedTask } from '../resolved-task.js';

/** a task still to come, with the keywords it inherits */
export interface Upcoming {
  task: TaskNode;
  scope: Scope;
}

/** The functions of task-exec that a strategy shares with the real run (passed in: no cycle). */
export interface ItemPreparer {
  resolve(task: TaskNode, scope: Scope, h: HostState, vars: Record<string, unknown>): ResolvedTask;
  prepare(rt: ResolvedTask): Promise<{
    mod: { readAhead?: boolean; read(ctx: ModuleContext, p: Record<string, unknown>): Promise<unknown> };
    ctx: ModuleContext;
    args: Record<string, unknown>;
    invalid?: string;
  }>;
  loopVars(task: TaskNode, scope: Scope, h: HostState, item: unknown, index: number, length: number): Record<string, unknown>;
}

export interface ReadStrategy {
  /**
   * a host starts `current`; `upcoming` are the tasks after it as the play will reach them.
   * Starts whatever reads are worth starting now; never throws, and is not awaited.
   */
  start(run: RunContext, pc: PlayContext, h: HostState, current: Upcoming, upcoming: readonly Upcoming[], prep: ItemPreparer): void;
  /** what was read for this item before its turn, if it still tells the truth; else undefined (the executor reads) */
  take(run: RunContext, rt: ResolvedTask, item: number, now: { args: Record<string, unknown> }): Promise<unknown> | undefined;
  /** the task ended on the host with this status */
  finished(h: HostState, task: TaskNode, status: HostStatus): void;
}

/** every read at its task's turn: the reference a read-ahead must agree with */
export const noReadAhead: ReadStrategy = {
  start() {},
  take() {
    return undefined;
  },
  finished() {},
};
