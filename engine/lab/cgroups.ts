// Each host's nspawn gets its own cgroup. With --keep-unit nspawn makes its "supervisor" and
// "payload" groups inside whatever cgroup it starts in; hosts started from the same cgroup
// would share /payload/system.slice/… and each host's systemd would create and remove the
// others' unit groups (seen: units failing with 219/CGROUP "Failed to attach to cgroup").
import { readdir, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pathExists } from '../path-exists.js';

const LAB_CGROUP = 'tsplay-lab';

/** The hierarchies systemd uses: the unified one (pure v2 or hybrid) and v1 name=systemd. */
export async function systemdCgroupRoots(): Promise<string[]> {
  if (await pathExists('/sys/fs/cgroup/cgroup.controllers')) return ['/sys/fs/cgroup'];
  const roots: string[] = [];
  for (const r of ['/sys/fs/cgroup/unified', '/sys/fs/cgroup/systemd']) {
    if (await pathExists(join(r, 'cgroup.procs'))) roots.push(r);
  }
  return roots;
}

/** The host's own cgroup dir in each hierarchy (created by the boot wrapper with mkdir -p). */
export async function hostCgroupDirs(name: string): Promise<string[]> {
  return (await systemdCgroupRoots()).map((r) => join(r, LAB_CGROUP, name));
}

/** Removes the host's (empty) cgroup dirs, deepest first. Best effort: busy groups stay. */
export async function removeHostCgroups(name: string): Promise<void> {
  for (const dir of await hostCgroupDirs(name)) {
    await rmdirTree(dir);
    await rmdir(join(dir, '..')).catch(() => {}); // the lab's group, once no host is left in it
  }
}

async function rmdirTree(dir: string): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) if (e.isDirectory()) await rmdirTree(join(dir, e.name));
  await rmdir(dir).catch(() => {});
}
