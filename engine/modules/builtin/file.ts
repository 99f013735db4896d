// ansible.builtin.file: a path's kind (directory, file, link, hard link, absent, touched) and
// its mode/owner/group. The diff builds the exact commands; apply runs them in order.
import { sh, joinCommands, type ShellCommand } from '../../transport/quote.js';
import { fileStat, withoutTrailingSlash, type FileStat } from '../../facts/file-stat.js';
import { fileTree, type TreeEntry } from '../../facts/file-tree.js';
import type { Module, ModuleContext, Plan, TaskResult } from '../types.js';
import type { Prediction } from '../../facts/types.js';
import { attrChanges, attrCommand, attrSchema, describeAttrs, hasAttrChange, type AttrChange, type AttrParams } from '../lib/file-attrs.js';
import { parseMode, resolveMode, formatMode, ModeSyntaxError, type ModeSpec } from '../lib/file-mode.js';
import { mayExistUnseen, predictAttrs, predictFile, predictHardLink, predictLink, predictNewDirs, predictRemoved } from '../lib/predictions.js';

type FileState = 'file' | 'directory' | 'absent' | 'touch' | 'link' | 'hard';

export interface FileParams extends AttrParams {
  path: string;
  state?: FileState;
  src?: string;
  recurse?: boolean;
  force?: boolean;
  follow?: boolean;
  modification_time?: 'now' | 'preserve';
  access_time?: 'now' | 'preserve';
}

export interface FileCurrent {
  stat: FileStat;
  /** link/hard: the stat of src (resolved against the link's directory when relative) */
  src?: FileStat;
  /** directory with recurse: what is under it */
  tree?: TreeEntry[];
  /** state=directory, path missing: the directories to create, outermost first (its missing parents and itself) */
  missing?: string[];
  /** a parent of a missing directory that exists and is not a directory */
  blocked?: FileStat;
  /** check mode after a change whose effects were not all predicted: a missing path may exist by then */
  unseen?: boolean;
}

/** What apply runs, and what it makes true for later tasks in --check. */
interface FilePlanData {
  steps: Step[];
  predictions: Prediction[];
}

interface Step {
  cmd: ShellCommand;
  what: string;
}

function dirOf(path: string): string {
  const i = path.replace(/\/+$/, '').lastIndexOf('/');
  return i < 0 ? '.' : i === 0 ? '/' : path.slice(0, i);
}

/** Relative src is relative to the link's own directory, as `ln -s` reads it. */
export function linkSourcePath(path: string, src: string): string {
  return src.startsWith('/') ? src : `${dirOf(path)}/${src}`;
}

function wantedState(p: FileParams, st: FileStat): FileState {
  if (p.state) return p.state;
  if (p.recurse) return 'directory';
  if (!st.exists) return 'file';
  return st.type === 'directory' ? 'directory' : st.type === 'link' ? 'link' : 'file';
}

function symbolicText(spec: ModeSpec & { kind: 'symbolic' }): string {
  // who spelled out so chmod does not apply the umask
  return spec.clauses.map((c) => `${c.who === 'ugo' ? 'a' : c.who}${c.op}${c.perms}`).join(',');
}

/** Recursive attributes: how many entries under the directory differ, and the -R commands. */
function recursiveSteps(p: FileParams, tree: TreeEntry[]): Step[] {
  const spec = p.mode !== undefined ? parseMode(p.mode) : undefined;
  const idDiffers = (wanted: string, name: string, id: number) => (/^\d+$/.test(wanted) ? Number(wanted) !== id : wanted !== name);
  const differs = {
    mode: spec ? tree.filter((e) => resolveMode(spec, e.mode, e.isDir) !== (e.mode & 0o7777)).length : 0,
    owner: p.owner ? tree.filter((e) => idDiffers(p.owner!, e.owner, e.uid)).length : 0,
    group: p.group ? tree.filter((e) => idDiffers(p.group!, e.group, e.gid)).length : 0,
  };
  const steps: Step[] = [];
  if (differs.owner || differs.group) {
    const c: AttrChange = { owner: differs.owner ? p.owner : undefined, group: differs.group ? p.group : undefined, what: [] };
    steps.push({ cmd: attrCommand(p.path, c, { recurse: true, noFollow: true }), what: `ownership of ${differs.owner + differs.group} entries under ${p.path}` });
  }
  if (differs.mode && spec) {
    const text = spec.kind === 'octal' ? spec.value.toString(8).padStart(4, '0') : symbolicText(spec);
    steps.push({ cmd: sh`chmod -R -- ${text} ${p.path}`, what: `mode of ${differs.mode} entries under ${p.path}` });
  }
  return steps;
}

