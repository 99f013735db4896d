// pki_expiry: when each certificate on this host expires: PEM certificates, and the client
// certificate a kubeconfig embeds. Read-only, the same in --check; the caller decides what is too
// close (playbooks/verify.yml warns and fails below its thresholds). Absent files, and files that
// hold no certificate (keys, other configs: the holders table lists them too), are listed apart.
import yaml from 'js-yaml';
import type { Module } from '../types.js';
import { fileContent } from '../../facts/file-content.js';
import { tryCertFacts, day } from '../../pki/cert-facts.js';
import { DAY_MS } from '../../pki/leaf-reasons.js';

export interface PkiExpiryParams {
  /** paths, or rows of the holders table (their `path`) */
  paths: Array<string | { path: string }>;
}

export interface CertExpiry {
  path: string;
  subject: string;
  not_after: string;
  /** whole days left (negative: expired that many days ago) */
  days_left: number;
}

interface ExpiryCurrent {
  now: number;
  certificates: CertExpiry[];
  missing: string[];
  /** files that hold no certificate */
  other: string[];
  unreadable: Array<{ path: string; error: string }>;
}

/** certificates are named *.crt (PEM), kubeconfigs *.conf */
export const isCertificatePath = (path: string) => /\.(crt|conf)$/.test(path);

/** A PEM certificate's text, or the client certificate a kubeconfig embeds; null: no certificate. */
export function certificateText(text: string): string | null {
  if (text.includes('-----BEGIN CERTIFICATE-----')) return text;
  if (text.includes('PRIVATE KEY-----')) return null;
  let doc: unknown;
  try {
    doc = yaml.load(text);
  } catch {
    return null;
  }
  const data = (doc as { users?: { user?: Record<string, unknown> }[] } | null)?.users?.[0]?.user?.['client-certificate-data'];
  return typeof data === 'string' ? Buffer.from(data, 'base64').toString('utf8') : null;
}

/** null: the file holds no certificate */
export function expiryOf(path: string, text: string, now: number): CertExpiry | { error: string } | null {
  const pem = certificateText(text);
  if (pem === null) return null;
  const facts = tryCertFacts(pem);
  if ('error' in facts) return { error: `certificate is ${facts.error}` };
  return { path, subject: facts.subject, not_after: new Date(facts.notAfter).toISOString(), days_left: Math.floor((facts.notAfter - now) / DAY_MS) };
}

export const pkiExpiryModule: Module<PkiExpiryParams, ExpiryCurrent> = {
  name: 'pki_expiry',
  readAhead: true,
  schema: {
    type: 'object',
    description: "When each certificate on the host expires (PEM files and kubeconfigs' client certificates), read-only.",
    additionalProperties: false,
    required: ['paths'],
    properties: {
      paths: {
        type: 'array',
        items: { anyOf: [{ type: 'string', pattern: '^/' }, { type: 'object', required: ['path'], properties: { path: { type: 'string', pattern: '^/' } } }] },
        description: 'Files on the host (or rows of a table with a `path`, e.g. cluster_pki_holders): certificates (*.crt, PEM) and kubeconfigs (*.conf) are read, nothing else; absent files are listed as missing, others as other.',
      },
    },
  },

  async read(ctx, p) {
    const now = Date.now();
    const all = [...new Set(p.paths.map((x) => (typeof x === 'string' ? x : x.path)))];
    // only certificates and kubeconfigs are read: the table's keys and configs hold secrets
    const paths = all.filter(isCertificatePath);
    const texts = await Promise.all(paths.map(async (path) => ({ path, bytes: await ctx.facts.get(fileContent, { path }, ctx.become) })));
    const out: ExpiryCurrent = { now, certificates: [], missing: [], other: all.filter((x) => !isCertificatePath(x)), unreadable: [] };
    for (const { path, bytes } of texts) {
      if (bytes === null) out.missing.push(path);
      else if (bytes === undefined) out.unreadable.push({ path, error: 'content not known yet (check mode)' });
      else {
        const e = expiryOf(path, bytes.toString('utf8'), now);
        if (e === null) out.other.push(path);
        else if ('error' in e) out.unreadable.push({ path, error: e.error });
        else out.certificates.push(e);
      }
    }
    return out;
  },

  diff(_p, cur) {
    const soonest = [...cur.certificates].sort((a, b) => a.days_left - b.days_left)[0];
    const reason = soonest
      ? `${cur.certificates.length} certificates; the first to expire is ${soonest.path} (${soonest.subject}) on ${day(Date.parse(soonest.not_after))}, ${soonest.days_left} days left`
      : 'no certificate';
    return { kind: 'noop', reason, result: { certificates: cur.certificates, missing: cur.missing, other: cur.other, unreadable: cur.unreadable } };
  },

  async apply() {
    throw new Error('pki_expiry never changes anything');
  },
};

export default pkiExpiryModule;
