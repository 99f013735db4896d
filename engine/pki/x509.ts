// The one entry to @peculiar/x509: the Reflect polyfill loads first, and the library signs with
// Node's WebCrypto. Every PKI file imports x509 from here, never from the package directly.
import './reflect-metadata.js';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export { x509 };
export const subtle = webcrypto.subtle;