function change(p: FileParams, state: FileState, steps: Step[], noopReason: string, predictions: Prediction[] = []): Plan {
  if (!steps.length) return { kind: 'noop', reason: noopReason, result: { path: p.path, state } };
  const data: FilePlanData = { steps, predictions };
  return {
    kind: 'change',
    summary: `${p.path}: ${steps.map((s) => s.what).join(', ')}`,
    data,
    result: { path: p.path, state },
  };
}

/** the change of attributes an attrStep makes, for predictions */
function attrsOf(p: FileParams, st: FileStat, opts: { isDir?: boolean; noFollow?: boolean } = {}): AttrChange {
  return attrChanges(opts.noFollow ? { owner: p.owner, group: p.group } : p, st, { isDir: opts.isDir });
}

function attrStep(p: FileParams, st: FileStat, opts: { isDir?: boolean; noFollow?: boolean } = {}): Step | undefined {
  const params = opts.noFollow ? { owner: p.owner, group: p.group } : p; // a symlink has no mode of its own
  const c = attrChanges(params, st, { isDir: opts.isDir });
  if (!hasAttrChange(c)) return undefined;
  return { cmd: attrCommand(opts.noFollow ? withoutTrailingSlash(p.path) : p.path, c, { noFollow: opts.noFollow }), what: c.what.join(', ') };
}

