import type { ShellCommand } from '../transport/quote.js';
import type { ExecResult } from '../transport/types.js';

/**
 * A fact is one small read of host state: a command and a pure parser of its result.
 * Facts are read lazily, cached per host by (name, args), and dropped after a change.
 */
export interface Fact<T, A = void> {
  name: string;
  command(args: A): ShellCommand;
  parse(result: ExecResult, args: A): T;
  /**
   * For facts about one object (a path): the key check-mode predictions are stored under, so a
   * later read in the same --check run sees what an earlier task would have made.
   */
  overlayKey?(args: A): string;
  /**
   * The same value read in-process, for the controller itself (a local connection without
   * become): no shell spawned per read. undefined: only the command can tell this time.
   */
  local?(args: A): Promise<T | undefined>;
}

/** How a prediction reads other values (what a link points at): predictions first, then the host. */
export type PredictionRead = <T, A>(fact: Fact<T, A>, args: A) => Promise<T>;

/**
 * What a planned change will make true, for later reads in check mode. Either `value` (the
 * whole value, replacing what was there) or `patch` (a change to what was there: a mode, an
 * owner), applied on top of earlier predictions or, when none, of what the host holds.
 */
export interface Prediction {
  fact: Fact<unknown, never>;
  key: string;
  /**
   * the value a read with these args would return once the change is made; undefined: not
   * known, the read goes to the host. `read` reads another value (a link's target).
   */
  value?(args: unknown, read: PredictionRead): unknown;
  /** the value once the change is made, from the value before it */
  patch?(before: unknown, args: unknown): unknown;
  /**
   * the value holds for every path under key too (a removed tree, a link replacing a
   * directory): `value` gets those paths' args and predictions made earlier under key go
   */
  subtree?: boolean;
  /** the path is on the controller, whichever host the task ran on (a fetch to the controller) */
  controller?: boolean;
  /** a plan being recorded: the task whose change this is (engine/plan/) */
  origin?: string;
}
