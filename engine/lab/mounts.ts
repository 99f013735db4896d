// Which paths are mount points, read from /proc/self/mountinfo, and safe unmounting under a dir.
import { readFile } from 'node:fs/promises';
import { run } from './run.js';

/** Mount points from mountinfo text (field 5), with the kernel's octal escapes undone. */
export function mountPoints(mountinfo: string): string[] {
  const out: string[] = [];
  for (const line of mountinfo.split('\n')) {
    const fields = line.split(' ');
    if (fields.length < 5) continue;
    out.push(fields[4].replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8))));
  }
  return out;
}

export async function currentMountPoints(): Promise<string[]> {
  return mountPoints(await readFile('/proc/self/mountinfo', 'utf8'));
}

export async function isMountPoint(path: string): Promise<boolean> {
  return (await currentMountPoints()).includes(path);
}

/** Paths equal to dir or below it, deepest first (the order they must be unmounted in). */
export function mountsUnder(points: readonly string[], dir: string): string[] {
  const prefix = dir.endsWith('/') ? dir : dir + '/';
  return points.filter((p) => p === dir || p.startsWith(prefix)).sort((a, b) => b.length - a.length);
}

/** Unmounts everything at or under dir, so a later rm -rf cannot reach into /proc or a host root. */
export async function unmountUnder(dir: string): Promise<void> {
  for (let round = 0; round < 5; round++) {
    const points = mountsUnder(await currentMountPoints(), dir);
    if (!points.length) return;
    for (const p of points) await run(['umount', p], { allowFail: true });
    if (round >= 2) for (const p of points) await run(['umount', '-l', p], { allowFail: true });
  }
  const left = mountsUnder(await currentMountPoints(), dir);
  if (left.length) throw new Error(`cannot unmount ${left.join(', ')}`);
}
