// The shared tail of every module that writes a whole file (copy, template, lineinfile,
// blockinfile): plan = new content and/or attributes; apply = backup, atomic put, chown/chmod.
import { sh, type ShellCommand } from '../../transport/quote.js';
import type { FileStat } from '../../facts/file-stat.js';
import type { ModuleContext, Plan, TaskResult } from '../types.js';
import { attrChanges, attrCommand, describeAttrs, hasAttrChange, type AttrChange, type AttrParams } from './file-attrs.js';
import { ModeSyntaxError } from './file-mode.js';
import { contentDiff } from './file-diff.js';
import { PutError } from '../../transport/put-error.js';

export interface WriteData {
  path: string;
  /** the file's new bytes; undefined when only attributes change */
  content?: Buffer;
  attrs: AttrChange;
  /** keep a copy of the old file before its content is replaced */
  backup: boolean;
  /** the path is a symbolic link: write what it points at (Ansible follows links) */
  viaLink: boolean;
  exists: boolean;
  /** create this directory (and parents) first */
  mkdir?: string;
}

export interface WriteInput {
  path: string;
  /** stat of path, links followed */
  stat: FileStat;
  /** current bytes for the diff: null = absent, undefined = not read */
  before: Buffer | null | undefined;
  /** wanted bytes, or undefined when the content is already right */
  after?: Buffer;
  attrs: AttrParams;
  backup?: boolean;
  mkdir?: string;
  /** why the content needs no change, e.g. "line already present in /etc/x" */
  sameReason: string;
  /** what changes in the content, e.g. "line added" */
  changeMsg?: string;
  /** extra fields for the result (dest, checksum, ...) */
  result?: Partial<TaskResult>;
}

export function planWrite(w: WriteInput): Plan {
  let attrs: AttrChange;
  try {
    attrs = attrChanges(w.attrs, w.after && !w.stat.exists ? { path: w.path, exists: false } : w.stat, { isDir: false });
  } catch (e) {
    if (e instanceof ModeSyntaxError) return { kind: 'fail', msg: e.message };
    throw e;
  }
  if (!w.after && !hasAttrChange(attrs)) {
    return { kind: 'noop', reason: `${w.sameReason}; ${w.path} has ${describeAttrs(w.stat)}`, result: w.result };
  }
  const what: string[] = [];
  if (w.after) what.push(w.changeMsg ?? (w.stat.exists ? 'content changed' : 'file created'));
  what.push(...attrs.what);
  const data: WriteData = {
    path: w.path,
    content: w.after,
    attrs,
    backup: !!w.backup && w.stat.exists,
    viaLink: w.stat.linkTarget !== undefined,
    exists: w.stat.exists,
    mkdir: w.mkdir,
  };
  const msg = what.join(', ');
  return {
    kind: 'change',
    summary: `${w.path}: ${msg}`,
    fileDiffs: w.after ? [contentDiff(w.path, w.before, w.after, w.stat.size)] : undefined,
    data,
    result: { ...w.result, msg: w.changeMsg ?? msg },
  };
}

function failed(msg: string, extra: Partial<TaskResult> = {}): TaskResult {
  return { ...extra, changed: false, failed: true, msg };
}

/**
 * Copy `path` to a new backup beside it and print the backup's name. Named as Ansible's
 * backup_local names them, PATH.PID.YYYY-MM-DD@HH:MM:SS~ (the host's pid and local time), and
 * never over an existing file: the copy is made under a private temp name (mktemp's 0600 until
 * cp -p gives it the original's owner and mode), then hard-linked to the first free name, which
 * fails rather than replaces when a backup of that name exists (two edits in one second).
 */
export function backupCommand(path: string): ShellCommand {
  const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) || '/' : '.';
  return sh`set -e
s=$(date +%Y-%m-%d@%H:%M:%S)
t=$(mktemp ${dir + '/.tsplay-backup.XXXXXX'})
trap 'rm -f "$t"' EXIT INT TERM HUP
cp -p -- ${path} "$t"
b=${path}.$$.$s~
n=0
until ln -T -- "$t" "$b" 2>/dev/null; do
  if [ ! -e "$b" ] && [ ! -L "$b" ]; then ln -T -- "$t" "$b"; exit 1; fi
  n=$((n + 1))
  [ "$n" -le 1000 ] || { echo "no free backup name for "${path} >&2; exit 1; }
  b=${path}.$$.$s.$n~
done
printf '%s\n' "$b"`;
}

export async function applyWrite(ctx: ModuleContext, data: WriteData, result: Partial<TaskResult> = {}): Promise<TaskResult> {
  const become = ctx.become;
  const run = async (cmd: ReturnType<typeof sh>, what: string) => {
    const r = await ctx.transport.exec(cmd, { become });
    return r.exitCode === 0 ? undefined : `${what}: ${r.stderr.trim() || `exit ${r.exitCode}`}`;
  };
  let path = data.path;
  if (data.viaLink) {
    const r = await ctx.transport.exec(sh`readlink -f -- ${data.path}`, { become });
    if (r.exitCode !== 0 || !r.stdout.trim()) return failed(`cannot resolve link ${data.path}: ${r.stderr.trim()}`, result);
    path = r.stdout.replace(/\n$/, '');
  }
  if (data.mkdir) {
    const err = await run(sh`mkdir -p -- ${data.mkdir}`, `cannot create directory ${data.mkdir}`);
    if (err) return failed(err, result);
  }
  const out: TaskResult = { ...result, changed: true };
  if (data.content) {
    if (data.backup && data.exists) {
      const r = await ctx.transport.exec(backupCommand(path), { become });
      if (r.exitCode !== 0) return failed(`cannot back up ${path}: ${r.stderr.trim() || `exit ${r.exitCode}`}`, result);
      out.backup_file = r.stdout.replace(/\n$/, '');
    }
    try {
      await ctx.transport.put(data.content, path, { mode: data.attrs.mode, owner: data.attrs.owner, group: data.attrs.group, become });
    } catch (e) {
      if (e instanceof PutError) return failed(e.message, result);
      throw e;
    }
  } else if (hasAttrChange(data.attrs)) {
    const err = await run(attrCommand(path, data.attrs), `cannot set attributes of ${path}`);
    if (err) return failed(err, result);
  }
  return out;
}
