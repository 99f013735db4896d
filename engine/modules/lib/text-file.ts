// What lineinfile, blockinfile and replace read: the file's stat (links followed) and its bytes.
import { fileStat, type FileStat } from '../../facts/file-stat.js';
import { fileContent } from '../../facts/file-content.js';
import type { ModuleContext, Plan } from '../types.js';
import { mayExistUnseen } from './predictions.js';

export interface TextFileCurrent {
  stat: FileStat;
  /** null when absent or not a regular file */
  content: Buffer | null;
  /** check mode after a change whose effects were not all predicted: a missing file may exist by then */
  unseen?: boolean;
}

export async function readTextFile(ctx: ModuleContext, path: string): Promise<TextFileCurrent> {
  const stat = await ctx.facts.get(fileStat, { path, follow: true }, ctx.become);
  const content = stat.exists && stat.type === 'file' ? await ctx.facts.get(fileContent, { path }, ctx.become) : null;
  return { stat, content, unseen: mayExistUnseen(ctx) };
}

export function parentDir(path: string): string | undefined {
  const i = path.lastIndexOf('/');
  return i <= 0 ? undefined : path.slice(0, i);
}

/** Check mode, file missing: what an earlier unpredicted change (a command) may create cannot be edited yet. */
export function notYetThere(path: string) {
  return { kind: 'change' as const, summary: `${path} does not exist yet: only an earlier task that was not predicted can create it`, unknowable: true };
}

/** The failure Ansible gives for a path that exists but is not a regular file, or undefined. */
export function notARegularFile(path: string, stat: FileStat): Extract<Plan, { kind: 'fail' }> | undefined {
  if (!stat.exists || stat.type === 'file') return undefined;
  return stat.type === 'directory' ? { kind: 'fail', msg: `Path ${path} is a directory !`, result: { rc: 256 } } : { kind: 'fail', msg: `Path ${path} is not a regular file` };
}