function plan(p: FileParams, cur: FileCurrent): Plan {
  const st = cur.stat;
  const state = wantedState(p, st);
  const fail = (msg: string): Plan => ({ kind: 'fail', msg, result: { path: p.path, state } });
  const kind = st.type === 'directory' ? 'directory' : st.type === 'link' ? 'link' : st.type === 'file' ? 'file' : 'special file';
  switch (state) {
    case 'absent': {
      if (!st.exists) return change(p, state, [], `${p.path} is absent`);
      // "link/" would make rm follow the link and empty what it points at: remove the name itself
      return change(p, state, [{ cmd: sh`rm -rf -- ${withoutTrailingSlash(p.path)}`, what: `remove ${kind}` }], '', predictRemoved(withoutTrailingSlash(p.path)));
    }
    case 'directory': {
      if (st.exists && st.type !== 'directory') return fail(`${p.path} exists as a ${kind}, not a directory`);
      if (cur.blocked) return fail(`${cur.blocked.path} exists as a ${cur.blocked.type === 'file' ? 'file' : `${cur.blocked.type ?? 'special'} file`}, not a directory: cannot create ${p.path}`);
      if (!st.exists) {
        // as Ansible: every directory created, parents included, gets the mode/owner/group
        const dirs = cur.missing?.length ? cur.missing : [p.path];
        const attrs = attrsOf(p, st, { isDir: true });
        const what = dirs.length > 1 ? `create directory with ${dirs.length - 1} parent${dirs.length > 2 ? 's' : ''}` : 'create directory';
        if (!hasAttrChange(attrs)) return change(p, state, [{ cmd: sh`mkdir -p -- ${p.path}`, what }], '', predictNewDirs(dirs));
        // each new directory is 0700 until its chown/chmod: nobody else opens it in between (and
        // keeps a handle on it) under the umask's 0755
        const cmds = [...dirs.map((d) => sh`mkdir -p -m 0700 -- ${d}`), ...dirs.map((d) => attrCommand(d, attrs))];
        return change(p, state, [{ cmd: joinCommands(cmds), what: `${what}, ${attrs.what.join(', ')}` }], '', predictNewDirs(dirs, attrs));
      }
      const steps: Step[] = [];
      const a = attrStep(p, st, { isDir: true });
      if (a) steps.push(a);
      if (p.recurse && cur.tree) for (const s of recursiveSteps(p, cur.tree)) steps.push(s);
      return change(p, state, steps, `directory ${p.path} exists with ${describeAttrs(st)}${p.recurse ? ', and so does everything under it' : ''}`, predictAttrs(p.path, attrsOf(p, st, { isDir: true })));
    }
    case 'file': {
      if (!st.exists && cur.unseen) return { kind: 'change', summary: `${p.path} does not exist yet: only an earlier task that was not predicted can create it`, unknowable: true };
      if (!st.exists) return fail(`file (${p.path}) is absent, cannot continue`);
      if (st.type !== 'file') return fail(`file (${p.path}) is ${kind}, cannot continue`);
      const a = attrStep(p, st);
      return change(p, state, a ? [a] : [], `file ${p.path} exists with ${describeAttrs(st)}`, predictAttrs(p.path, attrsOf(p, st)));
    }
    case 'touch': {
      const mtime = p.modification_time ?? 'now';
      const atime = p.access_time ?? 'now';
      const steps: Step[] = [];
      if (!st.exists) steps.push({ cmd: sh`touch -- ${p.path}`, what: 'create file' });
      else if (mtime === 'now' || atime === 'now') {
        const flags = mtime === 'now' && atime === 'now' ? [] : mtime === 'now' ? ['-m'] : ['-a'];
        steps.push({ cmd: sh`touch -c ${flags} -- ${p.path}`, what: 'update timestamps' });
      }
      const base: FileStat = st.exists ? st : { path: p.path, exists: false };
      const a = attrStep(p, base, { isDir: st.type === 'directory' });
      if (a) steps.push(a);
      const attrs = attrsOf(p, base, { isDir: st.type === 'directory' });
      const predicted = st.exists ? predictAttrs(p.path, attrs) : predictFile(p.path, Buffer.alloc(0), undefined, attrs);
      return change(p, state, steps, `${p.path} exists with ${describeAttrs(st)} and its timestamps are preserved`, predicted);
    }
    case 'link':
    case 'hard': {
      if (p.src === undefined) return fail(`src is required for state=${state}`);
      const srcPath = state === 'link' ? linkSourcePath(p.path, p.src) : p.src;
      const src = cur.src!;
      const self = withoutTrailingSlash(p.path); // the link's own name, as its stat was read
      const steps: Step[] = [];
      if (state === 'link') {
        if (st.exists && st.type === 'link' && st.linkTarget === p.src) {
          const a = attrStep(p, st, { noFollow: true });
          return change(p, state, a ? [a] : [], `link ${p.path} -> ${p.src} exists, owner ${st.owner}, group ${st.group}`, predictAttrs(self, attrsOf(p, st, { noFollow: true })));
        }
        // check mode: src may come from an earlier change that was not predicted
        if (!src.exists && !p.force && !cur.unseen) return fail(`src file does not exist, use "force=yes" if you really want to create the link: ${srcPath}`);
        if (st.exists && st.type === 'directory') {
          if (!p.force) return fail(`refusing to convert from directory to symlink for ${p.path}`);
          steps.push({ cmd: sh`rmdir -- ${self}`, what: 'remove empty directory' });
        } else if (st.exists && st.type !== 'link' && !p.force) {
          return fail(`refusing to convert from ${kind} to symlink for ${p.path}`);
        }
        steps.push({ cmd: sh`ln -sfn -- ${p.src} ${self}`, what: st.exists ? `point link at ${p.src}` : `create link to ${p.src}` });
      } else {
        if (!src.exists && cur.unseen) return { kind: 'change', summary: `src ${srcPath} does not exist yet: only an earlier task that was not predicted can create it`, unknowable: true };
        if (!src.exists) return fail(`src does not exist: ${srcPath}`);
        if (src.type === 'directory') return fail(`src ${srcPath} is a directory: hard links to directories are not possible`);
        if (st.exists && st.inode === src.inode && st.dev === src.dev) {
          const a = attrStep(p, st);
          return change(p, state, a ? [a] : [], `${p.path} is a hard link to ${srcPath} with ${describeAttrs(st)}`, predictAttrs(p.path, attrsOf(p, st)));
        }
        if (st.exists && st.type === 'directory') return fail(`${p.path} is a directory: cannot replace it with a hard link`);
        if (st.exists && st.type === 'file' && (st.nlink ?? 1) < 2 && !p.force) return fail(`Cannot link, file exists at destination: ${p.path} (use force=yes)`);
        steps.push({ cmd: sh`ln -f -- ${srcPath} ${self}`, what: `hard link to ${srcPath}` });
      }
      // owner/group on a new link: compared with nothing, set after it exists
      const fresh: FileStat = state === 'hard' && src.exists ? { ...src, path: p.path } : { path: p.path, exists: false };
      const a = attrStep(p, fresh, { noFollow: state === 'link' });
      if (a) steps.push(a);
      const attrs = attrsOf(p, fresh, { noFollow: state === 'link' });
      return change(p, state, steps, '', state === 'link' ? predictLink(self, p.src, srcPath, attrs) : predictHardLink(self, srcPath, attrs));
    }
  }
}

