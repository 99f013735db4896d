// The saved plan (`tsplay run --check --plan-out FILE`), as written and as schemas/plan.schema.json
// describes it. Everything in it is ordered and formatted the same way every time, so two plans of
// the same inputs and hosts differ only in their time, and a plan can be reviewed as a diff.

/** the format's version: a reader refuses a plan of another one */
export const PLAN_FORMAT = 1;

/** a digest of a value a module based its diff on, or where a check-mode prediction took it from */
export interface PlanRead {
  /** the fact read (file_content, file_stat, …) */
  fact: string;
  /** its arguments as the module asked (a path, options) */
  args: unknown;
  /** sha256 of the value read from the host (absent when it followed from an earlier task) */
  sha256?: string;
  /** the value is what an earlier task of this plan would have made: `file:line:col task` */
  followsFrom?: string;
}

export interface PlannedChange {
  summary: string;
  /** the files' diffs as --check --diff shows them (secrets redacted) */
  diffs?: { path: string; before?: string; after?: string; summary?: string }[];
  /** sha256 of the summary and the diffs as the module made them (secrets included) */
  sha256: string;
}

/**
 * What the plan says of one task on one host (one loop item):
 * - change / ok / skipped / failed: what --check found;
 * - apply-time: the outcome cannot be predicted (a command without creates/removes, changed_when,
 *   a condition on such a task's result); the task is decided when the plan is applied.
 */
export type PlanOutcome = 'change' | 'ok' | 'skipped' | 'failed' | 'apply-time';

export interface PlanEntry {
  /** the play's file:line:col */
  play: string;
  /** the task's file:line:col */
  at: string;
  /** 1 for the task's first run in the play order, 2 for the second (an include run again), … */
  run: number;
  task: string;
  role?: string;
  handler?: boolean;
  host: string;
  /** loop item: its index and label */
  item?: { index: number; label: string };
  module: string;
  outcome: PlanOutcome;
  /** the rendered arguments; a secret is `sha256:HEX (secret)` */
  args?: Record<string, unknown>;
  reads?: PlanRead[];
  change?: PlannedChange;
  /** ok: the module's reason; skipped, failed, apply-time: why */
  reason?: string;
}

export interface PlanDoc {
  format: number;
  tsplay: string;
  /** ISO time the plan was made */
  created: string;
  playbook: string;
  inventory: string[];
  /** what the run was asked besides the playbook and inventory (kept so apply asks the same) */
  options: {
    limit?: string;
    tags?: string[];
    skipTags?: string[];
    startAtTask?: string;
    forks?: number;
    rolesPath?: string[];
    modulesPath?: string[];
  };
  /** -e: the names given and a digest of all the values */
  extraVars: { names: string[]; sha256: string };
  /** the plays in order: where each is, its name and hosts (for plan show) */
  plays: { at: string; name: string; hosts: string[] }[];
  /** every file the plan depends on (playbook, inventory, roles, vars files, templates), path → sha256 */
  files: Record<string, string>;
  entries: PlanEntry[];
}

/** an entry's identity: the same task run on the same host and item in the plan and in the apply */
export function entryKey(e: Pick<PlanEntry, 'play' | 'at' | 'run' | 'host'> & { item?: { index: number } }): string {
  return JSON.stringify([e.play, e.at, e.run, e.host, e.item?.index ?? null]);
}

/** how messages and the views name an entry's task */
export function entryLabel(e: Pick<PlanEntry, 'task' | 'role'>): string {
  return `${e.role ? `${e.role} : ` : ''}${e.task}`;
}
