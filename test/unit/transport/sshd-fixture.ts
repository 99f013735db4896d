// A real OpenSSH server on 127.0.0.1 for transport tests: fresh host key, client key, authorized_keys
// and known_hosts in a temp dir; VERBOSE log to a file so tests can count accepted connections.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SSHD = '/usr/sbin/sshd';

export function sshdAvailable(): boolean {
  return existsSync(SSHD) && process.getuid?.() === 0;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function keygen(path: string, type = 'ed25519'): string {
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', 'tsplay-test', '-f', path]);
  return readFileSync(`${path}.pub`, 'utf8').trim();
}

export class Sshd {
  /** temp dir holding every file of this server; also the fake HOME for the client */
  readonly dir: string;
  readonly logFile: string;
  readonly clientKey: string;
  readonly knownHosts: string;
  /** "ssh-ed25519 AAAA..." of the server */
  readonly hostPub: string;
  private child?: ChildProcess;
  pid = 0;

  private constructor(readonly port: number) {
    this.dir = mkdtempSync(join(tmpdir(), 'tsplay-sshd-'));
    this.logFile = join(this.dir, 'sshd.log');
    this.clientKey = join(this.dir, 'client_key');
    this.knownHosts = join(this.dir, 'known_hosts');
    const hostPub = keygen(join(this.dir, 'host_ed25519'));
    this.hostPub = hostPub.split(/\s+/).slice(0, 2).join(' ');
    writeFileSync(join(this.dir, 'authorized_keys'), keygen(this.clientKey) + '\n');
    writeFileSync(this.knownHosts, `${this.knownHostsLine()}\n`);
    writeFileSync(
      join(this.dir, 'sshd_config'),
      [
        `ListenAddress 127.0.0.1`,
        `HostKey ${join(this.dir, 'host_ed25519')}`,
        `PidFile ${join(this.dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${join(this.dir, 'authorized_keys')}`,
        'StrictModes no',
        'UsePAM no',
        'PermitRootLogin yes',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'AllowTcpForwarding yes',
        'LogLevel VERBOSE',
        '',
      ].join('\n'),
    );
  }

  /** known_hosts line for this server as reached at 127.0.0.1:port (or another port, for a proxy in front) */
  knownHostsLine(port = this.port): string {
    return `[127.0.0.1]:${port} ${this.hostPub}`;
  }

  static async start(): Promise<Sshd> {
    mkdirSync('/run/sshd', { recursive: true }); // privilege separation directory
    const s = new Sshd(await freePort());
    s.child = spawn(SSHD, ['-D', '-E', s.logFile, '-f', join(s.dir, 'sshd_config'), '-p', String(s.port)], { stdio: 'ignore' });
    s.pid = s.child.pid!;
    const until = Date.now() + 10_000;
    while (!s.log().includes('Server listening on 127.0.0.1')) {
      if (s.child.exitCode !== null || Date.now() > until) throw new Error(`sshd did not start:\n${s.log()}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    return s;
  }

  log(): string {
    try {
      return readFileSync(this.logFile, 'utf8');
    } catch {
      return '';
    }
  }

  /** logins sshd accepted so far (one per SSH connection) */
  acceptedLogins(): number {
    return (this.log().match(/Accepted publickey for /g) ?? []).length;
  }

  /** Inventory variables reaching this server as root with the test key and pinned known_hosts. */
  vars(extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      ansible_host: '127.0.0.1',
      ansible_port: this.port,
      ansible_user: 'root',
      ansible_ssh_private_key_file: this.clientKey,
      ansible_ssh_known_hosts_file: this.knownHosts,
      ...extra,
    };
  }

  /** Options context isolating the client from the real ~/.ssh and ssh-agent. */
  get ctx() {
    return { home: this.dir, env: {}, currentUser: 'root' };
  }

  async stop(): Promise<void> {
    if (this.child && this.child.exitCode === null) {
      const exited = new Promise((r) => this.child!.once('exit', r));
      process.kill(this.pid, 'SIGTERM');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
