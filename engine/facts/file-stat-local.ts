// fileStat answered in-process on the controller (fs calls instead of a shell per read): the
// same value the command would print, field by field (test/unit/facts/file-stat-local.test.ts
// compares the two on real files).
import { createHash } from 'node:crypto';
import { lstat, readFile, readlink, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { ModuleError } from '../errors.js';
import type { FileStat, FileStatArgs, FileType } from './file-stat.js';

const ABSENT = new Set(['ENOENT', 'ENOTDIR']);

function typeOf(s: Stats): FileType {
  if (s.isFile()) return 'file';
  if (s.isDirectory()) return 'directory';
  if (s.isSymbolicLink()) return 'link';
  return 'other';
}

async function statOrAbsent(path: string, follow: boolean): Promise<Stats | undefined> {
  try {
    return follow ? await stat(path) : await lstat(path);
  } catch (e) {
    if (ABSENT.has((e as NodeJS.ErrnoException).code ?? '')) return undefined;
    throw e;
  }
}

/** uid/gid to name from the files NSS reads first; undefined when not there (ask the command) */
function nameIn(table: string, id: number): string | undefined {
  for (const line of table.split('\n')) {
    const f = line.split(':');
    if (f.length >= 3 && Number(f[2]) === id && f[2] !== '') return f[0];
  }
  return undefined;
}

/**
 * The FileStat of `path` on this machine, or undefined when only the command can tell (a uid
 * or gid with no line in /etc/passwd or /etc/group: stat(1) would ask NSS, LDAP, ...).
 */
export async function localFileStat({ path, follow, checksum }: FileStatArgs): Promise<FileStat | undefined> {
  let s: Stats | undefined;
  try {
    s = await statOrAbsent(path, !!follow);
    // a dangling link: absent when following, itself when not (as `[ -e ] || [ -L ]`)
    if (!s) return { path, exists: false };
  } catch (e) {
    throw new ModuleError(`cannot stat ${path}: ${(e as Error).message}`);
  }
  const [passwd, group] = await Promise.all([readFile('/etc/passwd', 'utf8'), readFile('/etc/group', 'utf8')]).catch(() => ['', '']);
  const owner = nameIn(passwd, s.uid);
  const grp = nameIn(group, s.gid);
  if (owner === undefined || grp === undefined) return undefined;
  const st: FileStat = {
    path,
    exists: true,
    type: typeOf(s),
    mode: (s.mode & 0o7777).toString(8).padStart(4, '0'),
    uid: s.uid,
    gid: s.gid,
    owner,
    group: grp,
    size: s.size,
    mtime: Math.floor(s.mtimeMs / 1000),
    inode: s.ino,
    dev: s.dev,
    nlink: s.nlink,
  };
  // like `[ -f "$p" ]` and `[ -L "$p" ]`: the first follows a link, the second looks at the path itself
  const target = !checksum ? undefined : follow ? s : await statOrAbsent(path, true).catch(() => undefined);
  if (checksum && target?.isFile()) {
    const sum = await readFile(path).then((b) => createHash(checksum).update(b).digest('hex'), () => undefined);
    if (sum) st.checksum = sum;
  }
  const self = follow ? await statOrAbsent(path, false).catch(() => undefined) : s;
  if (self?.isSymbolicLink()) st.linkTarget = await readlink(path);
  return st;
}
