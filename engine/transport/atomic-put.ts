// The shell side of an atomic upload: the bytes arrive on stdin into a temp file beside the
// destination; only when exactly `size` bytes arrived is mode/owner set and the file renamed.
// A connection cut mid-transfer leaves the old file untouched and no temp file behind.
import { sh, type ShellCommand } from './quote.js';
import type { PutOptions } from './types.js';

/** "owner:group", "owner" or ":group" for chown; '' when neither is set. */
export function ownerSpec(owner?: string, group?: string): string {
  return owner ? (group ? `${owner}:${group}` : owner) : group ? `:${group}` : '';
}

/**
 * Give the temp file `t` (already holding its bytes, still mktemp's 0600) the owner and mode
 * it ends with. Owner first: chown clears setuid/setgid bits, so chmod must come after it. One
 * chmod, straight from 0600 to the final mode, so the bytes are never readable by anyone the
 * final mode does not allow (no 0644 step on the way to 0600).
 * Without an explicit mode/owner a replaced file keeps the old one's (as Ansible's copy does),
 * a new file gets 0644.
 */
export function settleAttrsCommand(t: ShellCommand, path: string, opts: { mode?: string; owner?: string; group?: string }): ShellCommand {
  if (opts.mode !== undefined && !/^[0-7]{3,4}$/.test(opts.mode)) throw new Error(`an upload's mode must be octal, got ${JSON.stringify(opts.mode)}`);
  const owner = ownerSpec(opts.owner, opts.group);
  // a non-root writer cannot take the old owner: it keeps its own, as cp would
  const chown = sh`if [ -e ${path} ]; then chown --reference=${path} ${t} 2>/dev/null || true; fi
${owner ? sh`chown -- ${owner} ${t}` : sh`:`}`;
  const chmod = opts.mode ? sh`chmod -- ${opts.mode} ${t}` : sh`if [ -e ${path} ]; then chmod --reference=${path} ${t}; else chmod 0644 ${t}; fi`;
  return sh`${chown}
${chmod}`;
}

export function atomicPutCommand(path: string, size: number, opts: PutOptions = {}) {
  const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) || '/' : '.';
  // SIGPIPE ignored: a lost connection must not kill the shell before its cleanup trap runs.
  // mktemp makes the file 0600 whatever the umask; it stays so while the bytes go in.
  return sh`set -e
trap '' PIPE
t=$(mktemp ${dir + '/.tsplay-put.XXXXXX'})
trap 'rm -f "$t"' EXIT INT TERM HUP
head -c ${String(size)} > "$t"
[ "$(wc -c < "$t")" -eq ${String(size)} ] || { echo "short write: connection lost" >&2; exit 70; }
${settleAttrsCommand(sh`"$t"`, path, opts)}
mv -f "$t" ${path}
trap - EXIT INT TERM HUP`;
}

/** Read a file; exit 3 means "absent" so the caller can tell it from other failures. */
export function readFileCommand(path: string) {
  return sh`if [ -e ${path} ]; then exec cat -- ${path}; else exit 3; fi`;
}
