import type { ShellCommand } from './quote.js';

/** Privilege escalation for one command (Ansible's become). */
export interface Become {
  method: 'sudo' | 'su';
  user: string; // default root
  password?: string; // never logged
}

export interface ExecOptions {
  become?: Become;
  stdin?: string | Buffer;
  env?: Record<string, string>;
  cwd?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** A finished command. A non-zero exit code is a value, not an exception. */
export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** raw stdout bytes, for binary reads */
  stdoutBytes: Buffer;
}

export interface PutOptions {
  mode?: string; // octal string, e.g. '0644'
  owner?: string;
  group?: string;
  become?: Become;
}

/**
 * How the engine reaches one host. exec/put/get throw ConnectError only when the
 * connection itself is broken; everything else is a result.
 */
export interface Transport {
  readonly host: string;
  /** 'local' | 'ssh' */
  readonly kind: string;
  /** who commands run as without become (the login user), when known: become to it is skipped */
  readonly user?: string;
  connect(): Promise<void>;
  exec(cmd: ShellCommand, opts?: ExecOptions): Promise<ExecResult>;
  /** Atomic write: temp file in the destination directory, mode/owner set, then rename. */
  put(data: Buffer, path: string, opts?: PutOptions): Promise<void>;
  /** File bytes, or null when the file does not exist. */
  get(path: string, opts?: { become?: Become }): Promise<Buffer | null>;
  close(): Promise<void>;
}
