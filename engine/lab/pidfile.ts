// A host runs while the nspawn process named in its pid file is alive AND is that host's
// nspawn: a recycled pid belonging to something else never counts (and is never signalled).
import { readFile } from 'node:fs/promises';

export function parsePid(text: string): number | undefined {
  const n = Number(text.trim());
  return Number.isInteger(n) && n > 1 ? n : undefined;
}

/** True when argv (from /proc/PID/cmdline, NUL-separated) is systemd-nspawn for this machine. */
export function isHostNspawn(cmdline: string, machine: string): boolean {
  const argv = cmdline.split('\0').filter(Boolean);
  if (!argv.length || !/(^|\/)systemd-nspawn$/.test(argv[0])) return false;
  return argv.includes(`--machine=${machine}`);
}

/**
 * The pid named in a pid file while that process is alive (not a zombie) and its argv
 * (/proc/PID/cmdline) is the program expected; otherwise undefined.
 */
export async function livePid(pidFile: string, isExpected: (cmdline: string) => boolean): Promise<number | undefined> {
  let pid: number | undefined;
  try {
    pid = parsePid(await readFile(pidFile, 'utf8'));
  } catch {
    return undefined;
  }
  if (!pid) return undefined;
  try {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // A zombie has exited; only its parent's wait is missing.
    if (/\) Z /.test(stat)) return undefined;
    return isExpected(cmdline) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** The pid of the host's running nspawn, or undefined. */
export function runningPid(pidFile: string, machine: string): Promise<number | undefined> {
  return livePid(pidFile, (cmdline) => isHostNspawn(cmdline, machine));
}
