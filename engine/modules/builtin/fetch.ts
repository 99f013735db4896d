// ansible.builtin.fetch: a file from the host to the controller. Without flat the controller
// path is dest/<inventory_hostname>/<src> (so several hosts never overwrite each other's file).
// The file is compared by sha256 first and only transferred when it differs; the transfer is
// checked against the host's checksum taken just before it. Whole-file transfer in memory:
// meant for configs, keys and snapshots, not for multi-gigabyte files.
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import type { Module, TaskResult } from '../types.js';
import { fileStat, type FileStat } from '../../facts/file-stat.js';
import { sh } from '../../transport/quote.js';
import { predictExists, predictMkdirP } from '../lib/predictions.js';

export interface FetchParams {
  src: string;
  dest: string;
  flat?: boolean;
  fail_on_missing?: boolean;
  validate_checksum?: boolean;
}

export interface FetchCurrent {
  /** the controller path the file goes to */
  local: string;
  remote: FileStat;
  localStat: FileStat;
}

interface FetchPlanData {
  local: string;
  remoteChecksum: string;
  /** a new file: written 0600 (fetched files are often secrets); an existing one keeps its mode */
  create: boolean;
  /** the mode of the existing file */
  mode?: string;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Ansible's layout: flat puts the file at dest (or dest/<basename> when dest ends in /). */
export function localPathOf(p: FetchParams, host: string): string {
  if (p.flat) return p.dest.endsWith('/') ? p.dest + posix.basename(p.src) : p.dest;
  return posix.join(p.dest, host, posix.normalize(`/${p.src}`));
}

export const fetchModule: Module<FetchParams, FetchCurrent> = {
  name: 'fetch',
  // the controller file (its content is not read in check mode) and its directories; the host is left alone
  predict: (_p, plan) => {
    const d = plan.data as FetchPlanData;
    return [...predictMkdirP(posix.dirname(d.local)), ...predictExists([d.local], d.create ? '0600' : (d.mode ?? '0644'))].map((x) => ({ ...x, controller: true }));
  },
  predictsAll: true,
  schema: {
    type: 'object',
    description: 'Copy a file from the host to the controller.',
    additionalProperties: false,
    required: ['src', 'dest'],
    properties: {
      src: { type: 'string', minLength: 1, description: 'File on the host (a file, not a directory).' },
      dest: { type: 'string', minLength: 1, description: 'Controller directory (or file, with flat).' },
      flat: { type: 'boolean', default: false, description: 'Put the file at dest itself instead of dest/<host>/<src>.' },
      fail_on_missing: { type: 'boolean', default: true, description: 'Fail when src does not exist; false: report ok and fetch nothing.' },
      validate_checksum: { type: 'boolean', default: true, description: 'Check the transferred bytes against the host\'s sha256.' },
    },
  },

  async read(ctx, p) {
    const host = typeof ctx.vars.inventory_hostname === 'string' ? ctx.vars.inventory_hostname : ctx.host;
    const local = localPathOf(p, host);
    const remote = await ctx.facts.get(fileStat, { path: p.src, follow: true, checksum: 'sha256' }, ctx.become);
    const args = { path: local, follow: true, checksum: 'sha256' as const };
    const localStat = fileStat.parse(await ctx.controller.exec(fileStat.command(args)), args);
    return { local, remote, localStat };
  },

  diff(p, cur) {
    const { remote, localStat, local } = cur;
    const result = { dest: local, file: p.src };
    if (!remote.exists) {
      if (p.fail_on_missing === false) return { kind: 'noop', reason: `${p.src} does not exist on the host (fail_on_missing: false)`, result };
      return { kind: 'fail', msg: `the remote file does not exist: ${p.src}` };
    }
    if (remote.type !== 'file') return { kind: 'fail', msg: `remote ${p.src} is a ${remote.type}, not a file` };
    if (remote.checksum === undefined) return { kind: 'fail', msg: `cannot read ${p.src} on the host (permission denied? try become)` };
    if (localStat.exists && localStat.type !== 'file') return { kind: 'fail', msg: `${local} on the controller is a ${localStat.type}, not a file` };
    const res = { ...result, remote_checksum: remote.checksum };
    if (localStat.checksum === remote.checksum) {
      return { kind: 'noop', reason: `${local} already has the content of ${p.src} (sha256 ${remote.checksum.slice(0, 12)})`, result: res };
    }
    const what = localStat.exists ? 'replace' : 'create';
    return {
      kind: 'change',
      summary: `${what} ${local} on the controller from ${p.src} (${remote.size ?? '?'} bytes)`,
      fileDiffs: [{ path: local, summary: `fetched from ${p.src} (${remote.size ?? '?'} bytes, sha256 ${remote.checksum.slice(0, 12)})` }],
      data: { local, remoteChecksum: remote.checksum, create: !localStat.exists, mode: localStat.mode } satisfies FetchPlanData,
      result: res,
    };
  },

  async apply(ctx, p, plan) {
    const data = plan.data as FetchPlanData;
    const bytes = await ctx.transport.get(p.src, { become: ctx.become });
    if (bytes === null) return { changed: false, failed: true, msg: `${p.src} disappeared from the host before it could be fetched` };
    const got = sha256(bytes);
    if (p.validate_checksum !== false && got !== data.remoteChecksum) {
      // the file changed between the checksum and the transfer (e.g. still being written)
      return { changed: false, failed: true, msg: `checksum mismatch fetching ${p.src}: the host said ${data.remoteChecksum}, got ${got}` };
    }
    const mk = await ctx.controller.exec(sh`mkdir -p ${posix.dirname(data.local)}`);
    if (mk.exitCode !== 0) return { changed: false, failed: true, msg: `cannot create ${posix.dirname(data.local)} on the controller: ${mk.stderr.trim()}` };
    await ctx.controller.put(bytes, data.local, data.create ? { mode: '0600' } : {});
    const result: TaskResult = { changed: true, msg: plan.summary, ...plan.result, checksum: got, size: bytes.length };
    return result;
  },
};

export default fetchModule;
