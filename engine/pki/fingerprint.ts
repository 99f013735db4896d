// How the PKI guard names a file it compares: a certificate by the SHA-256 fingerprint of its DER
// (what `openssl x509 -noout -fingerprint -sha256` prints, so a person can check it by hand),
// anything else by the sha256 of its bytes (what `sha256sum` prints). A digest never shows the
// content, so the one of the encryption-at-rest config may be printed.
import { createHash } from 'node:crypto';
import { loadCertificate } from './cert-facts.js';

const colons = (hex: string) => hex.toUpperCase().match(/../g)!.join(':');

/** "SHA256 Fingerprint=AB:CD:…" of the first certificate of a PEM text; throws when there is none. */
export function certFingerprint(pem: string): string {
  const der = Buffer.from(loadCertificate(pem).rawData);
  return `SHA256 Fingerprint=${colons(createHash('sha256').update(der).digest('hex'))}`;
}

/** "sha256 0123…" of a file's bytes. */
export function fileDigest(hex: string): string {
  return `sha256 ${hex}`;
}

/**
 * The hex digits of a fingerprint as a person may type it (with or without "SHA256 Fingerprint=",
 * colons, any case), lower case; '' when it holds no 64 hex digits.
 */
export function fingerprintHex(text: string): string {
  const hex = text.replace(/^\s*(sha256\s*(fingerprint)?\s*[=:]?\s*)/i, '').replace(/[\s:]/g, '').toLowerCase();
  return /^[0-9a-f]{64}$/.test(hex) ? hex : '';
}

/** What -e pki_replace_confirm= takes for a fingerprint: its hex digits with colons (no spaces to quote). */
export function confirmValue(fp: string): string {
  const hex = fingerprintHex(fp);
  return hex ? colons(hex) : fp;
}
