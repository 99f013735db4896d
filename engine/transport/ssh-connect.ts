// Opens one authenticated ssh2 connection to a host, through its jump hosts if any: a TCP socket
// (TCP_NODELAY) to the first hop, then each next hop over a forwarded channel of the previous one.
// Every hop's host key is checked against known_hosts unless checking was turned off.
import { Socket } from 'node:net';
import ssh2 from 'ssh2';
import type { Client as SshClient, ConnectConfig } from 'ssh2';
import { ConnectError } from '../errors.js';
import { authMethods } from './ssh-auth.js';
import { checkHostKey, entriesFor, preferredHostKeyAlgorithms, readKnownHostsFiles, type KnownHostEntry } from './known-hosts.js';
import type { SshEndpoint, SshOptions } from './ssh-options.js';

export interface SshConnection {
  /** the client logged in to the target */
  client: SshClient;
  /** jump-host clients, first hop first */
  hops: SshClient[];
  /** the one TCP socket this connection uses (to the first hop, or to the target) */
  socket: Socket;
}

function where(ep: SshEndpoint): string {
  return `${ep.user}@${ep.hostname}:${ep.port}`;
}

function tcpConnect(ep: SshEndpoint, host: string, deadline: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const sock = new Socket();
    sock.setNoDelay(true); // without it every small exec waits ~40 ms for a delayed ACK
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new ConnectError(`cannot connect to ${host} (${where(ep)}): timed out`, { host }));
    }, Math.max(1, deadline - Date.now()));
    sock.once('connect', () => {
      clearTimeout(timer);
      sock.setNoDelay(true);
      sock.removeAllListeners('error');
      resolve(sock);
    });
    sock.once('error', (e) => {
      clearTimeout(timer);
      reject(new ConnectError(`cannot connect to ${host} (${where(ep)}): ${e.message}`, { host }, { cause: e }));
    });
    sock.connect(ep.port, ep.hostname);
  });
}

function forwardOut(via: SshClient, ep: SshEndpoint, host: string): Promise<NodeJS.ReadWriteStream> {
  return new Promise((resolve, reject) => {
    via.forwardOut('127.0.0.1', 0, ep.hostname, ep.port, (err, stream) => {
      if (err) reject(new ConnectError(`jump host cannot reach ${host} (${ep.hostname}:${ep.port}): ${err.message}`, { host }, { cause: err }));
      else resolve(stream);
    });
  });
}

/** Why a presented host key is refused, or undefined when it is the known one. `name` is how the user calls the host. */
function hostKeyProblem(name: string, ep: SshEndpoint, entries: KnownHostEntry[], key: Buffer): string | undefined {
  const r = checkHostKey(entries, ep.hostname, ep.port, key);
  const label = `${name} (${ep.hostname}:${ep.port})`;
  switch (r.status) {
    case 'ok':
      return undefined;
    case 'revoked':
      return `host key for ${label} is REVOKED in ${r.entry.file}:${r.entry.line}: refusing to connect`;
    case 'changed':
      return (
        `REMOTE HOST IDENTIFICATION HAS CHANGED for ${label}: the ${r.entry.keyType} key it presents is not the known one ` +
        `(someone may be intercepting the connection, or the host was reinstalled); offending line ${r.entry.file}:${r.entry.line}`
      );
    case 'unknown': {
      const other = r.knownTypes.length ? ` (only keys of type ${r.knownTypes.join(', ')} are known for it)` : '';
      const scan = ep.port === 22 ? `ssh-keyscan ${ep.hostname}` : `ssh-keyscan -p ${ep.port} ${ep.hostname}`;
      return (
        `host key for ${label} is not known${other}: add it to known_hosts (${scan} >> ~/.ssh/known_hosts) ` +
        `or set ansible_ssh_known_hosts_file; for labs only, ansible_host_key_checking=false`
      );
    }
  }
}

/** Logs in to one endpoint over `sock`; resolves when the session is ready. */
function login(opts: SshOptions, ep: SshEndpoint, sock: Socket | NodeJS.ReadWriteStream, deadline: number, isJump: boolean): Promise<SshClient> {
  const host = opts.host;
  const entries = readKnownHostsFiles(opts.knownHostsFiles);
  const knownTypes = [...new Set(entriesFor(entries, ep.hostname, ep.port).filter((e) => !e.marker).map((e) => e.keyType))];
  const { methods, tried } = authMethods({
    host,
    user: ep.user,
    identityFiles: ep.identityFiles,
    defaultIdentityFiles: opts.defaultIdentityFiles,
    agent: opts.agent,
    password: isJump ? undefined : opts.password, // the target's password is not sent to a bastion
  });
  const client = new ssh2.Client();
  let refused: string | undefined;
  const config: ConnectConfig = {
    sock: sock as ConnectConfig['sock'],
    username: ep.user,
    readyTimeout: Math.max(1, deadline - Date.now()),
    keepaliveInterval: opts.keepaliveIntervalMs,
    keepaliveCountMax: opts.keepaliveCountMax,
    algorithms: { serverHostKey: preferredHostKeyAlgorithms(knownTypes) as NonNullable<ConnectConfig['algorithms']>['serverHostKey'] },
    authHandler: methods,
    hostVerifier: (key: Buffer) => {
      if (!opts.hostKeyChecking) return true;
      refused = hostKeyProblem(isJump ? `jump host ${ep.hostname}` : host, ep, entries, key);
      return refused === undefined;
    },
  };
  const what = isJump ? `jump host ${where(ep)} for ${host}` : `${host} (${where(ep)})`;
  return new Promise((resolve, reject) => {
    const fail = (message: string, cause?: unknown) => {
      client.removeAllListeners();
      client.on('error', () => {});
      client.end();
      reject(new ConnectError(message, { host }, { cause }));
    };
    client.once('ready', () => {
      client.removeAllListeners();
      resolve(client);
    });
    client.on('error', (e: Error & { level?: string }) => {
      if (refused) return fail(refused, e);
      if (e.level === 'client-authentication') {
        return fail(`authentication to ${what} failed (tried: ${tried.join(', ') || 'nothing: no key, agent or password'})`, e);
      }
      fail(`ssh to ${what} failed: ${e.message}`, e);
    });
    client.on('close', () => fail(refused ?? `ssh to ${what} failed: connection closed during login`));
    client.connect(config);
  });
}

/** One connection to the target through all its hops. Closes what it opened if any step fails. */
export async function openSshConnection(opts: SshOptions): Promise<SshConnection> {
  const deadline = Date.now() + opts.connectTimeoutMs;
  const target: SshEndpoint = { hostname: opts.hostname, port: opts.port, user: opts.user, identityFiles: opts.identityFiles };
  const path = [...opts.jumps, target];
  const socket = await tcpConnect(path[0], opts.host, deadline);
  const clients: SshClient[] = [];
  try {
    let stream: Socket | NodeJS.ReadWriteStream = socket;
    for (let i = 0; i < path.length; i++) {
      if (i > 0) stream = await forwardOut(clients[i - 1], path[i], opts.host);
      clients.push(await login(opts, path[i], stream, deadline, i < path.length - 1));
    }
  } catch (e) {
    for (const c of clients.reverse()) c.end();
    socket.destroy();
    throw e;
  }
  return { client: clients[clients.length - 1], hops: clients.slice(0, -1), socket };
}
