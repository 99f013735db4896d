// Before/after text for --diff. The reporter turns it into a unified diff; binary content and
// files over ~100 KiB get a one-line summary instead, as Ansible does.
import type { FileDiff } from './types.js';

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
