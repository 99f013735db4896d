// unarchive: unpack a .tar(.gz|.xz|.bz2|.zst)/.tgz/.txz/.zip into an existing directory on the host.
// src is a controller file (uploaded) or, with remote_src, a file on the host. Idempotent via
// `creates`, or because every entry the archive lists already exists under dest.
import type { Module, Plan, TaskResult } from '../types.js';
import { sh, type ShellCommand } from '../../transport/quote.js';
import { octalMode, modeSchema } from '../lib/file-mode.js';

export interface UnarchiveParams {
  src: string;
  dest: string;
  remote_src?: boolean;
  creates?: string;
  extra_opts?: string[];
  mode?: string;
}

interface UnarchiveRead {
  createsExists?: boolean;
  destIsDir?: boolean;
  total?: number;
  missing?: string[];
  error?: string;
  /** controller path of the archive (src without remote_src) */
  localPath?: string;
}

const ARCHIVE = /\.(tar|tar\.gz|tgz|tar\.xz|txz|tar\.bz2|tbz2|tar\.zst|zip)$/i;
export const isZip = (src: string) => /\.zip$/i.test(src);

/**
 * GNU tar reads a name with a colon before any slash as host:file (a remote archive through
 * rsh), and unquotes backslash escapes in -C's directory (`a\057..\057b` would be `a/../b`):
 * every path is taken literally instead.
 */
const TAR_LITERAL = ['--force-local', '--no-unquote'];

export function listCommand(archive: string): ShellCommand {
  return isZip(archive)
    ? sh`command -v unzip >/dev/null || { echo "unzip is not installed" >&2; exit 4; }; unzip -Z1 ${archive}`
    : sh`tar ${TAR_LITERAL} -t -f ${archive}`;
}

/** Reads entry names on stdin; prints "missing NAME" for each absent under dest, then "total N". */
export function missingEntriesCommand(dest: string): ShellCommand {
  return sh`[ -d ${dest} ] || { echo notdir; exit 0; }
n=0
while IFS= read -r f; do
  [ -n "$f" ] || continue
  n=$((n + 1))
  if [ ! -e ${dest}/"$f" ] && [ ! -L ${dest}/"$f" ]; then echo "missing $f"; fi
done
echo "total $n"`;
}

export function parseMissing(stdout: string): Pick<UnarchiveRead, 'destIsDir' | 'total' | 'missing'> {
  if (stdout.trim() === 'notdir') return { destIsDir: false };
  const lines = stdout.split('\n');
  const missing = lines.filter((l) => l.startsWith('missing ')).map((l) => l.slice(8));
  const total = Number(/^total (\d+)$/m.exec(stdout)?.[1] ?? '0');
  return { destIsDir: true, total, missing };
}

export function extractCommand(archive: string, dest: string, p: UnarchiveParams): ShellCommand {
  const extra = p.extra_opts ?? [];
  const mode = octalMode(p.mode);
  const x = isZip(p.src)
    ? sh`command -v unzip >/dev/null || { echo "unzip is not installed" >&2; exit 4; }; unzip -o -q ${extra} ${archive} -d ${dest}`
    : sh`tar ${TAR_LITERAL} -x ${extra} -f ${archive} -C ${dest}`;
  return mode ? sh`${x} && chmod -- ${mode} ${dest}` : x;
}

