// What a certificate says, as plain data a pure diff can compare: subject, validity, SANs,
// usages, whether it is a CA, its public key. Parsing only; no files.
import { x509 } from './x509.js';
import { normalizeIp } from './ip.js';
import { keyUsageNames, extendedKeyUsageName, type KeyUsageName } from './usages.js';
import { memoByText } from './text-memo.js';

export interface CertFacts {
  subject: string;
  issuer: string;
  commonNames: string[];
  organizations: string[];
  serial: string;
  notBefore: number; // ms since the epoch
  notAfter: number;
  dnsNames: string[];
  ipAddresses: string[];
  /** undefined: no keyUsage extension */
  keyUsage?: KeyUsageName[];
  /** names (serverAuth, clientAuth) or OIDs */
  extendedKeyUsage: string[];
  isCA: boolean;
  /** SubjectPublicKeyInfo DER, base64 */
  publicKey: string;
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;

/** The first certificate of a PEM text (a file may hold a chain). */
export function loadCertificate(pem: string): x509.X509Certificate {
  const block = PEM_CERT.exec(pem);
  if (!block) throw new Error('no PEM certificate found');
  return new x509.X509Certificate(block[0]);
}

export function certFacts(cert: x509.X509Certificate): CertFacts {
  const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
  const names = san?.names.items ?? [];
  const ku = cert.getExtension(x509.KeyUsagesExtension);
  const eku = cert.getExtension(x509.ExtendedKeyUsageExtension);
  const bc = cert.getExtension(x509.BasicConstraintsExtension);
  return {
    subject: cert.subject,
    issuer: cert.issuer,
    commonNames: cert.subjectName.getField('CN'),
    organizations: cert.subjectName.getField('O'),
    serial: cert.serialNumber,
    notBefore: cert.notBefore.getTime(),
    notAfter: cert.notAfter.getTime(),
    dnsNames: names.filter((n) => n.type === 'dns').map((n) => n.value.toLowerCase()),
    ipAddresses: names.filter((n) => n.type === 'ip').map((n) => normalizeIp(n.value) ?? n.value),
    keyUsage: ku ? keyUsageNames(ku.usages) : undefined,
    extendedKeyUsage: (eku?.usages ?? []).map((u) => extendedKeyUsageName(String(u))),
    isCA: bc?.ca ?? false,
    publicKey: Buffer.from(cert.publicKey.rawData).toString('base64'),
  };
}

/** certFacts of a PEM text, or why it cannot be read (frozen: the same object serves every caller). */
export const tryCertFacts: (pem: string) => Readonly<CertFacts> | { error: string } = memoByText((pem) => {
  try {
    return deepFreeze(certFacts(loadCertificate(pem)));
  } catch (e) {
    return Object.freeze({ error: `not a readable PEM certificate (${(e as Error).message})` });
  }
});

function deepFreeze<T extends object>(o: T): T {
  for (const v of Object.values(o)) if (v && typeof v === 'object') Object.freeze(v);
  return Object.freeze(o);
}

const verified = memoByText((pair: string) => {
  const [certPem, caPem] = pair.split('\0');
  return issuedBy(loadCertificate(certPem), loadCertificate(caPem));
});

/** issuedBy for two PEM texts; the signature check is done once per pair. */
export function issuedByPem(certPem: string, caPem: string): Promise<boolean> {
  return verified(`${certPem}\0${caPem}`);
}

/** Was `cert` issued by `ca`: the issuer name is the CA's subject and the CA's key verifies the signature. */
export async function issuedBy(cert: x509.X509Certificate, ca: x509.X509Certificate): Promise<boolean> {
  const sameName = Buffer.from(cert.issuerName.toArrayBuffer()).equals(Buffer.from(ca.subjectName.toArrayBuffer()));
  if (!sameName) return false;
  try {
    return await cert.verify({ publicKey: ca.publicKey, signatureOnly: true });
  } catch {
    return false;
  }
}

/** "2036-11-23" */
export function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
