// Unified diffs per file, as `ansible-playbook --diff` prints them.
import { createRequire } from 'node:module';
import type { FileDiff } from '../modules/types.js';

// loaded on the first diff shown: most runs show none
const require = createRequire(import.meta.url);
const diffLib = (): typeof import('diff') => require('diff') as typeof import('diff');

export const MAX_DIFF_BYTES = 100 * 1024;

function isBinary(s: string): boolean {
  return s.includes('\u0000');
}

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