export const unarchiveModule: Module<UnarchiveParams, UnarchiveRead> = {
  name: 'unarchive',
  schema: {
    type: 'object',
    description: 'Unpack an archive from the controller (or the host) into a directory on the host.',
    additionalProperties: false,
    required: ['src', 'dest'],
    properties: {
      src: { type: 'string', pattern: ARCHIVE.source, description: 'The archive (.tar, .tar.gz/.tgz, .tar.bz2, .tar.xz, .zip): on the controller, or on the host with remote_src.' },
      dest: { type: 'string', pattern: '^/', description: 'Existing absolute directory to unpack into.' },
      remote_src: { type: 'boolean', default: false, description: 'src is already on the host.' },
      creates: { type: 'string', pattern: '^/', description: 'Do not unpack when this path exists.' },
      extra_opts: { type: 'array', items: { type: 'string' }, default: [], description: 'Extra options for tar/unzip, one per item.' },
      mode: modeSchema('octal'),
    },
  },

  async read(ctx, p) {
    const opts = { become: ctx.become };
    if (p.creates) {
      const c = await ctx.transport.exec(sh`[ -e ${p.creates} ] && echo yes; exit 0`, opts);
      if (c.stdout.trim() === 'yes') return { createsExists: true };
    }
    if (p.remote_src) {
      // Listed to a temp file first so that a failed listing is not mistaken for an empty one.
      const r = await ctx.transport.exec(
        sh`l=$(mktemp) || exit 70
trap 'rm -f "$l"' EXIT
if { ${listCommand(p.src)}; } > "$l"; then { ${missingEntriesCommand(p.dest)}; } < "$l"; fi`,
        opts,
      );
      if (!/^(total \d+|notdir)$/m.test(r.stdout)) return { error: `cannot list ${p.src} on the host: ${r.stderr.trim() || `exit ${r.exitCode}`}` };
      return parseMissing(r.stdout);
    }
    const localPath = await ctx.findFile('files', p.src);
    const list = await ctx.controller.exec(listCommand(localPath));
    if (list.exitCode !== 0) return { error: `cannot list ${localPath}: ${list.stderr.trim()}`, localPath };
    const r = await ctx.transport.exec(missingEntriesCommand(p.dest), { ...opts, stdin: list.stdout });
    return { ...parseMissing(r.stdout), localPath };
  },

  diff(p, cur): Plan {
    if (cur.createsExists) return { kind: 'noop', reason: `${p.creates} exists (creates)` };
    if (cur.error) return { kind: 'fail', msg: cur.error };
    if (!cur.destIsDir) return { kind: 'fail', msg: `dest ${p.dest} must be an existing directory` };
    const missing = cur.missing ?? [];
    if (!missing.length) return { kind: 'noop', reason: `all ${cur.total} entries of ${p.src} exist in ${p.dest}` };
    const sample = missing.slice(0, 5).join(', ') + (missing.length > 5 ? ', ...' : '');
    return {
      kind: 'change',
      summary: `extract ${p.src} into ${p.dest} (${missing.length} of ${cur.total} entries missing: ${sample})`,
      data: { localPath: cur.localPath },
    };
  },

  async apply(ctx, p, plan): Promise<TaskResult> {
    const opts = { become: ctx.become };
    const { localPath } = plan.data as { localPath?: string };
    let archive = p.src;
    let tmpDir: string | undefined;
    if (!p.remote_src) {
      const bytes = await ctx.controller.get(localPath!);
      if (!bytes) return { changed: false, failed: true, msg: `${localPath} vanished from the controller` };
      const t = await ctx.transport.exec(sh`mktemp -d`, opts);
      if (t.exitCode !== 0) return { changed: false, failed: true, msg: `mktemp on the host failed: ${t.stderr.trim()}` };
      tmpDir = t.stdout.trim();
      archive = `${tmpDir}/${localPath!.slice(localPath!.lastIndexOf('/') + 1)}`;
      await ctx.transport.put(bytes, archive, { become: ctx.become, mode: '0600' });
    }
    const x = extractCommand(archive, p.dest, p);
    const r = await ctx.transport.exec(tmpDir ? sh`${x}; rc=$?; rm -rf -- ${tmpDir}; exit $rc` : x, opts);
    if (r.exitCode !== 0) return { changed: true, failed: true, rc: r.exitCode, stderr: r.stderr, msg: `extracting ${p.src} failed: ${r.stderr.trim()}` };
    return { changed: true, msg: plan.summary, dest: p.dest, src: p.src };
  },
};
