// File access for the PKI modules, all through ctx.transport (wherever the task runs) with the
// task's become: read PEM text, read a private key as a Secret, stat a mode, write atomically.
import { sh } from '../transport/quote.js';
import { fileStat } from '../facts/file-stat.js';
import { octalMode } from '../modules/lib/file-mode.js';
import { fileContent } from '../facts/file-content.js';
import type { ModuleContext } from '../modules/types.js';
import { Secret } from './secret.js';
import { tryInspectPrivateKey, type KeyInfo } from './private-key.js';

export const KEY_MODE = '0600';
export const CERT_MODE = '0644';

/**
 * A file's bytes, or null when it does not exist. In --check, a file an earlier task would have
 * written with known content (pki_adopt) reads as that content.
 */
async function readBytes(ctx: ModuleContext, path: string): Promise<Buffer | null> {
  const predicted = ctx.check ? ctx.facts.predicted(fileContent, { path }) : undefined;
  if (predicted !== undefined) return predicted;
  return ctx.transport.get(path, { become: ctx.become });
}

/** --check: an earlier task rewrites this file with content not known yet (a re-issued certificate). */
export function rewrittenInCheck(ctx: ModuleContext, path: string): boolean {
  return ctx.check && ctx.facts.predictedUnknown(fileContent, { path });
}

/** A file's text, or null when it does not exist. */
export async function readText(ctx: ModuleContext, path: string): Promise<string | null> {
  const b = await readBytes(ctx, path);
  return b === null ? null : b.toString('utf8');
}

/** A file holding secrets: its text wrapped so that it never prints. */
export async function readSecret(ctx: ModuleContext, path: string): Promise<Secret | null> {
  const b = await readBytes(ctx, path);
  return b === null ? null : new Secret(b.toString('utf8'));
}

/** "0600", or undefined when the path does not exist. Throws when the path is not a regular file. */
export async function fileModeOf(ctx: ModuleContext, path: string): Promise<string | undefined> {
  const st = await ctx.facts.get(fileStat, { path, follow: true }, ctx.become);
  if (!st.exists) return undefined;
  if (st.type !== 'file') throw new Error(`${path} is a ${st.type}, not a file`);
  return st.mode;
}

/** What is at a private key path: absent, unreadable (with why), or a key. */
export type KeyFile =
  | { path: string; exists: false }
  | { path: string; exists: true; mode?: string; error: string }
  | { path: string; exists: true; mode?: string; pem: Secret; info: KeyInfo };

export async function readKeyFile(ctx: ModuleContext, path: string): Promise<KeyFile> {
  let mode: string | undefined;
  try {
    mode = await fileModeOf(ctx, path);
  } catch (e) {
    return { path, exists: true, error: (e as Error).message };
  }
  const pem = mode === undefined ? null : await readSecret(ctx, path);
  if (pem === null) return { path, exists: false };
  const info = tryInspectPrivateKey(pem);
  if ('error' in info) return { path, exists: true, mode, error: `${path} is ${info.error}` };
  return { path, exists: true, mode, pem, info };
}

/** "mode 0644 → 0600" when the mode differs from `want`, else undefined. */
export function modeDrift(have: string | undefined, want: string): string | undefined {
  const w = octalMode(want)!;
  return have !== undefined && have.padStart(4, '0') !== w ? `mode ${have} → ${w}` : undefined;
}

/** Atomic write (temp file + rename), creating the parent directory when it is missing. */
export async function writeFile(ctx: ModuleContext, path: string, text: string, mode: string): Promise<void> {
  const slash = path.lastIndexOf('/');
  if (slash > 0) {
    const r = await ctx.transport.exec(sh`mkdir -p -- ${path.slice(0, slash)}`, { become: ctx.become });
    if (r.exitCode !== 0) throw new Error(`cannot create the directory of ${path}: ${r.stderr.trim()}`);
  }
  await ctx.transport.put(Buffer.from(text, 'utf8'), path, { mode: octalMode(mode), become: ctx.become });
}

export async function chmod(ctx: ModuleContext, path: string, mode: string): Promise<void> {
  const r = await ctx.transport.exec(sh`chmod ${octalMode(mode)!} -- ${path}`, { become: ctx.become });
  if (r.exitCode !== 0) throw new Error(`cannot chmod ${path}: ${r.stderr.trim()}`);
}
