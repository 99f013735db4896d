// ansible_connection: local — commands run on the controller through /bin/sh.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { ConnectError, InterruptedError } from '../errors.js';
import type { ShellCommand } from './quote.js';
import type { ExecOptions, ExecResult, PutOptions, Transport, Become } from './types.js';
import { prepareCommand } from './command-line.js';
import { putViaExec, getViaExec } from './file-ops.js';
import { PutError } from './put-error.js';
import { childEnv } from '../vault/password.js';

/** the controller's user name; undefined for a uid without a passwd entry */
function currentUser(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
}

export class LocalTransport implements Transport {
  readonly kind = 'local';
  readonly user = currentUser();
  /** stop: ends every running command of this transport (an interrupted run whose grace ran out) */
  constructor(
    readonly host: string = 'localhost',
    private readonly stop?: AbortSignal,
  ) {}

  async connect(): Promise<void> {}

  exec(cmd: ShellCommand, opts: ExecOptions = {}): Promise<ExecResult> {
    const { line, stdin } = prepareCommand(cmd, opts, this.user);
    const signal = opts.signal ?? this.stop;
    if (signal?.aborted) return Promise.reject(this.interrupted());
    return new Promise((resolve, reject) => {
      // its own process group: a stop reaches the command's children too, and a terminal's
      // Ctrl-C reaches only tsplay, which lets the running task finish
      const child = spawn('/bin/sh', ['-c', line.text], { stdio: ['pipe', 'pipe', 'pipe'], detached: true, env: childEnv() });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let timer: NodeJS.Timeout | undefined;
      let kill: NodeJS.Timeout | undefined;
      let aborted = false;
      const group = (sig: NodeJS.Signals) => {
        try {
          process.kill(-child.pid!, sig);
        } catch {
          /* already gone */
        }
      };
      const onAbort = () => {
        aborted = true;
        group('SIGTERM'); // a chance to clean up (an upload's temp file), then KILL
        kill = setTimeout(() => group('SIGKILL'), 2000);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => {
        if (timer) clearTimeout(timer);
        if (kill) clearTimeout(kill);
        signal?.removeEventListener('abort', onAbort);
      };
      if (opts.timeoutMs) timer = setTimeout(() => group('SIGKILL'), opts.timeoutMs);
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stderr.on('data', (d: Buffer) => err.push(d));
      child.on('error', (e) => {
        done();
        reject(new ConnectError(`local exec failed: ${e.message}`, { host: this.host }, { cause: e }));
      });
      child.on('close', (code, sig) => {
        done();
        if (aborted) return reject(this.interrupted());
        const stdoutBytes = Buffer.concat(out);
        resolve({
          exitCode: code ?? (sig ? 128 + 9 : 1),
          stdout: stdoutBytes.toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
          stdoutBytes,
        });
      });
      child.stdin.on('error', () => {}); // the command may exit before reading stdin
      child.stdin.end(stdin ?? undefined);
    });
  }

  private interrupted(): InterruptedError {
    return new InterruptedError(`command on ${this.host} stopped: the run was interrupted`, { host: this.host });
  }

  put(data: Buffer, path: string, opts: PutOptions = {}): Promise<void> {
    return putViaExec(this, data, path, opts);
  }

  /** Without become the controller's own files are read in-process: no shell spawned per read. */
  async get(path: string, opts: { become?: Become } = {}): Promise<Buffer | null> {
    if (opts.become) return getViaExec(this, path, opts);
    try {
      return await readFile(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new PutError(path, { exitCode: 1, stdout: '', stderr: (e as Error).message, stdoutBytes: Buffer.alloc(0) }, 'read');
    }
  }

  async close(): Promise<void> {}
}
