// W5's server: one OpenSSH sshd on 127.0.0.1 serving every scale-test inventory host (they differ by root directory).
// Sized for 500 simultaneous logins; each engine gets its own known_hosts for it.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:net';

export interface LoopbackSshd {
  address: string;
  port: number;
  clientKey: string;
  /** one known_hosts file per engine name */
  knownHosts(engine: string): string;
  stop(): Promise<void>;
}

// Debian's bash sources ~/.bashrc for every command sshd runs; this controller's root .bashrc runs `pyenv init`
// (~150 ms), which would dominate every exec of every contender. The lab hosts have a stock .bashrc. So sshd runs in
// a private mount namespace where the controller user's .bashrc reads as empty: nothing outside sshd sees a change.
const QUIET_SHELL = [
  'if [ -f "$HOME/.bashrc" ]; then mount --bind /dev/null "$HOME/.bashrc" || exit 1; fi',
  'exec /usr/sbin/sshd -D -E "$1" -f "$2"',
].join('\n');

function keygen(path: string): string {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'tsplay-bench', '-f', path]);
  return readFileSync(`${path}.pub`, 'utf8').trim();
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

export async function startLoopbackSshd(dir: string, port: number): Promise<LoopbackSshd> {
  mkdirSync(dir, { recursive: true });
  mkdirSync('/run/sshd', { recursive: true });
  const address = '127.0.0.1';
  const hostPub = keygen(join(dir, 'host_ed25519')).split(/\s+/).slice(0, 2).join(' ');
  const clientKey = join(dir, 'client_key');
  writeFileSync(join(dir, 'authorized_keys'), keygen(clientKey) + '\n');
  const log = join(dir, 'sshd.log');
  writeFileSync(
    join(dir, 'sshd_config'),
    [
      `ListenAddress ${address}:${port}`,
      `HostKey ${join(dir, 'host_ed25519')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'StrictModes no',
      'UsePAM no',
      'PermitRootLogin yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      // 500 hosts log in at once: no random drops of unauthenticated connections, and room for multiplexed sessions
      'MaxStartups 1000:30:2000',
      'MaxSessions 20',
      'LoginGraceTime 120',
      'UseDNS no',
      'LogLevel ERROR',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', QUIET_SHELL, 'sh', log, join(dir, 'sshd_config')], {
    stdio: 'ignore',
  });
  const known = new Map<string, string>();
  // sshd -D only logs errors at this level: wait until the port accepts a TCP connection.
  const until = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`sshd exited: ${readFileSync(log, 'utf8')}`);
    if (await accepts(address, port)) break;
    if (Date.now() > until) throw new Error('sshd did not start listening');
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    address,
    port,
    clientKey,
    knownHosts(engine: string) {
      let f = known.get(engine);
      if (!f) {
        f = join(dir, `known_hosts.${engine}`);
        writeFileSync(f, `[${address}]:${port} ${hostPub}\n`);
        known.set(engine, f);
      }
      return f;
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}
