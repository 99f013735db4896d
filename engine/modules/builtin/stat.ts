// ansible.builtin.stat: facts about a path, for register + when. Never changes anything.
import type { Module } from '../types.js';
import { fileStat, CHECKSUM_ALGORITHMS, type ChecksumAlgorithm, type FileStat } from '../../facts/file-stat.js';

export interface StatParams {
  path: string;
  follow?: boolean;
  get_checksum?: boolean;
  checksum_algorithm?: ChecksumAlgorithm;
}

/** Ansible's `stat` dictionary. */
export function statResult(st: FileStat): Record<string, unknown> {
  if (!st.exists) return { exists: false };
  const out: Record<string, unknown> = {
    exists: true,
    path: st.path,
    isdir: st.type === 'directory',
    isreg: st.type === 'file',
    islnk: st.type === 'link',
    mode: st.mode,
    uid: st.uid,
    gid: st.gid,
    pw_name: st.owner,
    gr_name: st.group,
    size: st.size,
    mtime: st.mtime,
    inode: st.inode,
    dev: st.dev,
    nlink: st.nlink,
  };
  if (st.linkTarget !== undefined) out.lnk_source = out.lnk_target = st.linkTarget;
  if (st.checksum !== undefined) out.checksum = st.checksum;
  return out;
}

export const stat: Module<StatParams, FileStat> = {
  name: 'stat',
  readAhead: true,
  schema: {
    type: 'object',
    description: 'Return facts about a path (exists, type, mode, owner, checksum).',
    additionalProperties: false,
    required: ['path'],
    properties: {
      path: { type: 'string', aliases: ['dest', 'name'], description: 'The path to look at.' },
      follow: { type: 'boolean', default: false, description: 'Follow a symbolic link and describe what it points at.' },
      get_checksum: { type: 'boolean', default: true, description: 'Add the checksum of a regular file.' },
      checksum_algorithm: { enum: [...CHECKSUM_ALGORITHMS], default: 'sha1', aliases: ['checksum', 'checksum_algo'], description: 'Digest for checksum (sha1 as Ansible by default).' },
    },
  },

  read(ctx, p) {
    const checksum = p.get_checksum === false ? undefined : (p.checksum_algorithm ?? 'sha1');
    return ctx.facts.get(fileStat, { path: p.path, follow: !!p.follow, checksum }, ctx.become);
  },

  diff(p, st) {
    const what = st.exists ? `${st.type} with ${`mode ${st.mode}, owner ${st.owner}, group ${st.group}`}` : 'absent';
    return { kind: 'noop', reason: `stat only reads: ${p.path} is ${what}`, result: { stat: statResult(st) } };
  },

  async apply() {
    throw new Error('stat never changes anything');
  },
};
