// What the lab looks like right now, read without changing anything.
import { readdir } from 'node:fs/promises';
import { LAB_HOSTS } from './hosts.js';
import { LAB_KEY_FILE, LAB_KNOWN_HOSTS_FILE, LAB_STATE_DIR, hostPaths } from './paths.js';
import { runningPid } from './pidfile.js';
import { tcpAnswers } from './reach.js';
import { bridgeExists } from './bridge.js';

export interface LabHostStatus {
  name: string;
  ip: string;
  /** its nspawn process (from the pid file) is alive */
  running: boolean;
  pid?: number;
  /** TCP port 22 answers */
  reachable: boolean;
  /** systemctl is-system-running, when `up` waited for this host */
  systemState?: string;
  failedUnits?: string[];
  logFile: string;
}

export interface LabStatus {
  stateDir: string;
  bridge: boolean;
  /** base image directories present */
  images: string[];
  keyFile: string;
  knownHostsFile: string;
  hosts: LabHostStatus[];
  /** names of running hosts */
  running: string[];
}

export async function readLabStatus(): Promise<LabStatus> {
  const hosts = await Promise.all(
    LAB_HOSTS.map(async (h): Promise<LabHostStatus> => {
      const p = hostPaths(h.name);
      const pid = await runningPid(p.pidFile, h.name);
      const reachable = pid ? await tcpAnswers(h.ip, 22, 1000) : false;
      return { name: h.name, ip: h.ip, running: !!pid, ...(pid ? { pid } : {}), reachable, logFile: p.logFile };
    }),
  );
  const images = (await readdir(LAB_STATE_DIR).catch(() => [] as string[]))
    .filter((f) => /^base-[0-9a-f]+$/.test(f))
    .map((f) => `${LAB_STATE_DIR}/${f}`);
  return {
    stateDir: LAB_STATE_DIR,
    bridge: await bridgeExists(),
    images,
    keyFile: LAB_KEY_FILE,
    knownHostsFile: LAB_KNOWN_HOSTS_FILE,
    hosts,
    running: hosts.filter((h) => h.running).map((h) => h.name),
  };
}

export function formatLabStatus(s: LabStatus): string {
  const lines = [`bridge tsplay0: ${s.bridge ? 'up' : 'absent'}`];
  for (const h of s.hosts) {
    const what = h.running ? `running (pid ${h.pid}), ssh ${h.reachable ? 'reachable' : 'NOT reachable'}` : 'stopped';
    lines.push(`${h.name.padEnd(8)} ${h.ip.padEnd(11)} ${what}${h.systemState ? `, ${h.systemState}` : ''}`);
  }
  return lines.join('\n');
}
