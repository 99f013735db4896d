// ansible_connection: local — commands run on the controller through /bin/sh.
import { spawn } from 'node:child_process';
import { ConnectError } from '../errors.js';
import type { ShellCommand } from './quote.js';
import type { ExecOptions, ExecResult, PutOptions, Transport, Become } from './types.js';
import { prepareCommand } from './command-line.js';
import { putViaExec, getViaExec } from './file-ops.js';

export class LocalTransport implements Transport {
  readonly kind = 'local';
  constructor(readonly host: string = 'localhost') {}

  async connect(): Promise<void> {}

  exec(cmd: ShellCommand, opts: ExecOptions = {}): Promise<ExecResult> {
    const { line, stdin } = prepareCommand(cmd, opts);
    return new Promise((resolve, reject) => {
      const child = spawn('/bin/sh', ['-c', line.text], { stdio: ['pipe', 'pipe', 'pipe'], signal: opts.signal });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let timer: NodeJS.Timeout | undefined;
      if (opts.timeoutMs) timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stderr.on('data', (d: Buffer) => err.push(d));
      child.on('error', (e) => {
        if (timer) clearTimeout(timer);
        reject(new ConnectError(`local exec failed: ${e.message}`, { host: this.host }, { cause: e }));
      });
      child.on('close', (code, signal) => {
        if (timer) clearTimeout(timer);
        const stdoutBytes = Buffer.concat(out);
        resolve({
          exitCode: code ?? (signal ? 128 + 9 : 1),
          stdout: stdoutBytes.toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
          stdoutBytes,
        });
      });
      child.stdin.on('error', () => {}); // the command may exit before reading stdin
      child.stdin.end(stdin ?? undefined);
    });
  }

  put(data: Buffer, path: string, opts: PutOptions = {}): Promise<void> {
    return putViaExec(this, data, path, opts);
  }

  get(path: string, opts: { become?: Become } = {}): Promise<Buffer | null> {
    return getViaExec(this, path, opts);
  }

  async close(): Promise<void> {}
}
