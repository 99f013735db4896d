// The files a plan depends on: the playbook, the inventory (every file of a directory), vars files,
// every task file and every file of each role in use, and the templates and files the tasks read
// (added as they are found). Paths are as the run names them (relative to the working directory).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import type { Node, Play } from '../playbook/model.js';
import type { LoadedRun } from '../runner/run.js';
import { sha256 } from './digest.js';

/** a path as plans name it: relative to the working directory when under it */
export function planPath(p: string): string {
  const rel = relative(process.cwd(), p);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : p;
}

function filesUnder(path: string, out: Set<string>, depth = 0): void {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) return;
  if (st.isFile()) out.add(planPath(path));
  else if (st.isDirectory() && depth < 20) {
    for (const name of readdirSync(path).sort()) filesUnder(join(path, name), out, depth + 1);
  }
}

function walk(nodes: Node[], files: Set<string>, roles: Set<string>): void {
  for (const n of nodes) {
    if (n.pos.file) files.add(planPath(n.pos.file));
    if (n.role) roles.add(n.role.path);
    if (n.kind === 'block') walk([...n.block, ...n.rescue, ...n.always], files, roles);
  }
}

/** the files the loaded run depends on, sorted */
export function loadedInputs(loaded: LoadedRun): string[] {
  const files = new Set<string>([planPath(loaded.playbook.file)]);
  const roles = new Set<string>();
  for (const src of loaded.run.inventory.sources) filesUnder(src, files);
  for (const play of loaded.playbook.plays as Play[]) {
    for (const f of play.varsFiles) files.add(planPath(isAbsolute(f) ? f : join(play.dir, f)));
    walk([...play.preTasks, ...play.tasks, ...play.postTasks, ...play.handlers], files, roles);
  }
  for (const r of roles) filesUnder(r, files);
  return [...files].sort();
}

/** sha256 of a file's bytes, or undefined when it is gone */
export function fileDigest(path: string): string | undefined {
  try {
    return sha256(readFileSync(path));
  } catch {
    return undefined;
  }
}

/** path → sha256, keys sorted */
export function digestFiles(paths: Iterable<string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of [...new Set(paths)].sort()) {
    const d = fileDigest(p);
    if (d !== undefined) out[p] = d;
  }
  return out;
}

/** what differs between the plan's files and the files now: one line per file */
export function inputChanges(planned: Record<string, string>, now: Record<string, string>): string[] {
  const out: string[] = [];
  for (const p of [...new Set([...Object.keys(planned), ...Object.keys(now)])].sort()) {
    const a = planned[p];
    const b = now[p];
    if (a === b) continue;
    if (a === undefined) out.push(`${p}: new since the plan`);
    else if (b === undefined) out.push(`${p}: gone since the plan (sha256 ${a} in the plan)`);
    else out.push(`${p}: changed since the plan (sha256 ${a} in the plan, ${b} now)`);
  }
  return out;
}
