// Which transport reaches a host: ansible_connection (over the `connection` keyword), with
// Ansible's implicit localhost rule (localhost / 127.0.0.1 without a connection run locally).
import { InputError } from '../errors.js';
import { LocalTransport } from './local.js';
import { SshTransport } from './ssh.js';
import { SSH_VARS, USER_VARS, type SshOptionsContext } from './ssh-options.js';
import type { Transport } from './types.js';
import type { ChannelLimit } from './channel-limit.js';

const IMPLICIT_LOCAL = new Set(['localhost', '127.0.0.1', '::1']);

/** the keywords under the connection variables (Ansible: a variable, from any source, wins over its keyword) */
export interface ConnectionKeywords {
  connection?: unknown;
  remote_user?: unknown;
}

/**
 * How one host is reached for one task: the connection variables as rendered for it, the keywords
 * filled in where no variable says. Two tasks with the same key share one transport.
 */
export interface ConnectionSpec {
  host: string;
  kind: 'local' | 'ssh';
  /** the connection variables (only those), as the transport gets them */
  vars: Record<string, unknown>;
  key: string;
}

function given(v: unknown): boolean {
  return v !== undefined && v !== null && v !== '';
}

/** every local task of a host shares one transport, whatever its other variables say */
export function localConnection(host: string): ConnectionSpec {
  return { host, kind: 'local', vars: { ansible_connection: 'local' }, key: 'local' };
}

/**
 * Reads only the connection variables of `vars` (a task's merged variables render them on
 * access, so `ansible_host: "{{ ip }}"` arrives rendered). `defaults`: the command line's
 * connection settings (-u…), a layer of `vars` that ranks below the keywords (Ansible: -u <
 * remote_user < ansible_user); a variable holding the very value of its default counts as one.
 */
export function connectionSpec(host: string, vars: Record<string, unknown>, kw: ConnectionKeywords = {}, defaults?: Record<string, unknown>): ConnectionSpec {
  const isDefault = (name: string) => defaults !== undefined && defaults[name] !== undefined && vars[name] === defaults[name];
  let conn = vars.ansible_connection;
  if (given(kw.connection) && (!given(conn) || isDefault('ansible_connection'))) conn = kw.connection;
  if (!given(conn)) conn = IMPLICIT_LOCAL.has(host) ? 'local' : undefined;
  if (conn === 'local') return localConnection(host);
  // paramiko/smart are other Ansible clients for the same protocol.
  if (conn !== undefined && conn !== 'ssh' && conn !== 'paramiko' && conn !== 'smart') {
    throw new InputError(`ansible_connection for host ${host} is ${JSON.stringify(conn)}: tsplay supports "ssh" and "local"`, { host });
  }
  const picked: Record<string, unknown> = {};
  for (const name of SSH_VARS) {
    const v = vars[name];
    if (v !== undefined && v !== null) picked[name] = v;
  }
  if (given(kw.remote_user) && !USER_VARS.some((n) => picked[n] !== undefined && !isDefault(n))) {
    for (const n of USER_VARS) delete picked[n];
    picked.ansible_user = kw.remote_user;
  }
  return { host, kind: 'ssh', vars: picked, key: JSON.stringify(picked) };
}

export interface TransportSettings {
  ctx?: SshOptionsContext;
  /** ends the transport's running commands (an interrupted run whose grace ran out) */
  stop?: AbortSignal;
  /** the run's limit on SSH handshakes in progress at once */
  handshakes?: ChannelLimit;
}

export function openTransport(spec: ConnectionSpec, s: TransportSettings = {}): Transport {
  if (spec.kind === 'local') return new LocalTransport(spec.host, s.stop);
  return SshTransport.fromVars(spec.host, spec.vars, s.ctx, { stop: s.stop, handshakes: s.handshakes });
}

/** a host's transport from its variables as they are (no keywords) */
export function transportFor(host: string, vars: Record<string, unknown>, ctx?: SshOptionsContext, stop?: AbortSignal, handshakes?: ChannelLimit): Transport {
  return openTransport(connectionSpec(host, vars), { ctx, stop, handshakes });
}
