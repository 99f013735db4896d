// Encrypted files for secrets at rest: AES-256-GCM with a key derived from a password by
// scrypt. The header makes an encrypted file recognisable wherever tsplay reads YAML.
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { InputError } from '../errors.js';

export const VAULT_HEADER = '$TSPLAY_VAULT;1.0;AES256GCM';
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

export function isVaultText(text: string): boolean {
  return text.startsWith(VAULT_HEADER);
}

function key(password: string, salt: Buffer): Buffer {
  return scryptSync(password, salt, 32, SCRYPT);
}

/** plain text or the file's bytes as they are (a file that is not UTF-8 keeps its bytes) */
export function encryptText(plain: string | Buffer, password: string): string {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key(password, salt), iv);
  const body = Buffer.concat([typeof plain === 'string' ? cipher.update(plain, 'utf8') : cipher.update(plain), cipher.final()]);
  const blob = Buffer.concat([salt, iv, cipher.getAuthTag(), body]).toString('base64');
  return `${VAULT_HEADER}\n${blob.replace(/.{1,80}/g, '$&\n')}`;
}

export function decryptText(text: string, password: string, file: string): string {
  return decryptBytes(text, password, file).toString('utf8');
}

/** the plaintext's bytes exactly as they were encrypted */
export function decryptBytes(text: string, password: string, file: string): Buffer {
  if (!isVaultText(text)) throw new InputError('not a tsplay vault file', { file, line: 1, col: 1 });
  const blob = Buffer.from(text.slice(VAULT_HEADER.length).replace(/\s+/g, ''), 'base64');
  if (blob.length < 16 + 12 + 16) throw new InputError('vault file is truncated', { file, line: 2, col: 1 });
  const salt = blob.subarray(0, 16);
  const iv = blob.subarray(16, 28);
  const tag = blob.subarray(28, 44);
  try {
    const d = createDecipheriv('aes-256-gcm', key(password, salt), iv);
    d.setAuthTag(tag);
    return Buffer.concat([d.update(blob.subarray(44)), d.final()]);
  } catch {
    throw new InputError('cannot decrypt: wrong vault password, or the file was changed', { file, line: 1, col: 1 });
  }
}
