// One read of a fact: in-process when the fact has a local form and the transport is this
// machine without become (no shell spawned), else its command, parsed.
import type { Fact } from './types.js';
import type { Become, ExecResult, Transport } from '../transport/types.js';
import type { ShellCommand } from '../transport/quote.js';

export async function readFact<T, A>(
  fact: Fact<T, A>,
  args: A,
  transport: Transport,
  become: Become | undefined,
  exec: (cmd: ShellCommand) => Promise<ExecResult> = (cmd) => transport.exec(cmd, { become }),
): Promise<T> {
  if (fact.local && !become && transport.kind === 'local') {
    const v = await fact.local(args);
    if (v !== undefined) return v;
  }
  return fact.parse(await exec(fact.command(args)), args);
}
