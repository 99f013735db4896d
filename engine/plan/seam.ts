// How a run records a plan (--check --plan-out) or holds to one (tsplay apply): the runner calls
// these only when RunOptions.plan is set, so a plain run pays one property check per task item.
import type { Module, ModuleContext, Plan, TaskResult } from '../modules/types.js';
import type { TaskNode } from '../playbook/model.js';
import type { HostStatus, HostStats, TaskInfo } from '../report/types.js';
import type { Scope } from '../runner/scope.js';
import type { LoadedRun } from '../runner/run.js';
import type { ResolvedTask } from '../runner/resolved-task.js';
import type { PlayContext } from '../runner/play-context.js';

/** one module run of a task item on a host, as the runner hands it over */
export interface ModuleRun {
  rt: ResolvedTask;
  /** loop item index */
  item?: number;
  mod: Module;
  args: Record<string, unknown>;
  ctx: ModuleContext;
}

/**
 * Runs the module (read → diff → check or apply). `decide` is called with the pure diff before
 * anything is applied: a result returned there is the task's result and nothing is applied.
 */
export type RunModule = (ctx: ModuleContext, decide: (plan: Plan) => TaskResult | undefined) => Promise<TaskResult>;

export interface PlanSeam {
  /** everything is loaded, no host contacted yet: a plan whose inputs changed is refused here */
  onLoaded(loaded: LoadedRun): Promise<void>;
  /** a task (or handler) starts; tasks run one after the other */
  taskStart(pc: PlayContext, task: TaskNode, scope: Scope, info: TaskInfo): void;
  /** a task item's module runs */
  runModule(m: ModuleRun, run: RunModule): Promise<TaskResult>;
  /** a task item ended on a host (whether or not its module ran) */
  itemDone(host: string, item: { index: number; label: string } | undefined, status: HostStatus, result: TaskResult): void;
  /** the host's state drifted from the plan: it stops (no ignore_errors, rescue or handler) */
  drifted(host: string): boolean;
  /** the run's exit code, when the plan decides it (drift) */
  exitCode(stats: Record<string, HostStats>): number | undefined;
}
