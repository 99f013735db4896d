// Is a host up: its TCP port 22 answers, then sshd lets the lab key in with the pinned host
// key (strict checking) and systemd reports its state.
import { connect } from 'node:net';
import { spawn } from 'node:child_process';
import type { LabHost } from './hosts.js';
import { LAB_KEY_FILE, LAB_KNOWN_HOSTS_FILE } from './paths.js';
import { sh, type ShellCommand } from '../transport/quote.js';
import { childEnv } from '../vault/password.js';

export function tcpAnswers(ip: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: ip, port });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/** The OpenSSH argv the lab (and people) use to reach a host as root with the pinned key. */
export function sshArgv(host: LabHost, command: ShellCommand, user = 'root'): string[] {
  return [
    'ssh',
    '-i', LAB_KEY_FILE,
    '-o', `UserKnownHostsFile=${LAB_KNOWN_HOSTS_FILE}`,
    '-o', 'StrictHostKeyChecking=yes',
    '-o', 'BatchMode=yes',
    '-o', 'ConnectTimeout=5',
    '-o', 'LogLevel=ERROR',
    `${user}@${host.ip}`,
    '--',
    command.text,
  ];
}

export interface SshResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export function sshRun(host: LabHost, command: ShellCommand, timeoutMs: number): Promise<SshResult> {
  return new Promise((resolve) => {
    const argv = sshArgv(host, command);
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env: childEnv() });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ exitCode: 255, stdout, stderr: stderr + e.message });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ exitCode: code ?? 255, stdout, stderr });
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface ReadyHost {
  /** systemctl is-system-running: running, or degraded with failedUnits */
  state: string;
  failedUnits: string[];
}

/**
 * Waits until the host answers SSH and systemd finished booting, within timeoutMs. Throws an
 * Error naming the host, what was last seen and the console log to read.
 */
export async function waitReady(host: LabHost, logFile: string, timeoutMs: number): Promise<ReadyHost> {
  const deadline = Date.now() + timeoutMs;
  let last = 'port 22 never answered';
  while (Date.now() < deadline) {
    if (!(await tcpAnswers(host.ip, 22, 1000))) {
      await sleep(250);
      continue;
    }
    const left = Math.max(deadline - Date.now(), 1000);
    const r = await sshRun(host, sh`timeout ${Math.ceil(left / 1000)} systemctl is-system-running --wait`, left + 2000);
    const state = r.stdout.trim();
    if (state === 'running') return { state, failedUnits: [] };
    if (state === 'degraded') {
      const f = await sshRun(host, sh`systemctl --failed --plain --no-legend --no-pager`, 10_000);
      const failedUnits = f.stdout.split('\n').map((l) => l.trim().split(/\s+/)[0]).filter(Boolean);
      return { state, failedUnits };
    }
    last = `ssh: exit ${r.exitCode} ${(state || r.stderr.trim()).slice(0, 300)}`;
    await sleep(500);
  }
  throw new Error(`lab host ${host.name} (${host.ip}) not ready after ${Math.round(timeoutMs / 1000)} s (${last}); see ${logFile}`);
}
