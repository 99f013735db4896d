// Pure: why a leaf certificate must be (re-)issued. [] = it is fine as it is. Extra SANs and
// usages in the certificate are fine; only missing ones are reasons.
import { day, type CertFacts } from './cert-facts.js';
import { normalizeIp } from './ip.js';
import { subjectDifferences } from './subject.js';
import type { LeafProfile } from './issue.js';

export const DAY_MS = 86_400_000;

export interface LeafState {
  now: number;
  /** null: no certificate file */
  cert: CertFacts | { error: string } | null;
  keyMissing: boolean;
  /** does the key file's public key equal the certificate's */
  keyMatches: boolean;
  /** undefined: the CA is not there to check against */
  signedByCa?: boolean;
  caLabel: string;
}

/** "12 days", "5 hours" */
export function remaining(ms: number): string {
  if (ms >= DAY_MS) return `${Math.round(ms / DAY_MS)} days`;
  return `${Math.max(1, Math.round(ms / 3_600_000))} hours`;
}

export function reissueReasons(want: LeafProfile & { renewBeforeDays: number }, s: LeafState): string[] {
  if (s.cert === null) return ['missing'];
  if ('error' in s.cert) return [`certificate is ${s.cert.error}`];
  const c = s.cert;
  const out: string[] = [];
  if (s.keyMissing) out.push('key missing');
  else if (!s.keyMatches) out.push('key does not match certificate');
  if (s.signedByCa === false) out.push(`not signed by CA ${s.caLabel} (issuer ${c.issuer})`);
  for (const d of want.dnsNames) if (!c.dnsNames.includes(d.toLowerCase())) out.push(`missing SAN DNS:${d}`);
  for (const ip of want.ipAddresses) if (!c.ipAddresses.includes(normalizeIp(ip) ?? ip)) out.push(`missing SAN IP:${ip}`);
  for (const u of want.keyUsage) if (!(c.keyUsage ?? []).includes(u)) out.push(`missing key usage ${u}`);
  for (const u of want.extendedKeyUsage) if (!c.extendedKeyUsage.includes(u)) out.push(`missing extended key usage ${u}`);
  out.push(...subjectDifferences(c, want.subject));
  const left = c.notAfter - s.now;
  if (left <= 0) out.push(`expired on ${day(c.notAfter)}`);
  else if (left < want.renewBeforeDays * DAY_MS) out.push(`expires in ${remaining(left)}`);
  return out;
}
