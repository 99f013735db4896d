// What `find` walks: every entry under each of the given directories (links not followed, as
// Python's os.walk), with lstat's fields, and the host's clock for `age`. One round trip for all
// paths; a path that is not a directory is reported, not an error (Ansible skips it with a warning).
import { posix } from 'node:path';
import { sh, raw } from '../transport/quote.js';
import { ModuleError } from '../errors.js';
import type { Fact } from './types.js';

export interface FoundEntry {
  /** the directory given in `paths` that this entry was found under */
  root: string;
  path: string;
  /** levels below root: 1 for its direct children */
  depth: number;
  /** find's %y: f d l p s c b */
  type: string;
  size: number;
  mtime: number;
  atime: number;
  ctime: number;
  mode: number;
  uid: number;
  gid: number;
  owner: string;
  group: string;
  nlink: number;
  inode: number;
  dev: number;
}

export interface FindTree {
  /** the host's time when it listed (seconds since the epoch) */
  now: number;
  entries: FoundEntry[];
  /** given paths that are not directories (or cannot be read), with why */
  skipped: Record<string, string>;
}

export interface FindTreeArgs {
  paths: string[];
  /** undefined: no limit */
  maxdepth?: number;
}

// %D is the device number; names (%u %g) are numbers when the id has no name
const FORMAT = 'E\t%y\t%s\t%T@\t%A@\t%C@\t%m\t%U\t%G\t%u\t%g\t%n\t%i\t%D\t%d\t%p\\0';
const FIELDS = 15;

export const findTree: Fact<FindTree, FindTreeArgs> = {
  name: 'find_tree',
  command: ({ paths, maxdepth }) =>
    // each path: a line naming it, then its entries (or why it was skipped); errors of find on
    // unreadable subdirectories go to stderr and do not end the walk
    sh`date +%s.%N; for p in ${paths}; do if [ -d "$p" ]; then printf 'P\\t%s\\0' "$p"; find -- "$p" -mindepth 1 ${maxdepth === undefined ? raw('') : sh`-maxdepth ${maxdepth}`} -printf ${FORMAT}; else printf 'X\\t%s\\0' "$p"; fi; done`,
  parse(r, { paths }) {
    const nl = r.stdout.indexOf('\n');
    const now = Number(r.stdout.slice(0, nl));
    if (nl < 0 || !Number.isFinite(now)) throw new ModuleError(`cannot list ${paths.join(', ')}: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
    const entries: FoundEntry[] = [];
    const skipped: Record<string, string> = {};
    let root = '';
    for (const rec of r.stdout.slice(nl + 1).split('\0')) {
      if (!rec) continue;
      const kind = rec.slice(0, 2);
      if (kind === 'P\t') root = rec.slice(2);
      else if (kind === 'X\t') skipped[rec.slice(2)] = `'${rec.slice(2)}' is not a directory`;
      else if (kind === 'E\t') {
        const f = rec.split('\t');
        // the path is last and may itself hold tabs
        const path = posix.normalize(f.slice(FIELDS).join('\t'));
        entries.push({
          root,
          path,
          type: f[1],
          size: Number(f[2]),
          mtime: Number(f[3]),
          atime: Number(f[4]),
          ctime: Number(f[5]),
          mode: parseInt(f[6], 8),
          uid: Number(f[7]),
          gid: Number(f[8]),
          owner: f[9],
          group: f[10],
          nlink: Number(f[11]),
          inode: Number(f[12]),
          dev: Number(f[13]),
          depth: Number(f[14]),
        });
      }
    }
    return { now, entries, skipped };
  },
};
