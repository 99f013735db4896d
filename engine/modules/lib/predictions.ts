// Check-mode predictions: what a planned change makes true about paths (a directory and its
// parents, a file's content, a mode/owner/group, a removal, a link), so that later reads of the
// same paths in one --check run see it. Also how the runner records them.
import { createHash } from 'node:crypto';
import { fileStat, type FileStat, type FileStatArgs } from '../../facts/file-stat.js';
import { fileContent } from '../../facts/file-content.js';
import type { FactCache } from '../../facts/cache.js';
import type { Fact, Prediction } from '../../facts/types.js';
import type { AttrChange } from './file-attrs.js';
import { unitState, type UnitState } from '../../facts/systemctl-show.js';
import type { Module, ModuleContext, Plan } from '../types.js';

const asFact = (f: unknown) => f as Fact<unknown, never>;
const norm = (p: string) => p.replace(/\/+$/, '') || '/';

/** mode/owner/group as a stat shows them after chown/chmod (a numeric id sets the id, a name the name) */
function withAttrs(st: FileStat, a: Partial<AttrChange> | undefined): FileStat {
  if (!a) return st;
  const out = { ...st };
  if (a.mode !== undefined) out.mode = a.mode;
  if (a.owner !== undefined) {
    if (/^\d+$/.test(a.owner)) Object.assign(out, { uid: Number(a.owner), owner: undefined });
    else Object.assign(out, { owner: a.owner, uid: undefined });
  }
  if (a.group !== undefined) {
    if (/^\d+$/.test(a.group)) Object.assign(out, { gid: Number(a.group), group: undefined });
    else Object.assign(out, { group: a.group, gid: undefined });
  }
  return out;
}

/** Directories that will exist, each as created: the first with `mode`, its parents 0755. */
export function predictDirectory(path: string, mode?: string): Prediction[] {
  const out: Prediction[] = [];
  let p = norm(path);
  let first = true;
  while (p && p !== '/' && p !== '.') {
    out.push(...predictNewDirs([p], first && mode ? { mode } : undefined));
    first = false;
    p = p.slice(0, p.lastIndexOf('/')) || '/';
  }
  return out;
}

/** `mkdir -p path`: each directory of it exists afterwards; those that were there are as they were. */
export function predictMkdirP(path: string): Prediction[] {
  const out: Prediction[] = [];
  for (let p = norm(path); p && p !== '/' && p !== '.'; p = p.includes('/') ? p.slice(0, p.lastIndexOf('/')) || '/' : '') {
    const dir = p;
    out.push({ fact: asFact(fileStat), key: dir, patch: (before) => ((before as FileStat).exists ? before : { path: dir, exists: true, type: 'directory', mode: '0755' }) });
  }
  return out;
}

/** New directories, each with these attributes (mode 0755 when none is given). */
export function predictNewDirs(dirs: string[], attrs?: Partial<AttrChange>): Prediction[] {
  return dirs.map((dir) => {
    const stat = withAttrs({ path: norm(dir), exists: true, type: 'directory', mode: '0755' }, attrs);
    return { fact: asFact(fileStat), key: norm(dir), value: () => ({ ...stat }) };
  });
}

/** A new file with known content. */
export function predictFile(path: string, content: Buffer, mode?: string, attrs?: Partial<AttrChange>): Prediction[] {
  const digest = (algo: string) => createHash(algo).update(content).digest('hex');
  return [
    {
      fact: asFact(fileStat),
      key: norm(path),
      value: (args) => {
        const a = args as FileStatArgs;
        const st: FileStat = { path: a.path, exists: true, type: 'file', mode: mode ?? '0644', size: content.length, ...(a.checksum ? { checksum: digest(a.checksum) } : {}) };
        return withAttrs(st, attrs);
      },
    },
    { fact: asFact(fileContent), key: norm(path), value: () => content },
  ];
}

