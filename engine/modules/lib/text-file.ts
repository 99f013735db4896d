// What lineinfile/blockinfile read: the file's stat (links followed) and its bytes.
import { fileStat, type FileStat } from '../../facts/file-stat.js';
import { fileContent } from '../../facts/file-content.js';
import type { ModuleContext } from '../types.js';

export interface TextFileCurrent {
  stat: FileStat;
  /** null when absent or not a regular file */
  content: Buffer | null;
  /** read in check mode: a missing file may come from an earlier task that was only predicted */
  check?: boolean;
}

export async function readTextFile(ctx: ModuleContext, path: string): Promise<TextFileCurrent> {
  const stat = await ctx.facts.get(fileStat, { path, follow: true }, ctx.become);
  const content = stat.exists && stat.type === 'file' ? await ctx.facts.get(fileContent, { path }, ctx.become) : null;
  return { stat, content, check: ctx.check };
}

export function parentDir(path: string): string | undefined {
  const i = path.lastIndexOf('/');
  return i <= 0 ? undefined : path.slice(0, i);
}

/** Check mode, file missing: what an earlier (predicted) task may create cannot be edited yet. */
export function notYetThere(path: string) {
  return { kind: 'change' as const, summary: `${path} does not exist yet: an earlier task must create it`, unknowable: true };
}
