// The shell side of an atomic upload: the bytes arrive on stdin into a temp file beside the
// destination; only when exactly `size` bytes arrived is mode/owner set and the file renamed.
// A connection cut mid-transfer leaves the old file untouched and no temp file behind.
import { sh } from './quote.js';
import type { PutOptions } from './types.js';

export function atomicPutCommand(path: string, size: number, opts: PutOptions = {}) {
  const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) || '/' : '.';
  const owner = opts.owner ? (opts.group ? `${opts.owner}:${opts.group}` : opts.owner) : opts.group ? `:${opts.group}` : '';
  // Without an explicit mode/owner the new file keeps the old file's (as Ansible's copy does).
  // SIGPIPE ignored: a lost connection must not kill the shell before its cleanup trap runs
  return sh`set -e
trap '' PIPE
t=$(mktemp ${dir + '/.tsplay-put.XXXXXX'})
trap 'rm -f "$t"' EXIT INT TERM HUP
head -c ${String(size)} > "$t"
[ "$(wc -c < "$t")" -eq ${String(size)} ] || { echo "short write: connection lost" >&2; exit 70; }
if [ -e ${path} ]; then chmod --reference=${path} "$t"; chown --reference=${path} "$t" 2>/dev/null || true; else chmod 0644 "$t"; fi
${opts.mode ? sh`chmod ${opts.mode} "$t"` : sh`:`}
${owner ? sh`chown ${owner} "$t"` : sh`:`}
mv -f "$t" ${path}
trap - EXIT INT TERM HUP`;
}

/** Read a file; exit 3 means "absent" so the caller can tell it from other failures. */
export function readFileCommand(path: string) {
  return sh`if [ -e ${path} ]; then exec cat -- ${path}; else exit 3; fi`;
}
