// Starting and stopping one host's systemd-nspawn. A host is stopped only through the pid in
// its own pid file, never by process name.
import { spawn } from 'node:child_process';
import { open, writeFile, unlink } from 'node:fs/promises';
import type { LabHost } from './hosts.js';
import { LAB_BRIDGE } from './hosts.js';
import { hostPaths } from './paths.js';
import { HOST_REPO_DIR } from './host-files.js';
import { runningPid } from './pidfile.js';
import { hostCgroupDirs } from './cgroups.js';
import { sh, joinCommands } from '../transport/quote.js';
import { childEnv } from '../vault/password.js';

/** The nspawn argv for a host (exported so tests can check what is run). */
export function nspawnArgv(host: LabHost, root: string, repo?: string): string[] {
  return [
    'systemd-nspawn',
    '-D', root,
    '--boot',
    `--machine=${host.name}`,
    `--network-bridge=${LAB_BRIDGE}`,
    // No systemd on the controller: do not register with machined, stay in our own scope.
    '--register=no',
    '--keep-unit',
    // keepalived needs both (NET_ADMIN is in nspawn's default set with a private network; said
    // here so it does not depend on that).
    '--capability=CAP_NET_ADMIN,CAP_NET_RAW',
    // The image carries its own resolver setup and clock zone; nspawn must not replace them.
    '--resolv-conf=off',
    '--timezone=off',
    '--link-journal=no',
    '--console=read-only',
    // the hosts' apt source (repo.ts), read-only: no host can change what the others install
    ...(repo ? [`--bind-ro=${repo}:${HOST_REPO_DIR}`] : []),
  ];
}

/** Boots the host in the background; its console goes to the host's log file. */
export async function bootHost(host: LabHost, repo?: string): Promise<number> {
  const p = hostPaths(host.name);
  const log = await open(p.logFile, 'a');
  try {
    await log.write(`\n==== tsplay lab: boot ${host.name} at ${new Date().toISOString()} ====\n`);
    // The wrapper moves itself into the host's own cgroups, then becomes nspawn (same pid).
    const joins = (await hostCgroupDirs(host.name)).map((d) => sh`mkdir -p ${d} && echo $$ > ${d}/cgroup.procs`);
    const line = joinCommands([...joins, sh`exec ${nspawnArgv(host, p.root, repo)}`]);
    const child = spawn('/bin/sh', ['-c', line.text], {
      detached: true,
      stdio: ['ignore', log.fd, log.fd],
      env: childEnv(),
    });
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('error', (e) => reject(new Error(`cannot start systemd-nspawn for ${host.name}: ${e.message}`)));
      child.once('spawn', () => resolve(child.pid!));
    });
    child.unref();
    await writeFile(p.pidFile, `${pid}\n`);
    if (repo) await writeFile(p.repoFile, `${repo}\n`);
    return pid;
  } finally {
    await log.close();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitGone(pidFile: string, machine: string, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!(await runningPid(pidFile, machine))) return true;
    await sleep(200);
  }
  return !(await runningPid(pidFile, machine));
}

/**
 * SIGTERM makes nspawn ask the host's systemd to power off cleanly; SIGKILL after the grace
 * period. Returns how it ended.
 */
export async function stopHost(name: string, graceMs = 30_000): Promise<'not running' | 'stopped' | 'killed'> {
  const p = hostPaths(name);
  const pid = await runningPid(p.pidFile, name);
  if (!pid) {
    await unlink(p.pidFile).catch(() => {});
    return 'not running';
  }
  process.kill(pid, 'SIGTERM');
  let how: 'stopped' | 'killed' = 'stopped';
  if (!(await waitGone(p.pidFile, name, graceMs))) {
    process.kill(pid, 'SIGKILL');
    how = 'killed';
    if (!(await waitGone(p.pidFile, name, 10_000))) throw new Error(`host ${name}: nspawn pid ${pid} survived SIGKILL`);
  }
  await unlink(p.pidFile).catch(() => {});
  return how;
}
