// Where copy/template put their bytes and what is there now: dest may be a directory (copy
// into it) or end with '/' (create it). The checksum is compared on the host first; the old
// content is only fetched, for --diff, when it differs and is small enough to show.
import { createHash } from 'node:crypto';
import { fileStat, type FileStat } from '../../facts/file-stat.js';
import { fileContent } from '../../facts/file-content.js';
import type { ModuleContext, Plan, TaskResult } from '../types.js';
import { MAX_DIFF_BYTES } from './file-diff.js';
import { planWrite } from './write-file.js';
import type { AttrParams } from './file-attrs.js';
import { mayExistUnseen } from './predictions.js';

export interface ContentCurrent {
  /** the file that will be written */
  path: string;
  desired: Buffer;
  stat: FileStat;
  before: Buffer | null | undefined;
  /** directory to create first (dest ended with '/') */
  mkdir?: string;
  /** a reason the copy cannot happen; diff fails with it */
  error?: string;
  /** the directory dest goes into does not exist (yet) */
  missingDir?: string;
  /** check mode after a change whose effects were not all predicted: the directory may exist by then */
  unseen?: boolean;
}

export interface ContentParams extends AttrParams {
  dest: string;
  backup?: boolean;
  force?: boolean;
}

export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
export const sha1 = (b: Buffer) => createHash('sha1').update(b).digest('hex');

function parentOf(path: string): string {
  const i = path.replace(/\/+$/, '').lastIndexOf('/');
  return i < 0 ? '.' : i === 0 ? '/' : path.slice(0, i);
}

/** srcBase: the file name used when dest is a directory (undefined for `content:`). */
export async function readContentTarget(ctx: ModuleContext, dest: string, desired: Buffer, srcBase?: string): Promise<ContentCurrent> {
  const statOf = (path: string) => ctx.facts.get(fileStat, { path, follow: true, checksum: 'sha256' }, ctx.become);
  let path = dest;
  let st = await statOf(dest);
  let mkdir: string | undefined;
  const intoDir = dest.endsWith('/') || st.type === 'directory';
  if (intoDir) {
    if (srcBase === undefined) return { path, desired, stat: st, before: undefined, error: `can not use content with a dir as dest (${dest})` };
    if (!st.exists) mkdir = dest;
    path = `${dest.replace(/\/+$/, '')}/${srcBase}`;
    st = mkdir ? { path, exists: false } : await statOf(path);
  }
  if (!st.exists && !mkdir) {
    const parent = await statOf(parentOf(path));
    if (!parent.exists) return { path, desired, stat: st, before: null, missingDir: parentOf(path), unseen: mayExistUnseen(ctx) };
    if (parent.type !== 'directory') return { path, desired, stat: st, before: undefined, error: `Destination ${parentOf(path)} is not a directory` };
  }
  if (st.exists && st.type !== 'file') {
    return { path, desired, stat: st, before: undefined, error: `Destination ${path} exists and is a ${st.type}, not a regular file` };
  }
  let before: Buffer | null | undefined = st.exists ? undefined : null;
  if (st.exists && st.checksum !== sha256(desired) && (st.size ?? 0) <= MAX_DIFF_BYTES && desired.length <= MAX_DIFF_BYTES) {
    before = await ctx.facts.get(fileContent, { path }, ctx.become);
  }
  return { path, desired, stat: st, before, mkdir };
}

/** Pure: the plan for writing `cur.desired` to `cur.path`. */
export function planContent(params: ContentParams, cur: ContentCurrent, extra: Partial<TaskResult> = {}): Plan {
  if (cur.error) return { kind: 'fail', msg: cur.error };
  if (cur.missingDir && !cur.unseen) return { kind: 'fail', msg: `Destination directory ${cur.missingDir} does not exist` };
  const digest = sha256(cur.desired);
  const result = { ...extra, dest: cur.path, checksum: sha1(cur.desired), sha256: digest, size: cur.desired.length };
  if (cur.stat.exists && params.force === false) {
    return { kind: 'noop', reason: `${cur.path} exists and force is false`, result };
  }
  if (cur.stat.exists && cur.stat.checksum === undefined) {
    return { kind: 'fail', msg: `cannot read ${cur.path} to compare its content (permission denied? try become)` };
  }
  const same = cur.stat.exists && cur.stat.checksum === digest;
  return planWrite({
    path: cur.path,
    stat: cur.stat,
    before: cur.before,
    after: same ? undefined : cur.desired,
    attrs: params,
    backup: params.backup,
    mkdir: cur.mkdir,
    sameReason: `${cur.path} has the wanted content (sha256 ${digest.slice(0, 12)})`,
    // check mode: an earlier change that was not predicted may create the directory (else a real run fails)
    changeMsg: cur.missingDir ? `file created (directory ${cur.missingDir} does not exist yet: an earlier task must create it)` : undefined,
    result,
  });
}
