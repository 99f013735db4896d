// What one side (a host, or the controller's PKI directory) holds of the role's table of PKI
// files: each row held or not, and an identity row's fingerprint. Read-only. Only the content of
// certificates is read; anything else is stat'ed, with a sha256 for the identity rows (the
// encryption config's digest, never its key).
import type { FileStat, FileStatArgs } from '../facts/file-stat.js';
import { certFingerprint, fileDigest } from './fingerprint.js';
import type { HeldFile, PkiFileSpec } from './guard.js';

export interface FileReader {
  stat(args: FileStatArgs): Promise<FileStat>;
  /** a certificate's text, null when absent */
  text(path: string): Promise<string | null>;
}

const isCert = (dest: string) => dest.endsWith('.crt');

/** The fingerprint a row shows: a certificate's, or the file's digest; why not, when unreadable. */
async function fingerprintOf(r: FileReader, spec: PkiFileSpec, path: string, st: FileStat): Promise<string> {
  if (isCert(spec.dest)) {
    const pem = await r.text(path);
    try {
      return certFingerprint(pem ?? '');
    } catch (e) {
      return `not a readable certificate (${(e as Error).message})`;
    }
  }
  return st.checksum ? fileDigest(st.checksum) : 'unreadable';
}

/** Each row of `specs` as held at `pathOf(row)`; all reads start together (one round trip). */
export async function heldFiles(r: FileReader, specs: PkiFileSpec[], pathOf: (s: PkiFileSpec) => string): Promise<HeldFile[]> {
  return Promise.all(
    specs.map(async (spec) => {
      const path = pathOf(spec);
      const st = await r.stat({ path, follow: true, ...(spec.identity && !isCert(spec.dest) ? { checksum: 'sha256' as const } : {}) });
      if (!st.exists) return { ...spec, held: false };
      if (st.type !== 'file') return { ...spec, held: true, ...(spec.identity ? { fingerprint: `a ${st.type}, not a file` } : {}) };
      return { ...spec, held: true, ...(spec.identity ? { fingerprint: await fingerprintOf(r, spec, path, st) } : {}) };
    }),
  );
}
