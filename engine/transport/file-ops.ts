// put/get for any transport that can exec: the atomic upload script and the file read, with
// their exit codes turned into values (null for absent) or a PutError.
import { atomicPutCommand, readFileCommand } from './atomic-put.js';
import { PutError } from './put-error.js';
import type { Become, PutOptions, Transport } from './types.js';

type Exec = Pick<Transport, 'exec'>;

export async function putViaExec(t: Exec, data: Buffer, path: string, opts: PutOptions = {}): Promise<void> {
  const r = await t.exec(atomicPutCommand(path, data.length, opts), { stdin: data, become: opts.become });
  if (r.exitCode !== 0) throw new PutError(path, r);
}

export async function getViaExec(t: Exec, path: string, opts: { become?: Become } = {}): Promise<Buffer | null> {
  const r = await t.exec(readFileCommand(path), { become: opts.become });
  if (r.exitCode === 3) return null;
  if (r.exitCode !== 0) throw new PutError(path, r, 'read');
  return r.stdoutBytes;
}
