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

/** What a planned change will make true, for later reads in check mode. */
export interface Prediction {
  fact: Fact<unknown, never>;
  key: string;
  /** the value a read with these args would return once the change is made */
  value(args: unknown): unknown;
  /** the path is on the controller, whichever host the task ran on (a fetch to the controller) */
  controller?: boolean;
}
