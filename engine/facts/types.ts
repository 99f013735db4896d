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
}