/** A path's mode/owner/group once chown/chmod ran (on what a link points at, as they do). */
export function predictAttrs(path: string, attrs: AttrChange): Prediction[] {
  if (attrs.mode === undefined && attrs.owner === undefined && attrs.group === undefined) return [];
  return [
    {
      fact: asFact(fileStat),
      key: norm(path),
      patch: (before, args) => {
        const st = before as FileStat;
        if (!st.exists || (st.type === 'link' && !(args as FileStatArgs).follow)) return st;
        return withAttrs(st, attrs);
      },
    },
  ];
}

/** An existing file's new content (its mode and owner stay, unless attrs change them). */
function predictNewContent(path: string, content: Buffer, attrs: AttrChange): Prediction[] {
  return [
    {
      fact: asFact(fileStat),
      key: norm(path),
      patch: (before, args) => {
        const st = before as FileStat;
        const a = args as FileStatArgs;
        if (!st.exists || (st.type === 'link' && !a.follow)) return st;
        const checksum = a.checksum ? { checksum: createHash(a.checksum).update(content).digest('hex') } : {};
        return withAttrs({ ...st, size: content.length, ...checksum }, attrs);
      },
    },
    { fact: asFact(fileContent), key: norm(path), value: () => content },
  ];
}

/** For modules whose change plan carries WriteData (copy, template, lineinfile, blockinfile). */
export function predictWrite(plan: { data?: unknown }): Prediction[] {
  const d = plan.data as { path?: string; content?: Buffer; mkdir?: string; exists?: boolean; attrs?: AttrChange } | undefined;
  if (!d?.path) return [];
  const attrs = d.attrs ?? { what: [] };
  const dirs = d.mkdir ? predictMkdirP(d.mkdir) : [];
  if (d.content && !d.exists) return [...dirs, ...predictFile(d.path, d.content, undefined, attrs)];
  if (d.content) return [...dirs, ...predictNewContent(d.path, d.content, attrs)];
  return [...dirs, ...predictAttrs(d.path, attrs)];
}

/** A path removed with everything under it. */
export function predictRemoved(path: string): Prediction[] {
  return [
    { fact: asFact(fileStat), key: norm(path), subtree: true, value: (args) => ({ path: (args as FileStatArgs).path, exists: false }) },
    { fact: asFact(fileContent), key: norm(path), subtree: true, value: () => null },
  ];
}

/**
 * A symbolic link at `path` to `src` (as written; `target` is src resolved against the link's
 * directory): reads of the link itself see a link, reads through it (and of paths under it) see
 * what the target has, as far as the run knows it.
 */
export function predictLink(path: string, src: string, target: string, attrs?: Partial<AttrChange>): Prediction[] {
  const self = norm(path);
  const through = (p: string) => (p === self ? target : `${norm(target)}${p.slice(self.length)}`);
  return [
    {
      fact: asFact(fileStat),
      key: self,
      subtree: true,
      value: async (args, read) => {
        const a = args as FileStatArgs;
        const p = norm(a.path);
        if (p === self && !a.follow) {
          return withAttrs({ path: a.path, exists: true, type: 'link', mode: '0777', size: Buffer.byteLength(src), linkTarget: src }, { owner: attrs?.owner, group: attrs?.group });
        }
        const st = await read(fileStat, { ...a, path: through(p) });
        return st.exists ? { ...st, path: a.path } : { path: a.path, exists: false };
      },
    },
    { fact: asFact(fileContent), key: self, subtree: true, value: (args, read) => read(fileContent, { path: through(norm((args as { path: string }).path)) }) },
  ];
}

