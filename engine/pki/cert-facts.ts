// What a certificate says, as plain data a pure diff can compare: subject, validity, SANs,
// usages, whether it is a CA, its public key. Parsing only; no files.
import { x509 } from './x509.js';
import { normalizeIp } from './ip.js';
import { keyUsageNames, extendedKeyUsageName, type KeyUsageName } from './usages.js';

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

/** certFacts of a PEM text, or why it cannot be read. */
export function tryCertFacts(pem: string): CertFacts | { error: string } {
  try {
    return certFacts(loadCertificate(pem));
  } catch (e) {
    return { error: `not a readable PEM certificate (${(e as Error).message})` };
  }
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
