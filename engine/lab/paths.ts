// Where the lab keeps its state. One root-only directory; everything else hangs off it.
import { join } from 'node:path';

export const LAB_STATE_DIR = '/var/lib/tsplay-lab';
export const LAB_KEY_FILE = join(LAB_STATE_DIR, 'id_ed25519');
export const LAB_KNOWN_HOSTS_FILE = join(LAB_STATE_DIR, 'known_hosts');
export const LAB_LOCK_FILE = join(LAB_STATE_DIR, 'lock');

export function baseImageDir(version: string): string {
  return join(LAB_STATE_DIR, `base-${version}`);
}

/** The hosts' package repository of this version (engine/lab/repo.ts). */
export function repoDir(version: string): string {
  return join(LAB_STATE_DIR, `repo-${version}`);
}

/** Per-host state: overlay upper/work dirs, the mounted root, pid file and console log. */
export interface HostPaths {
  dir: string;
  upper: string;
  work: string;
  root: string;
  pidFile: string;
  logFile: string;
  /** records which base image the upper dir was made against */
  baseFile: string;
  /** records which package repository the running host has mounted */
  repoFile: string;
}

export function hostPaths(name: string): HostPaths {
  const dir = join(LAB_STATE_DIR, 'hosts', name);
  return {
    dir,
    upper: join(dir, 'upper'),
    work: join(dir, 'work'),
    root: join(dir, 'root'),
    pidFile: join(dir, 'nspawn.pid'),
    logFile: join(dir, 'console.log'),
    baseFile: join(dir, 'base'),
    repoFile: join(dir, 'repo'),
  };
}