/** A hard link at `path` to the file `src`: the same file under a second name. */
export function predictHardLink(path: string, src: string, attrs?: Partial<AttrChange>): Prediction[] {
  return [
    {
      fact: asFact(fileStat),
      key: norm(path),
      value: async (args, read) => {
        const a = args as FileStatArgs;
        const st = await read(fileStat, { ...a, path: src, follow: true });
        return st.exists ? withAttrs({ ...st, path: a.path, nlink: (st.nlink ?? 1) + 1 }, attrs) : { path: a.path, exists: false };
      },
    },
    { fact: asFact(fileContent), key: norm(path), value: (_args, read) => read(fileContent, { path: src }) },
  ];
}

/**
 * A file an earlier task will make whose content cannot be known yet (a new key, a certificate).
 * Its content reads as not predicted, even when an earlier task predicted some (pki_adopt).
 */
export function predictExists(paths: Array<string | undefined>, mode = '0644'): Prediction[] {
  return paths
    .filter((p): p is string => !!p)
    .flatMap((path) => [
      { fact: asFact(fileStat), key: norm(path), value: (args: unknown) => ({ path: (args as FileStatArgs).path, exists: true, type: 'file', mode }) satisfies FileStat },
      { fact: asFact(fileContent), key: norm(path), value: () => undefined },
    ]);
}

/** A file an earlier task rewrites with content not known yet (its stat stays as read). */
export function predictUnknownContent(path: string): Prediction[] {
  return [{ fact: asFact(fileContent), key: norm(path), value: () => undefined }];
}

/**
 * Check mode, a path is missing: true when an earlier change on this host did more than its
 * predictions say (a command, a package), so the path may exist by the task's turn in a real
 * run. Otherwise nothing before the task makes it, and what fails on the missing path fails.
 */
export function mayExistUnseen(ctx: Pick<ModuleContext, 'check' | 'facts'>): boolean {
  return ctx.check && ctx.facts.unpredicted;
}

/**
 * Check mode: record what a change plan makes true, on the host the task acts on (`target`) and,
 * for predictions about controller paths, the controller. A module whose predictions do not say
 * everything its change does (or that predicts nothing for this plan) leaves the target unsure.
 */
export function recordPredictions(mod: Module, args: Record<string, unknown>, plan: Extract<Plan, { kind: 'change' }>, target: FactCache, controller: FactCache): void {
  if (plan.unknowable) {
    target.unpredictedChange();
    return;
  }
  const predictions = mod.predict?.(args, plan) ?? [];
  for (const p of predictions) (p.controller ? controller : target).predict(p);
  for (const p of unitReloads(predictions)) target.predict(p);
  if (!mod.predictsAll || !predictions.length) target.unpredictedChange();
}

// Where systemd reads unit files from, and a unit's drop-in directory (NAME.d/x.conf).
const UNIT_FILE = /^\/(?:etc|run|lib|usr\/lib)\/systemd\/system\/([^/]+?)(?:\.d\/[^/]+\.conf)?$/;

/**
 * Check mode: a unit file (or drop-in) written, linked or removed on the host means systemd
 * loaded a unit whose file changed under it: in the real run `systemctl show` then says
 * NeedDaemonReload=yes, so a later `daemon_reload: true` reloads. Predicted as that patch, or
 * the later service task would be predicted "ok" and then change in the real run.
 */
export function unitReloads(predictions: readonly Prediction[]): Prediction[] {
  const units = new Set<string>();
  for (const p of predictions) {
    // a new, removed or relinked file, or new content; a chmod/chown alone leaves systemd current
    if (p.controller || !(p.fact.name === fileContent.name || (p.fact.name === fileStat.name && p.value))) continue;
    const m = UNIT_FILE.exec(p.key);
    if (m && m[1].includes('.')) units.add(m[1]);
  }
  return [...units].map((name) => ({
    fact: asFact(unitState),
    key: name,
    // a unit systemd never loaded is read from disk as it is; only a loaded one goes stale
    patch: (before: unknown) => {
      const st = before as UnitState;
      return st.available && !st.missing ? { ...st, needDaemonReload: true, status: { ...st.status, NeedDaemonReload: 'yes' } } : st;
    },
  }));
}
