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

function canonical(v: unknown, depth = 0): unknown {
  if (depth > 200) return '…';
  if (Buffer.isBuffer(v) || v instanceof Uint8Array) return { bytes_sha256: sha256(Buffer.from(v)) };
  if (v instanceof Map) return canonical(Object.fromEntries(v), depth + 1);
  if (v instanceof Set) return [...v].map((x) => canonical(x, depth + 1));
  if (Array.isArray(v)) return v.map((x) => canonical(x, depth + 1));
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x === undefined || typeof x === 'function' || VOLATILE.has(k)) continue;
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
