// A host's container can outlive its nspawn process (nspawn killed with SIGKILL: the
// container's systemd keeps running). Such an orphan holds the host's veth name and overlay,
// so a new boot fails. Every process of a host lives in the host's own cgroup (cgroups.ts),
// so the orphans are found by that group, never by process name, and ended with cgroup.kill.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hostCgroupDirs } from './cgroups.js';
import { pathExists } from '../path-exists.js';
import { run } from './run.js';

async function populated(dir: string): Promise<boolean> {
  const events = await readFile(join(dir, 'cgroup.events'), 'utf8').catch(() => '');
  return /^populated 1$/m.test(events);
}

/** Call only when the host's nspawn is not running: whatever is left in its group is orphaned. */
export async function killOrphans(name: string, log: (line: string) => void): Promise<void> {
  for (const dir of await hostCgroupDirs(name)) {
    if (!(await pathExists(join(dir, 'cgroup.kill'))) || !(await populated(dir))) continue;
    log(`${name}: ending the processes left in ${dir} by an nspawn that died`);
    await writeFile(join(dir, 'cgroup.kill'), '1');
    for (let i = 0; i < 200 && (await populated(dir)); i++) await new Promise((r) => setTimeout(r, 50));
    if (await populated(dir)) throw new Error(`${name}: processes in ${dir} did not end`);
  }
}

/** nspawn's name for a host's end of the veth pair on the bridge (`vb-` + the machine name, cut to 15 bytes) */
export function vethName(name: string): string {
  return `vb-${name}`.slice(0, 15);
}

/**
 * The kernel frees a dead container's network namespace, and the veth pair in it, some time after
 * its last process ended; until then a new boot fails with "Failed to add new veth interfaces
 * (vb-NAME:host0): File exists". Wait for the pair to go, and delete it if it lingers: the name is
 * the lab's own, on the lab's own bridge, and no running host holds it (the caller checked).
 */
export async function releaseVeth(name: string, log: (line: string) => void): Promise<void> {
  const dev = vethName(name);
  const exists = async () => (await run(['ip', 'link', 'show', 'dev', dev], { allowFail: true })).exitCode === 0;
  for (let i = 0; i < 40 && (await exists()); i++) await new Promise((r) => setTimeout(r, 50));
  if (!(await exists())) return;
  log(`${name}: removing ${dev}, left by a container that died`);
  await run(['ip', 'link', 'delete', 'dev', dev], { allowFail: true });
  if (await exists()) throw new Error(`${name}: ${dev} is still there; a new boot would fail ("File exists")`);
}
