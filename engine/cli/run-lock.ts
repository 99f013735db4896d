// One real run per inventory at a time, on this controller. Two runs against the same hosts
// interleave their read-modify-write edits (lineinfile, blockinfile, templates) and lose some of
// them; the second run is refused before it contacts any host. The lock is a file in the temp
// directory (shared by the controller's users; TMPDIR moves it), named after the inventory
// sources, holding the holder's pid, start time and command. A lock whose process is gone is
// taken over with a note. --check, --syntax-check and --list-* change nothing and do not lock.
import { createHash } from 'node:crypto';
import { linkSync, lstatSync, readFileSync, realpathSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { TsplayError } from '../errors.js';
import { findInventorySource } from '../inventory/source-path.js';

export interface LockHolder {
  pid: number;
  /** when the holder took the lock, ISO 8601 */
  started: string;
  /** the holder's command line, -e values hidden */
  command: string;
  user: string;
  host: string;
  /** the inventory sources as resolved */
  inventory: string[];
  /** the holder's start in clock ticks since boot (/proc/PID/stat): a reused pid has another */
  procStart?: string;
}

/**
 * The inventory sources as the lock sees them: found as the run finds them (-i NAME may be
 * inventories/NAME), existing paths resolved (links too), host lists as written; sorted.
 */
export function lockSources(sources: string[], opts: { playbook?: string } = {}): string[] {
  const out = sources.map((given) => {
    const s = findInventorySource(given, opts) ?? given;
    try {
      return realpathSync(s);
    } catch {
      return s.includes(',') ? s : resolve(s);
    }
  });
  return [...new Set(out)].sort();
}

export function lockPath(sources: string[], opts: { dir?: string; playbook?: string } = {}): string {
  const key = createHash('sha256').update(lockSources(sources, opts).join('\n')).digest('hex').slice(0, 20);
  return join(opts.dir ?? tmpdir(), `tsplay-run-${key}.lock`);
}

/** field 22 of /proc/PID/stat (after the parenthesised name, which may hold spaces) */
export function procStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** whether the process that wrote this lock still runs (on this machine) */
export function holderAlive(h: LockHolder): boolean {
  try {
    process.kill(h.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false; // ESRCH: gone
  }
  const now = procStart(h.pid);
  return !(h.procStart && now && now !== h.procStart); // the pid now belongs to another process
}

/** argv as a person reads it, without the values of -e (they may be secrets; the lock file is world-readable) */
export function commandLine(argv: string[]): string {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-e' || a === '--extra-vars') {
      out.push(a, '…');
      i++;
    } else if (/^(-e.|--extra-vars=)/.test(a)) out.push(a.startsWith('--') ? '--extra-vars=…' : '-e…');
    else out.push(/[\s'"]/.test(a) ? JSON.stringify(a) : a);
  }
  return out.join(' ');
}

/** Removes the lock file if it is still the one seen (same inode and text: an inode number alone is soon reused). */
function unlinkIfSame(path: string, seen: { ino: number; text: string }): boolean {
  if (lstatSync(path).ino !== seen.ino || readFileSync(path, 'utf8') !== seen.text) return false;
  unlinkSync(path);
  return true;
}

export class RunLock {
  private released = false;
  constructor(
    readonly path: string,
    private readonly seen: { ino: number; text: string },
  ) {}

  /** removes the lock file if it is still this run's; safe to call twice and from an exit handler */
  release(): void {
    if (this.released) return;
    this.released = true;
    try {
      unlinkIfSame(this.path, this.seen);
    } catch {
      /* already gone */
    }
  }
}

function describeHolder(h: LockHolder): string {
  return `pid ${h.pid}${h.host !== hostname() ? ` on ${h.host}` : ''}, user ${h.user}, started ${h.started}: ${h.command}`;
}

/** the lock file's holder; undefined when it vanished; 'unreadable' when it cannot be read or parsed */
function readHolder(path: string): { holder: LockHolder; ino: number; text: string } | 'unreadable' | undefined {
  let ino: number;
  let text: string;
  try {
    ino = lstatSync(path).ino;
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : 'unreadable';
  }
  try {
    const h = JSON.parse(text) as LockHolder;
    return Number.isInteger(h.pid) && h.pid > 0 ? { holder: h, ino, text } : 'unreadable';
  } catch {
    return 'unreadable';
  }
}

/**
 * Takes the lock of these inventory sources, or throws naming the run that holds it. `note`
 * receives a line when a stale lock (its process gone) is taken over.
 */
export function acquireRunLock(sources: string[], opts: { dir?: string; playbook?: string; argv?: string[]; note?: (msg: string) => void } = {}): RunLock {
  const path = lockPath(sources, opts);
  const me: LockHolder = {
    pid: process.pid,
    started: new Date().toISOString(),
    command: commandLine(opts.argv ?? ['tsplay', ...process.argv.slice(2)]),
    user: userInfo().username,
    host: hostname(),
    inventory: lockSources(sources, opts),
    procStart: procStart(process.pid),
  };
  // written whole under a private name, then linked into place: a reader never sees half a lock,
  // and link() fails when the name exists, so of two runs exactly one gets it
  const tmp = `${path}.${process.pid}.tmp`;
  const text = JSON.stringify(me) + '\n';
  try {
    writeFileSync(tmp, text, { mode: 0o644 });
  } catch (e) {
    throw new TsplayError(`cannot take the run lock ${path}: ${(e as Error).message} (TMPDIR sets its directory; --no-lock runs without it)`);
  }
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        linkSync(tmp, path);
        return new RunLock(path, { ino: lstatSync(path).ino, text });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new TsplayError(`cannot take the run lock ${path}: ${(e as Error).message}`);
      }
      const cur = readHolder(path);
      if (cur === undefined) continue; // released meanwhile
      if (cur === 'unreadable') {
        throw new TsplayError(`the run lock ${path} cannot be read: another run may hold it. Remove the file if no run is in progress, or use --no-lock`);
      }
      if (cur.holder.host === hostname() && !holderAlive(cur.holder)) {
        // remove it only if it is still the file judged stale (another run may have just taken over)
        let removed = false;
        try {
          removed = unlinkIfSame(path, cur);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
            throw new TsplayError(`the run lock ${path} is stale (${describeHolder(cur.holder)}, no longer running) but cannot be removed: ${(e as Error).message}`);
          }
        }
        if (removed) opts.note?.(`took over the run lock of a run that is no longer running (${describeHolder(cur.holder)})`);
        continue;
      }
      throw new TsplayError(
        `another run of this inventory is in progress (${describeHolder(cur.holder)}); no host was contacted. ` +
          `Wait for it to finish, or use --no-lock to run anyway (lock: ${path})`,
      );
    }
    throw new TsplayError(`cannot take the run lock ${path}: it keeps changing hands`);
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      /* gone */
    }
  }
}
