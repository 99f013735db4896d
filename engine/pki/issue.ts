// Build and sign certificates: a self-signed CA, or a leaf signed by a CA. In process, no files.
import { randomBytes } from 'node:crypto';
import { x509 } from './x509.js';
import { importSigningKey, type KeyInfo } from './private-key.js';
import { keyUsageFlags, EXTENDED_KEY_USAGES, type KeyUsageName, type ExtendedKeyUsageName } from './usages.js';
import { loadCertificate } from './cert-facts.js';
import type { Secret } from './secret.js';

const DAY_MS = 86_400_000;
/** notBefore lies a little in the past, so hosts whose clocks lag still accept a fresh certificate */
const BACKDATE_MS = 5 * 60_000;

export interface Subject {
  commonName: string;
  organizations: string[];
}

export interface LeafProfile {
  subject: Subject;
  dnsNames: string[];
  ipAddresses: string[];
  keyUsage: KeyUsageName[];
  extendedKeyUsage: ExtendedKeyUsageName[];
  validityDays: number;
}

/** A signing key with its certificate-facing facts. */
export interface SigningKey {
  pem: Secret;
  info: KeyInfo;
}

/** 16 random bytes as hex, first bit clear so the serial is a positive integer of full length. */
export function randomSerial(): string {
  const b = randomBytes(16);
  b[0] = (b[0] & 0x7f) | 0x01;
  return b.toString('hex');
}

/** O values first, then CN: the order Kubernetes and openssl print. */
export function subjectName(s: Subject): x509.Name {
  return new x509.Name([...s.organizations.map((o) => ({ O: [o] })), { CN: [s.commonName] }]);
}

function validity(now: number, days: number) {
  return { notBefore: new Date(now - BACKDATE_MS), notAfter: new Date(now + days * DAY_MS) };
}

/** A self-signed CA certificate (PEM) for `key`. */
export async function issueSelfSignedCa(key: SigningKey, subject: Subject, validityDays: number, now: number): Promise<string> {
  const signer = await importSigningKey(key.pem, key.info);
  const publicKey = new x509.PublicKey(key.info.publicPem);
  const name = subjectName(subject);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: name,
    issuer: name,
    ...validity(now, validityDays),
    publicKey,
    signingKey: signer.key,
    signingAlgorithm: signer.algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(keyUsageFlags(['digitalSignature', 'keyCertSign', 'cRLSign']), true),
      await x509.SubjectKeyIdentifierExtension.create(publicKey),
    ],
  });
  return cert.toString('pem') + '\n';
}

/** A leaf certificate (PEM) for the public key `subjectPublicPem`, signed by the CA. */
export async function issueLeaf(subjectPublicPem: string, ca: { certPem: string; key: SigningKey }, profile: LeafProfile, now: number): Promise<string> {
  const caCert = loadCertificate(ca.certPem);
  const signer = await importSigningKey(ca.key.pem, ca.key.info);
  const publicKey = new x509.PublicKey(subjectPublicPem);
  // the authority key id must equal the CA's own subject key id when it has one
  const caSki = caCert.getExtension(x509.SubjectKeyIdentifierExtension);
  const aki = caSki ? new x509.AuthorityKeyIdentifierExtension(caSki.keyId) : await x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey);
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    aki,
    await x509.SubjectKeyIdentifierExtension.create(publicKey),
  ];
  if (profile.keyUsage.length) extensions.push(new x509.KeyUsagesExtension(keyUsageFlags(profile.keyUsage), true));
  if (profile.extendedKeyUsage.length) {
    extensions.push(new x509.ExtendedKeyUsageExtension(profile.extendedKeyUsage.map((n) => EXTENDED_KEY_USAGES[n])));
  }
  const sans = [
    ...profile.dnsNames.map((value) => ({ type: 'dns' as const, value })),
    ...profile.ipAddresses.map((value) => ({ type: 'ip' as const, value })),
  ];
  if (sans.length) extensions.push(new x509.SubjectAlternativeNameExtension(sans));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: subjectName(profile.subject),
    issuer: caCert.subjectName,
    ...validity(now, profile.validityDays),
    publicKey,
    signingKey: signer.key,
    signingAlgorithm: signer.algorithm,
    extensions,
  });
  return cert.toString('pem') + '\n';
}
