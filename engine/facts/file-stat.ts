// One round trip for everything modules ask about a path: type, mode, owner, size, link target,
// and a checksum of a regular file when asked.
import { sh, raw } from '../transport/quote.js';
import { ModuleError } from '../errors.js';
import type { Fact } from './types.js';
import { localFileStat } from './file-stat-local.js';

export type ChecksumAlgorithm = 'md5' | 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';
export const CHECKSUM_ALGORITHMS: readonly ChecksumAlgorithm[] = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'];

export type FileType = 'file' | 'directory' | 'link' | 'other';

export interface FileStat {
  path: string;
  exists: boolean;
  type?: FileType;
  /** four octal digits, e.g. '0644' */
  mode?: string;
  uid?: number;
  gid?: number;
  owner?: string;
  group?: string;
  size?: number;
  mtime?: number;
  inode?: number;
  dev?: number;
  nlink?: number;
  /** readlink of the path itself, when it is a symbolic link */
  linkTarget?: string;
  /** hex digest of a regular file, when a checksum was asked and the file was readable */
  checksum?: string;
}

export interface FileStatArgs {
  path: string;
  /** follow a symbolic link to what it points at (a dangling link is then "absent") */
  follow?: boolean;
  checksum?: ChecksumAlgorithm;
}

/**
 * "link/" names what the link points at (the kernel follows a link before a trailing slash), even
 * to lstat and rm: a module that acts on a path itself, not what it points at, drops the slashes.
 */
export function withoutTrailingSlash(path: string): string {
  return path.replace(/\/+$/, '') || (path ? '/' : path);
}

const FORMAT = 'present\\n%F\\n%a\\n%u\\n%g\\n%U\\n%G\\n%s\\n%Y\\n%i\\n%d\\n%h\\n';

function typeOf(statType: string): FileType {
  if (statType === 'regular file' || statType === 'regular empty file') return 'file';
  if (statType === 'directory') return 'directory';
  if (statType === 'symbolic link') return 'link';
  return 'other';
}

export const fileStat: Fact<FileStat, FileStatArgs> = {
  name: 'file_stat',
  command({ path, follow, checksum }) {
    if (checksum && !CHECKSUM_ALGORITHMS.includes(checksum)) throw new ModuleError(`unknown checksum algorithm: ${checksum}`);
    const missing = follow ? sh`[ ! -e "$p" ]` : sh`[ ! -e "$p" ] && [ ! -L "$p" ]`;
    // The digest reads stdin so its output never echoes (escaped) file names.
    const sum = checksum ? sh`c=$( { ${raw(checksum)}sum < "$p"; } 2>/dev/null ) || c=''` : sh`c=''`;
    return sh`p=${path}
if ${missing}; then echo absent; exit 0; fi
stat ${raw(follow ? '-L ' : '')}--printf ${FORMAT} -- "$p" || exit 1
if [ -f "$p" ]; then ${sum}; else c=''; fi
echo "\${c%% *}"
if [ -L "$p" ]; then readlink -- "$p"; fi`;
  },
  overlayKey: ({ path }) => withoutTrailingSlash(path) || '/',
  local: (args) => {
    if (args.checksum && !CHECKSUM_ALGORITHMS.includes(args.checksum)) throw new ModuleError(`unknown checksum algorithm: ${args.checksum}`);
    return localFileStat(args);
  },
  parse(r, { path }) {
    if (r.exitCode !== 0) throw new ModuleError(`cannot stat ${path}: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
    const lines = r.stdout.split('\n');
    if (lines[0] === 'absent') return { path, exists: false };
    if (lines[0] !== 'present' || lines.length < 14) throw new ModuleError(`unexpected stat output for ${path}: ${r.stdout.slice(0, 200)}`);
    const num = (i: number) => Number(lines[i]);
    const st: FileStat = {
      path,
      exists: true,
      type: typeOf(lines[1]),
      mode: parseInt(lines[2], 8).toString(8).padStart(4, '0'),
      uid: num(3),
      gid: num(4),
      owner: lines[5],
      group: lines[6],
      size: num(7),
      mtime: num(8),
      inode: num(9),
      dev: num(10),
      nlink: num(11),
    };
    if (lines[12]) st.checksum = lines[12];
    // a link target may itself contain newlines: it is everything after the checksum line
    const rest = lines.slice(13).join('\n');
    if (rest) st.linkTarget = rest.endsWith('\n') ? rest.slice(0, -1) : rest;
    return st;
  },
};
