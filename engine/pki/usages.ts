// Key usage and extended key usage, by the names people write (RFC 5280 / openssl spelling).
import { x509 } from './x509.js';

export const KEY_USAGES = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;
export type KeyUsageName = (typeof KEY_USAGES)[number];

export const EXTENDED_KEY_USAGES = { serverAuth: '1.3.6.1.5.5.7.3.1', clientAuth: '1.3.6.1.5.5.7.3.2' } as const;
export type ExtendedKeyUsageName = keyof typeof EXTENDED_KEY_USAGES;

export function keyUsageFlags(names: readonly KeyUsageName[]): number {
  return names.reduce((flags, n) => flags | x509.KeyUsageFlags[n], 0);
}

export function keyUsageNames(flags: number): KeyUsageName[] {
  return KEY_USAGES.filter((n) => (flags & x509.KeyUsageFlags[n]) !== 0);
}

/** an EKU OID by its name, or the OID itself when it has no name here */
export function extendedKeyUsageName(oid: string): string {
  const hit = Object.entries(EXTENDED_KEY_USAGES).find(([, o]) => o === oid);
  return hit ? hit[0] : oid;
}