/**
 * The directories `mkdir -p` would create for path, outermost first, from the stats of its
 * parents (asked together: one round trip), or the parent that is in the way.
 */
async function missingDirs(ctx: ModuleContext, path: string): Promise<Pick<FileCurrent, 'missing' | 'blocked'>> {
  const dirs: string[] = [];
  for (let d = withoutTrailingSlash(path); d && d !== '/' && d !== '.'; d = d.includes('/') ? d.slice(0, d.lastIndexOf('/')) || '/' : '') {
    // "a/.." and "a/." name a directory made (or there) already: never created, never chmod-ed
    if (!/(^|\/)\.\.?$/.test(d)) dirs.unshift(d);
  }
  const stats = await Promise.all(dirs.slice(0, -1).map((d) => ctx.facts.get(fileStat, { path: d, follow: true }, ctx.become)));
  let first = 0; // the outermost directory to create: below the deepest that exists
  for (const [i, st] of stats.entries()) {
    if (!st.exists) continue;
    if (st.type !== 'directory') return { blocked: st };
    first = i + 1;
  }
  return { missing: dirs.slice(first) };
}

export const file: Module<FileParams, FileCurrent> = {
  name: 'file',
  readAhead: true,
  predict: (_p, plan) => (plan.data as FilePlanData).predictions,
  predictsAll: true,
  schema: {
    type: 'object',
    description: 'Set attributes of files, directories and links, or create and remove them (state file, directory, link, hard, touch, absent).',
    additionalProperties: false,
    required: ['path'],
    properties: {
      path: { type: 'string', aliases: ['dest', 'name'], description: 'The path to manage.' },
      state: {
        enum: ['file', 'directory', 'absent', 'touch', 'link', 'hard'],
        description: 'file: must exist (attributes only); directory: created with parents; absent: removed (recursively); touch: created or timestamps updated; link/hard: a symbolic/hard link to src.',
      },
      src: { type: 'string', description: 'Link target for state=link (relative to the link\'s directory) or state=hard.' },
      recurse: { type: 'boolean', default: false, description: 'state=directory: set mode/owner/group on everything under the path too.' },
      force: { type: 'boolean', default: false, description: 'Links: replace a file or empty directory at path, or link to a src that does not exist.' },
      follow: { type: 'boolean', default: true, description: 'Act on what a symbolic link at path points to (states file, directory, touch).' },
      modification_time: { enum: ['now', 'preserve'], description: "state=touch: 'now' (default) or 'preserve' the modification time." },
      access_time: { enum: ['now', 'preserve'], description: "state=touch: 'now' (default) or 'preserve' the access time." },
      ...attrSchema,
    },
  },

  async read(ctx, p) {
    const follow = p.follow !== false && !['link', 'hard', 'absent'].includes(p.state ?? '');
    // not following: the stat is of the name itself, as the commands of plan() act on it
    const stat = await ctx.facts.get(fileStat, { path: follow ? p.path : withoutTrailingSlash(p.path), follow }, ctx.become);
    const cur: FileCurrent = { stat, unseen: mayExistUnseen(ctx) };
    if ((p.state === 'link' || p.state === 'hard') && p.src !== undefined) {
      const srcPath = p.state === 'link' ? linkSourcePath(p.path, p.src) : p.src;
      cur.src = await ctx.facts.get(fileStat, { path: srcPath, follow: true }, ctx.become);
    }
    const isDirTarget = p.state === 'directory' || (p.state === undefined && (p.recurse || stat.type === 'directory'));
    if (isDirTarget && !stat.exists) Object.assign(cur, await missingDirs(ctx, p.path));
    if (p.recurse && isDirTarget && stat.type === 'directory' && (p.mode !== undefined || p.owner || p.group)) {
      cur.tree = await ctx.facts.get(fileTree, { path: p.path }, ctx.become);
    }
    return cur;
  },

  diff(p, cur) {
    try {
      return plan(p, cur);
    } catch (e) {
      if (e instanceof ModeSyntaxError) return { kind: 'fail', msg: e.message };
      throw e;
    }
  },

  async apply(ctx, p, planned) {
    const base = (planned.result ?? {}) as Partial<TaskResult>;
    for (const step of (planned.data as FilePlanData).steps) {
      const r = await ctx.transport.exec(step.cmd, { become: ctx.become });
      if (r.exitCode !== 0) {
        return { ...base, changed: false, failed: true, msg: `${step.what} failed: ${r.stderr.trim() || `exit ${r.exitCode}`}`, rc: r.exitCode };
      }
    }
    return { ...base, changed: true };
  },
};

