// Which transport reaches a host: ansible_connection, with Ansible's implicit localhost rule
// (localhost / 127.0.0.1 without ansible_connection run locally).
import { InputError } from '../errors.js';
import { LocalTransport } from './local.js';
import { SshTransport } from './ssh.js';
import type { SshOptionsContext } from './ssh-options.js';
import type { Transport } from './types.js';
import type { ChannelLimit } from './channel-limit.js';

const IMPLICIT_LOCAL = new Set(['localhost', '127.0.0.1', '::1']);

/**
 * stop: ends the transport's running commands (an interrupted run whose grace ran out);
 * handshakes: the run's limit on SSH handshakes in progress at once
 */
export function transportFor(host: string, vars: Record<string, unknown>, ctx?: SshOptionsContext, stop?: AbortSignal, handshakes?: ChannelLimit): Transport {
  const conn = vars.ansible_connection;
  if (conn === undefined || conn === null || conn === '') {
    return IMPLICIT_LOCAL.has(host) ? new LocalTransport(host, stop) : SshTransport.fromVars(host, vars, ctx, { stop, handshakes });
  }
  if (conn === 'local') return new LocalTransport(host, stop);
  // paramiko/smart are other Ansible clients for the same protocol.
  if (conn === 'ssh' || conn === 'paramiko' || conn === 'smart') return SshTransport.fromVars(host, vars, ctx, { stop, handshakes });
  throw new InputError(
    `ansible_connection for host ${host} is ${JSON.stringify(conn)}: tsplay supports "ssh" and "local"`,
    { host },
  );
}
