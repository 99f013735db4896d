// Private keys in process: generate (PKCS#8 PEM), inspect what a PEM holds, and import it for
// signing. Uses Node's crypto only; nothing here touches a file.
import { createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { subtle } from './x509.js';
import { Secret } from './secret.js';
import type { KeySpec } from './key-spec.js';
import { memoByText } from './text-memo.js';

const generate = promisify(generateKeyPair);

const CURVE_NAMES: Record<string, string> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

/** What a private key PEM holds, without the secret itself. */
export interface KeyInfo {
  /** undefined when the key is of a kind these modules do not make (DSA, Ed25519, another curve) */
  spec?: KeySpec;
  /** 'rsa', 'ec', 'ed25519', … (Node's asymmetricKeyType) */
  algorithm: string;
  /** WebCrypto curve name of an EC key */
  curve?: string;
  /** "RSA 2048", "ECDSA P-256", "ed25519" */
  description: string;
  /** SubjectPublicKeyInfo PEM */
  publicPem: string;
  /** SubjectPublicKeyInfo DER, base64: the same text as CertFacts.publicKey */
  spki: string;
}

/** A new key as PKCS#8 PEM ("BEGIN PRIVATE KEY"). */
export async function generatePrivateKey(spec: KeySpec): Promise<Secret> {
  const { privateKey } =
    spec.type === 'RSA'
      ? await generate('rsa', { modulusLength: spec.size, publicExponent: 0x10001 })
      : await generate('ec', { namedCurve: spec.size });
  return new Secret(privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
}

function keyObject(pem: Secret): KeyObject {
  return createPrivateKey({ key: pem.reveal(), format: 'pem' });
}

/** Inspect a private key PEM (PKCS#8 or PKCS#1/SEC1); throws when it is not an unencrypted private key. */
export function inspectPrivateKey(pem: Secret): KeyInfo {
  const k = keyObject(pem);
  const pub = createPublicKey(k);
  const publicPem = pub.export({ type: 'spki', format: 'pem' }) as string;
  const spki = pub.export({ type: 'spki', format: 'der' }).toString('base64');
  const d = k.asymmetricKeyDetails ?? {};
  if (k.asymmetricKeyType === 'rsa') {
    const size = d.modulusLength ?? 0;
    const spec = size === 2048 || size === 3072 || size === 4096 ? ({ type: 'RSA', size } as const) : undefined;
    return { spec, algorithm: 'rsa', description: `RSA ${size}`, publicPem, spki };
  }
  if (k.asymmetricKeyType === 'ec') {
    const curve = CURVE_NAMES[d.namedCurve ?? ''] ?? d.namedCurve;
    const spec = curve === 'P-256' || curve === 'P-384' ? ({ type: 'ECDSA', size: curve } as const) : undefined;
    return { spec, algorithm: 'ec', curve, description: `ECDSA ${curve}`, publicPem, spki };
  }
  return { algorithm: String(k.asymmetricKeyType), description: String(k.asymmetricKeyType), publicPem, spki };
}

/** inspectPrivateKey, or the reason the bytes are not a usable private key. */
export function tryInspectPrivateKey(pem: Secret): Readonly<KeyInfo> | { error: string } {
  return inspected(pem.reveal());
}

// frozen: the same object serves every caller; it holds only public parts of the key
const inspected = memoByText((text): Readonly<KeyInfo> | { error: string } => {
  try {
    const info = inspectPrivateKey(new Secret(text));
    if (info.spec) Object.freeze(info.spec);
    return Object.freeze(info);
  } catch (e) {
    return Object.freeze({ error: `not a readable unencrypted private key (${(e as Error).message})` });
  }
});

type SigningAlgorithm = RsaHashedImportParams | (EcKeyImportParams & { hash: string });

/** The WebCrypto signature algorithm for a key (RSA PKCS#1 v1.5 or ECDSA), or undefined when it cannot sign certificates here. */
export function signingAlgorithm(key: KeyInfo): SigningAlgorithm | undefined {
  if (key.algorithm === 'rsa') return { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  const hash = { 'P-256': 'SHA-256', 'P-384': 'SHA-384', 'P-521': 'SHA-512' }[key.curve ?? ''];
  if (key.algorithm === 'ec' && hash) return { name: 'ECDSA', namedCurve: key.curve!, hash };
  return undefined;
}

/** The key as a WebCrypto signing key, with the algorithm to sign with. */
export async function importSigningKey(pem: Secret, key: KeyInfo): Promise<{ key: CryptoKey; algorithm: SigningAlgorithm }> {
  const algorithm = signingAlgorithm(key);
  if (!algorithm) throw new Error(`a ${key.description} key cannot sign certificates here (RSA or ECDSA P-256/P-384/P-521 only)`);
  const der = keyObject(pem).export({ type: 'pkcs8', format: 'der' });
  return { key: (await subtle.importKey('pkcs8', der, algorithm, false, ['sign'])) as CryptoKey, algorithm };
}
