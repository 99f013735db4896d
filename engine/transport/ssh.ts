// ansible_connection: ssh — one ssh2 connection per host, opened once and shared by every
// exec/put/get of the run; each command is its own channel on it.
import type { Socket } from 'node:net';
import type { Client as SshClient } from 'ssh2';
import { ConnectError, InterruptedError } from '../errors.js';
import type { ShellCommand } from './quote.js';
import type { Become, ExecOptions, ExecResult, PutOptions, Transport } from './types.js';
import { prepareCommand } from './command-line.js';
import { putViaExec, getViaExec } from './file-ops.js';
import { ChannelLimit } from './channel-limit.js';
import { runOnChannel } from './ssh-exec.js';
import type { SshConnection } from './ssh-connect.js';
import { sshOptionsFromVars, type SshOptions, type SshOptionsContext } from './ssh-options.js';

export interface SshTransportSettings {
  /** commands in flight at once on the connection (sshd's MaxSessions is 10 by default) */
  maxChannels?: number;
  /** stops every running command of this transport (an interrupted run whose grace ran out) */
  stop?: AbortSignal;
  /** shared by the transports of one run: how many SSH handshakes may be in progress at once */
  handshakes?: ChannelLimit;
}

export class SshTransport implements Transport {
  readonly kind = 'ssh';
  /** the login user: become to it is skipped */
  get user(): string {
    return this.options.user;
  }
  /** TCP connections opened by all SSH transports in this process (jump hosts included) */
  static connectionsOpened = 0;
  /** TCP connections this transport opened: 1 after connect(), never more */
  connectionsOpened = 0;
  private conn?: SshConnection;
  private connecting?: Promise<SshConnection>;
  private broken?: ConnectError;
  private readonly channels: ChannelLimit;

  private readonly stop?: AbortSignal;
  private readonly handshakes?: ChannelLimit;

  constructor(readonly host: string, readonly options: SshOptions, settings: SshTransportSettings = {}) {
    this.channels = new ChannelLimit(settings.maxChannels ?? 8);
    this.stop = settings.stop;
    this.handshakes = settings.handshakes;
  }

  static fromVars(host: string, vars: Record<string, unknown>, ctx?: SshOptionsContext, settings?: SshTransportSettings): SshTransport {
    return new SshTransport(host, sshOptionsFromVars(host, vars, ctx), settings);
  }

  /** the TCP socket of the connection (to the first jump host if any), for diagnostics */
  get socket(): Socket | undefined {
    return this.conn?.socket;
  }

  /** host (address:port), for messages */
  private get label(): string {
    return `${this.host} (${this.options.hostname}:${this.options.port})`;
  }

  async connect(): Promise<void> {
    await this.connection();
  }

  /** A fresh error per call: callers add their task to it (withWhere), so one instance must not be shared. */
  private brokenError(): ConnectError {
    const b = this.broken!;
    return new ConnectError(b.message, { host: this.host }, { cause: b.cause });
  }

  private async connection(): Promise<SshConnection> {
    if (this.broken) throw this.brokenError();
    if (this.conn) return this.conn;
    // Concurrent first calls share one connect: still one connection per host.
    // ssh2 (and its crypto) loads with the first connect: a run on local hosts never needs it
    this.connecting ??= this.handshake().then(
      (c) => {
        this.connectionsOpened++;
        SshTransport.connectionsOpened++;
        this.conn = c;
        this.watch(c);
        return c;
      },
      (e) => {
        // A failed connect is final for this run: the host is unreachable.
        this.broken = e instanceof ConnectError ? e : new ConnectError(`ssh to ${this.label} failed: ${(e as Error).message}`, { host: this.host }, { cause: e });
        throw this.brokenError();
      },
    );
    return this.connecting.catch(() => {
      throw this.brokenError();
    });
  }

  /**
   * Opens the connection once a handshake slot is free: a few hundred key exchanges at once on a
   * loaded controller take so long that some exceed the connect timeout.
   * The timeout counts from the start of this host's own handshake, not from the wait.
   */
  private async handshake(): Promise<SshConnection> {
    const release = await this.handshakes?.acquire();
    try {
      return await (await import('./ssh-connect.js')).openSshConnection(this.options);
    } finally {
      release?.();
    }
  }

  /** Any loss of the connection (or of a jump host's) makes this transport unusable. */
  private watch(c: SshConnection): void {
    let reason = 'connection closed';
    const lost = (who: string) => () => {
      this.broken ??= new ConnectError(`connection to ${this.label} lost${who}: ${reason}`, { host: this.host });
    };
    for (const [client, who] of [[c.client, ''], ...c.hops.map((h, i) => [h, ` (jump host ${this.options.jumps[i].hostname})`] as const)] as const) {
      client.on('error', (e: Error) => {
        reason = e.message === 'Keepalive timeout' ? `no answer to ${this.options.keepaliveCountMax} keepalives` : e.message;
        lost(who)();
      });
      client.on('end', lost(who));
      client.on('close', lost(who));
    }
  }

  async exec(cmd: ShellCommand, opts: ExecOptions = {}): Promise<ExecResult> {
    if (!opts.signal && this.stop) opts = { ...opts, signal: this.stop };
    const { line, stdin } = prepareCommand(cmd, opts, this.user);
    const conn = await this.connection();
    if (opts.signal?.aborted) throw this.interrupted(opts.signal);
    const release = await this.channels.acquire();
    try {
      if (this.broken) throw this.brokenError();
      return await this.run(conn.client, line.text, stdin, opts);
    } finally {
      release();
    }
  }

  private interrupted(signal: AbortSignal): InterruptedError {
    return new InterruptedError(`command on ${this.host} aborted`, { host: this.host }, { cause: signal.reason });
  }

  private async run(client: SshClient, line: string, stdin: Buffer | undefined, opts: ExecOptions): Promise<ExecResult> {
    const r = await runOnChannel(client, line, stdin, opts);
    switch (r.kind) {
      case 'done':
        return r.result;
      case 'aborted':
        throw this.interrupted(opts.signal!);
      case 'lost':
        throw this.broken ? this.brokenError() : new ConnectError(`connection to ${this.label} lost during a command`, { host: this.host });
      case 'open-failed':
        throw this.broken ? this.brokenError() : new ConnectError(`cannot start a command on ${this.label}: ${r.error.message}`, { host: this.host }, { cause: r.error });
    }
  }

  put(data: Buffer, path: string, opts: PutOptions = {}): Promise<void> {
    return putViaExec(this, data, path, opts);
  }

  get(path: string, opts: { become?: Become } = {}): Promise<Buffer | null> {
    return getViaExec(this, path, opts);
  }

  async close(): Promise<void> {
    const c = this.conn ?? (await this.connecting?.catch(() => undefined));
    this.broken ??= new ConnectError(`connection to ${this.label} was closed`, { host: this.host });
    if (!c) return;
    const closed = new Promise<void>((resolve) => {
      if (c.socket.destroyed) return resolve();
      c.socket.once('close', () => resolve());
    });
    c.client.end();
    for (const h of [...c.hops].reverse()) h.end();
    // Do not wait forever for a polite goodbye from a dead peer.
    const t = setTimeout(() => c.socket.destroy(), 2000);
    await closed;
    clearTimeout(t);
  }
}
