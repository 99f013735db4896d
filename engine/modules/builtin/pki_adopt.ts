// pki_adopt: copies the PKI files the controller lacks from this host into the site's PKI
// directory (the PKI guard decides which host gives which file). Never overwrites a file the
// controller has. Everything is read and checked before anything is written: certificates parse,
// keys parse, a certificate and its key (or sa.pub and sa.key) match, a kubeconfig's embedded
// client certificate and key are taken out and checked the same way. Directories are made 0700,
// private files written 0600 (atomically: a temp file made 0600, then renamed). In --check the
// files are predicted with their content, so the PKI tasks after it see the adopted PKI.
import { posix } from 'node:path';
import { createPublicKey } from 'node:crypto';
import yaml from 'js-yaml';
import type { FileDiff, Module } from '../types.js';
import { readFact } from '../../facts/read-fact.js';
import { fileStat } from '../../facts/file-stat.js';
import { sh } from '../../transport/quote.js';
import { Secret } from '../../pki/secret.js';
import { tryCertFacts } from '../../pki/cert-facts.js';
import { tryInspectPrivateKey } from '../../pki/private-key.js';
import { certFingerprint } from '../../pki/fingerprint.js';
import { KEY_MODE, CERT_MODE } from '../../pki/pki-files.js';
import { predictDirectory, predictFile } from '../lib/predictions.js';
import { PKI_FILE_SCHEMA, type PkiFileSpec } from '../../pki/guard.js';

export interface PkiAdoptParams {
  pki_dir: string;
  files: PkiFileSpec[];
}

interface Source {
  spec: PkiFileSpec;
  /** the host file's bytes; null when it is gone */
  bytes: Secret<Buffer> | null;
}

export interface PkiAdoptCurrent {
  host: string;
  sources: Source[];
  /** dests the controller already holds */
  present: Set<string>;
}

interface Write {
  dest: string;
  content: Secret<Buffer>;
  mode: string;
  /** what the diff shows instead of the content */
  shown: string;
}

const text = (s: Secret<Buffer>) => s.reveal().toString('utf8');
const isKey = (dest: string) => dest.endsWith('.key');

/** The public key (SPKI DER, base64) of what a file holds, for pairing; throws when none. */
function publicKeyOf(dest: string, pem: string): string {
  if (dest.endsWith('.crt')) {
    const f = tryCertFacts(pem);
    if ('error' in f) throw new Error(f.error);
    return f.publicKey;
  }
  if (isKey(dest)) {
    const k = tryInspectPrivateKey(new Secret(pem));
    if ('error' in k) throw new Error(k.error);
    return k.spki;
  }
  return createPublicKey(pem).export({ type: 'spki', format: 'der' }).toString('base64');
}

