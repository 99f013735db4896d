// The public Module contract. Built-in and site modules are written against it alike.
import type { Transport, Become } from '../transport/types.js';
import type { FactCache } from '../facts/cache.js';
import type { Prediction } from '../facts/types.js';

/** One file's change, for --diff. before/after undefined = file absent. */
export interface FileDiff {
  path: string;
  before?: string;
  after?: string;
  /** set instead of before/after when the content is binary or too large to show */
  summary?: string;
}

/** What a task reports for a host (Ansible's result dict). */
export interface TaskResult {
  changed: boolean;
  failed?: boolean;
  skipped?: boolean;
  msg?: string;
  rc?: number;
  stdout?: string;
  stderr?: string;
  stdout_lines?: string[];
  stderr_lines?: string[];
  diff?: FileDiff[];
  /** set_fact / gather facts: variables to set on the host */
  ansible_facts?: Record<string, unknown>;
  [key: string]: unknown;
}

/**
 * The outcome of a pure diff.
 * - noop: nothing to do, and why (every no-op says why)
 * - change: what would change; apply() carries it out
 * - fail: the desired state is impossible (e.g. assert failed); no apply
 */
export type Plan =
  | { kind: 'noop'; reason: string; result?: Partial<TaskResult> }
  | {
      kind: 'change';
      summary: string;
      fileDiffs?: FileDiff[];
      /** command/shell: the change cannot be predicted; check mode skips the task */
      unknowable?: boolean;
      /** anything apply() needs from the diff */
      data?: unknown;
      result?: Partial<TaskResult>;
    }
  | { kind: 'fail'; msg: string; result?: Partial<TaskResult> };

export interface ModuleContext {
  host: string;
  transport: Transport;
  facts: FactCache;
  become?: Become;
  check: boolean;
  /** the controller itself, for modules that read controller files (copy src, template) */
  controller: Transport;
  /** the controller's facts, with the predictions of earlier check-mode tasks run there */
  controllerFacts?: FactCache;
  /** resolve a controller-side file for `src:` (role files/, templates/, playbook dir) */
  findFile(kind: 'files' | 'templates', name: string): Promise<string>;
  /** render a Handlebars template text with the host's variables */
  renderTemplate(text: string, sourceName: string): string;
  /** evaluate a CEL condition with the host's variables (assert, until) */
  evalCondition(expr: string): boolean;
  /** where the value this task sees for a variable was set ("file:line:col", "extra vars (-e)"), for an error to point at; undefined for values the run set (facts, set_fact, register) */
  varOrigin?(name: string): string | undefined;
  /** all variables of the host for this task */
  vars: Record<string, unknown>;
  /** how many -v the run was given (debug's `verbosity:`) */
  verbosity?: number;
  /** the run's vault keys and redactor, for vaulted controller files a module reads (include_vars) */
  secrets?: import('../secrets/inputs.js').SecretInputs;
}

export interface Module<P = Record<string, unknown>, C = unknown> {
  name: string;
  /** JSON Schema of the parameters: the single source of truth for inputs */
  schema: Record<string, unknown>;
  /** parameter that a "free form" string maps to (command: 'cmd', shell: 'cmd') */
  freeForm?: string;
  /** Observe: read current host state (facts, files). Read-only. */
  read(ctx: ModuleContext, params: P): Promise<C>;
  /**
   * read() only observes and may run ahead of the task's turn (while earlier tasks run), so
   * that the reads of consecutive tasks share one round trip. Not for reads that wait, poll
   * or write temp files (wait_for, uri, unarchive).
   */
  readAhead?: boolean;
  /** Pure: desired vs current. No I/O. */
  diff(params: P, current: C): Plan;
  /** Act on a change plan. Returns the result; a failed command is a result, not an exception. */
  apply(ctx: ModuleContext, params: P, plan: Extract<Plan, { kind: 'change' }>): Promise<TaskResult>;
  /** Pure, optional: what a change plan makes true, so later reads in --check see it. */
  predict?(params: P, plan: Extract<Plan, { kind: 'change' }>): Prediction[];
  /**
   * predict() says everything a change plan does to the host (every path it makes, edits or
   * removes). Otherwise (and for a plan it predicts nothing for) a later task in --check can no
   * longer tell that a path missing on the host will still be missing at its turn.
   */
  predictsAll?: boolean;
}
