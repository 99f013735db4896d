// Check-mode predictions for modules that create paths: a directory (and its parents) or a
// file with known content. Later reads of the same paths in one --check run see them.
import { createHash } from 'node:crypto';
import { fileStat, type FileStat, type FileStatArgs } from '../../facts/file-stat.js';
import { fileContent } from '../../facts/file-content.js';
import type { Fact, Prediction } from '../../facts/types.js';

const asFact = (f: unknown) => f as Fact<unknown, never>;
const norm = (p: string) => p.replace(/\/+$/, '') || '/';

export function predictDirectory(path: string, mode?: string): Prediction[] {
  const out: Prediction[] = [];
  let p = norm(path);
  let first = true;
  while (p && p !== '/' && p !== '.') {
    const here = p;
    const stat: FileStat = { path: here, exists: true, type: 'directory', mode: first && mode ? mode : '0755' };
    out.push({ fact: asFact(fileStat), key: here, value: () => ({ ...stat }) });
    first = false;
    p = p.slice(0, p.lastIndexOf('/')) || '/';
  }
  return out;
}

export function predictFile(path: string, content: Buffer, mode?: string): Prediction[] {
  const digest = (algo: string) => createHash(algo).update(content).digest('hex');
  return [
    {
      fact: asFact(fileStat),
      key: norm(path),
      value: (args) => {
        const a = args as FileStatArgs;
        return { path: a.path, exists: true, type: 'file', mode: mode ?? '0644', size: content.length, ...(a.checksum ? { checksum: digest(a.checksum) } : {}) } satisfies FileStat;
      },
    },
    { fact: asFact(fileContent), key: norm(path), value: () => content },
  ];
}

/** For modules whose change plan carries WriteData (copy, template, lineinfile, blockinfile). */
export function predictWrite(plan: { data?: unknown }): Prediction[] {
  const d = plan.data as { path?: string; content?: Buffer; mkdir?: string } | undefined;
  if (!d?.path) return [];
  return [...(d.mkdir ? predictDirectory(d.mkdir) : []), ...(d.content ? predictFile(d.path, d.content) : [])];
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