/** What a file holds is what its name says, or why not. */
function check(dest: string, pem: string): string | undefined {
  try {
    publicKeyOf(dest, pem);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** The embedded client certificate and key of a kubeconfig. */
function kubeconfigCredentials(src: string, body: string): { cert: string; key: string } {
  let doc: unknown;
  try {
    doc = yaml.load(body);
  } catch {
    throw new Error(`${src} is not a readable kubeconfig (YAML)`);
  }
  const user = (doc as { users?: { user?: Record<string, unknown> }[] } | null)?.users?.[0]?.user;
  const cert = user?.['client-certificate-data'];
  const key = user?.['client-key-data'];
  if (typeof cert !== 'string' || typeof key !== 'string') throw new Error(`${src} has no embedded client-certificate-data and client-key-data`);
  return { cert: Buffer.from(cert, 'base64').toString('utf8'), key: Buffer.from(key, 'base64').toString('utf8') };
}

type Planned = { writes: Write[] } | { error: string };

/** Pure: the files to write, each checked, or why nothing may be written. */
export function planAdoption(cur: PkiAdoptCurrent): Planned {
  const writes: Write[] = [];
  const seen = new Map<string, string>(); // dest → text, for pairing
  const from = (src: string) => `${cur.host}:${src}`;
  for (const { spec, bytes } of cur.sources) {
    if (bytes === null) return { error: `${spec.src} is no longer on ${cur.host} (it was there when the PKI guard looked)` };
    const parts: { dest: string; body: string; private: boolean }[] = [];
    let body = text(bytes);
    if (spec.pattern) {
      let m: RegExpExecArray | null;
      try {
        m = new RegExp(spec.pattern, 'm').exec(body);
      } catch (e) {
        return { error: `pattern ${JSON.stringify(spec.pattern)}: ${(e as Error).message}` };
      }
      if (!m || m[1] === undefined || m[1] === '') return { error: `${from(spec.src)} has nothing matching ${JSON.stringify(spec.pattern)}` };
      body = m[1];
    }
    parts.push({ dest: spec.dest, body, private: !!spec.private });
    if (spec.client_cert || spec.client_key) {
      let creds;
      try {
        creds = kubeconfigCredentials(from(spec.src), body);
      } catch (e) {
        return { error: (e as Error).message };
      }
      if (spec.client_cert) parts.push({ dest: spec.client_cert, body: creds.cert, private: false });
      if (spec.client_key) parts.push({ dest: spec.client_key, body: creds.key, private: true });
      if (spec.client_cert && spec.client_key) {
        const bad = check(spec.client_cert, creds.cert) ?? check(spec.client_key, creds.key);
        if (bad) return { error: `the client credentials in ${from(spec.src)}: ${bad}` };
        if (publicKeyOf(spec.client_cert, creds.cert) !== publicKeyOf(spec.client_key, creds.key)) return { error: `the client certificate and key in ${from(spec.src)} do not match` };
      }
    } else if (!spec.pattern && (spec.dest.endsWith('.crt') || isKey(spec.dest) || spec.dest.endsWith('.pub'))) {
      const bad = check(spec.dest, body);
      if (bad) return { error: `${from(spec.src)}: ${bad}` };
    }
    for (const part of parts) {
      seen.set(part.dest, part.body);
      if (cur.present.has(part.dest)) continue;
      const shown = part.dest.endsWith('.crt') ? `adopted from ${from(spec.src)} (${certFingerprint(part.body)})` : `adopted from ${from(spec.src)}${part.private ? ' (private, not shown)' : ''}`;
      writes.push({ dest: part.dest, content: new Secret(Buffer.from(part.body, 'utf8')), mode: part.private ? KEY_MODE : CERT_MODE, shown });
    }
  }
  // a certificate (or sa.pub) and its key adopted together must belong together
  for (const { spec } of cur.sources) {
    if (!spec.key || !seen.has(spec.key) || !seen.has(spec.dest)) continue;
    if (publicKeyOf(spec.dest, seen.get(spec.dest)!) !== publicKeyOf(spec.key, seen.get(spec.key)!)) {
      return { error: `on ${cur.host}, ${spec.dest} and its key ${spec.key} do not match; nothing was adopted` };
    }
  }
  // keys first: a run cut short leaves a key without its certificate, never the reverse
  writes.sort((a, b) => Number(b.mode === KEY_MODE) - Number(a.mode === KEY_MODE));
  return { writes };
}

/** The directories from the PKI directory down to each file's, outermost first. */
function dirsFor(pkiDir: string, dests: string[]): string[] {
  const out = new Set<string>([pkiDir]);
  for (const d of dests) {
    const parts = d.split('/').slice(0, -1);
    for (let i = 1; i <= parts.length; i++) out.add(posix.join(pkiDir, ...parts.slice(0, i)));
  }
  return [...out];
}

export const pkiAdoptModule: Module<PkiAdoptParams, PkiAdoptCurrent> = {
  name: 'pki_adopt',
  predict: (p, plan) => {
    const writes = (plan.data as { writes: Write[] }).writes;
    // the directories it makes (not their parents, which exist) and the files with their content
    const dirs = dirsFor(p.pki_dir, writes.map((w) => w.dest)).map((d) => predictDirectory(d, '0700')[0]);
    const files = writes.flatMap((w) => predictFile(posix.join(p.pki_dir, w.dest), w.content.reveal(), w.mode));
    return [...dirs, ...files].map((x) => ({ ...x, controller: true }));
  },
  schema: {
    type: 'object',
    description: 'Adopt a running cluster\'s PKI into the controller\'s .pki.',
    additionalProperties: false,
    required: ['pki_dir', 'files'],
    properties: {
      pki_dir: { type: 'string', minLength: 1, description: 'The site\'s PKI directory on the controller.' },
      files: { type: 'array', items: PKI_FILE_SCHEMA, description: 'The rows this host gives (pki_guard\'s pki_adopt for this host).' },
    },
  },

  async read(ctx, p) {
    const host = typeof ctx.vars.inventory_hostname === 'string' ? ctx.vars.inventory_hostname : ctx.host;
    // one file after another: the reads of private files are not cached as facts, and a few
    // dozen channels opened at once on one connection can exceed what sshd accepts
    const sources: Source[] = [];
    for (const spec of p.files) {
      const b = await ctx.transport.get(spec.src, { become: ctx.become });
      sources.push({ spec, bytes: b === null ? null : new Secret(b) });
    }
    const dests = [...new Set(p.files.flatMap((f) => [f.dest, f.client_cert, f.client_key].filter((d): d is string => !!d)))];
    const stats = await Promise.all(dests.map((d) => readFact(fileStat, { path: posix.join(p.pki_dir, d), follow: true }, ctx.controller, undefined)));
    return { host, sources, present: new Set(dests.filter((_, i) => stats[i].exists)) };
  },

  diff(p, cur) {
    if (!p.files.length) return { kind: 'noop', reason: 'the PKI guard takes nothing from this host' };
    const planned = planAdoption(cur);
    if ('error' in planned) return { kind: 'fail', msg: `pki_adopt: ${planned.error}` };
    const { writes } = planned;
    if (!writes.length) return { kind: 'noop', reason: `${p.pki_dir} already holds what ${cur.host} would give` };
    const fileDiffs: FileDiff[] = writes.map((w) => ({ path: posix.join(p.pki_dir, w.dest), summary: w.shown }));
    return {
      kind: 'change',
      summary: `adopt ${writes.length} file(s) of the cluster's PKI from ${cur.host} into ${p.pki_dir}: ${writes.map((w) => w.dest).join(', ')}`,
      fileDiffs,
      data: { writes },
      result: { adopted: writes.map((w) => w.dest) },
    };
  },

  async apply(ctx, p, plan) {
    const { writes } = plan.data as { writes: Write[] };
    const done: string[] = [];
    try {
      // each directory 0700 from the start (mkdir -m); the PKI directory's parent as it comes.
      // The hosts' adoptions run at once and make the same directories: one that another made
      // in the meantime is fine.
      for (const d of dirsFor(p.pki_dir, writes.map((w) => w.dest))) {
        const r = await ctx.controller.exec(sh`[ -d ${d} ] || { mkdir -p -- ${posix.dirname(d)} && { mkdir -m 0700 -- ${d} || [ -d ${d} ]; }; }`);
        if (r.exitCode !== 0) throw new Error(`cannot create ${d}: ${r.stderr.trim()}`);
      }
      for (const w of writes) {
        await ctx.controller.put(w.content.reveal(), posix.join(p.pki_dir, w.dest), { mode: w.mode });
        done.push(w.dest);
      }
      return { changed: true, msg: plan.summary, adopted: done };
    } catch (e) {
      return { changed: done.length > 0, failed: true, msg: `pki_adopt into ${p.pki_dir}: ${(e as Error).message} (adopted before it: ${done.join(', ') || 'nothing'})`, adopted: done };
    } finally {
      // later tasks read these paths on the controller
      ctx.controllerFacts?.invalidate();
    }
  },
};

export default pkiAdoptModule;
