// Digests for plans: one canonical JSON text per value (keys sorted, bytes as their own digest),
// so that a value read in the plan and the same value read at apply time digest the same.
import { createHash } from 'node:crypto';

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Fields of a read that say when or where a file was stored, not what it holds: a file copied
 * back with the same content and mode is not drift (modules compare content, mode and owner).
 */
const VOLATILE = new Set(['mtime', 'inode', 'dev']);
/**
 * A directory's size and link count change with what is made in it (a new file, a subdirectory),
 * which earlier tasks of the same apply do; modules only ask whether it is there and its mode and owner.
 */
const DIRECTORY_VOLATILE = new Set(['size', 'nlink']);

function canonical(v: unknown, depth = 0): unknown {
  if (depth > 200) return '…';
  if (Buffer.isBuffer(v) || v instanceof Uint8Array) return { bytes_sha256: sha256(Buffer.from(v)) };
  if (v instanceof Map) return canonical(Object.fromEntries(v), depth + 1);
  if (v instanceof Set) return [...v].map((x) => canonical(x, depth + 1));
  if (Array.isArray(v)) return v.map((x) => canonical(x, depth + 1));
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    const dir = (v as { type?: unknown }).type === 'directory';
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x === undefined || typeof x === 'function' || VOLATILE.has(k) || (dir && DIRECTORY_VOLATILE.has(k))) continue;
      out[k] = canonical(x, depth + 1);
    }
    return out;
  }
  if (typeof v === 'bigint') return String(v);
  return v === undefined ? null : v;
}

/** the canonical JSON text of a value */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(canonical(v));
}

export function digestValue(v: unknown): string {
  return sha256(canonicalJson(v));
}
