// --diff for files, both halves in one place: modules record before/after text (contentDiff), the
// reporters print it as `ansible-playbook --diff` does (formatFileDiff). Binary content and files
// over 100 KiB get a one-line summary instead, as Ansible does.
import { createRequire } from 'node:module';
import type { FileDiff } from '../types.js';

// the diff library loads on the first diff shown: most runs show none
const require = createRequire(import.meta.url);
const diffLib = (): typeof import('diff') => require('diff') as typeof import('diff');

export const MAX_DIFF_BYTES = 100 * 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The text of `b`, or undefined when it is binary (NUL byte or not UTF-8). */
export function asText(b: Buffer): string | undefined {
  if (b.includes(0)) return undefined;
  try {
    return utf8.decode(b);
  } catch {
    return undefined;
  }
}

/**
 * before: null = file absent, undefined = not read (too large to fetch; `beforeSize` says how big).
 * after: null = file removed.
 */
export function contentDiff(path: string, before: Buffer | null | undefined, after: Buffer | null, beforeSize?: number): FileDiff {
  if (before === undefined || (before && before.length > MAX_DIFF_BYTES) || (after && after.length > MAX_DIFF_BYTES)) {
    if (before === undefined && (beforeSize ?? 0) <= MAX_DIFF_BYTES && after && after.length <= MAX_DIFF_BYTES) {
      return { path, summary: 'previous content not read' };
    }
    return { path, summary: 'file too large to diff' };
  }
  const b = before === null ? undefined : asText(before);
  const a = after === null ? undefined : asText(after);
  if ((before !== null && b === undefined) || (after !== null && a === undefined)) return { path, summary: 'binary file' };
  const d: FileDiff = { path };
  if (b !== undefined) d.before = b;
  if (a !== undefined) d.after = a;
  return d;
}

function isBinary(s: string): boolean {
  return s.includes('\u0000');
}

/** One file's diff as unified text, with the `--- before:`/`+++ after:` header Ansible prints. */
export function formatFileDiff(d: FileDiff): string {
  const head = `--- before: ${d.path}\n+++ after: ${d.path}\n`;
  if (d.summary) return `${head}${d.summary}\n`;
  const before = d.before ?? '';
  const after = d.after ?? '';
  if (isBinary(before) || isBinary(after)) return `${head}(binary file, not shown)\n`;
  if (before.length > MAX_DIFF_BYTES || after.length > MAX_DIFF_BYTES) return `${head}(file larger than 100 KiB, not shown)\n`;
  if (d.before === undefined && d.after === undefined) return `${head}(no content change)\n`;
  const patch = diffLib().createPatch(d.path, before, after, '', '', { context: 3 });
  // drop createPatch's own Index/---/+++ header lines; keep the hunks
  const hunks = patch.split('\n').slice(4).join('\n');
  return head + (hunks.trim() ? hunks.replace(/\n*$/, '\n') : '(content unchanged: ownership or mode only)\n');
}
