// Ansible Vault's format, as ansible-vault writes and reads it, so that a site's existing vaulted
// files and inline `!vault` values work unchanged: a header line `$ANSIBLE_VAULT;1.1;AES256` (1.2
// adds the vault id's label), then hex in lines of 80 characters. The hex decodes to three lines of
// hex: the salt, the HMAC and the ciphertext. PBKDF2-HMAC-SHA256 (10000 iterations) of the password
// and salt gives the AES-256 key, the HMAC key and the CTR mode's initial counter; the plaintext is
// padded as PKCS#7 even though CTR needs no padding, as Ansible does; the HMAC-SHA256 covers the
// ciphertext and is checked (in constant time) before anything is decrypted.
import { createCipheriv, createDecipheriv, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { InputError, type SourcePos } from '../errors.js';

export const ANSIBLE_VAULT_PREFIX = '$ANSIBLE_VAULT;';
const ITERATIONS = 10_000;
const KEY = 32;
const BLOCK = 16;
const SALT = 32;
const LINE = 80;

export function isAnsibleVaultText(text: string): boolean {
  return text.startsWith(ANSIBLE_VAULT_PREFIX);
}

export interface AnsibleEnvelope {
  version: string;
  /** the vault id's label of a 1.2 file */
  label?: string;
  salt: Buffer;
  hmac: Buffer;
  ciphertext: Buffer;
}

/** `at` is where the vaulted text starts (a file's first line, or where a `!vault` value was written) */
export function parseAnsibleVault(text: string, at: SourcePos): AnsibleEnvelope {
  const lines = text.split(/\r?\n/);
  const lineAt = (i: number): SourcePos => (at.line !== undefined ? { ...at, line: at.line + i, col: i === 0 ? at.col : undefined } : at);
  const header = lines[0].trim().split(';');
  const [, version, cipher, label] = header.map((s) => s.trim());
  if (version !== '1.1' && version !== '1.2') throw new InputError(`Ansible Vault format ${version ?? '(none)'} is not supported (1.1 and 1.2 are)`, lineAt(0));
  if (cipher !== 'AES256') throw new InputError(`Ansible Vault cipher ${cipher ?? '(none)'} is not supported (AES256 is)`, lineAt(0));
  const bad = (why: string, i = 1) => new InputError(`not a valid Ansible Vault text: ${why}`, lineAt(i));
  for (const [i, l] of lines.entries()) if (i > 0 && !/^[0-9a-fA-F]*$/.test(l.trim())) throw bad('a line of the body is not hexadecimal', i);
  const outer = lines.slice(1).map((l) => l.trim()).join('');
  if (outer.length % 2) throw bad('the body has an odd number of hex digits');
  const inner = Buffer.from(outer, 'hex').toString('latin1').split('\n');
  if (inner.length !== 3 || inner.some((p) => !/^(?:[0-9a-fA-F]{2})+$/.test(p))) throw bad('the body is not salt, HMAC and ciphertext in hex');
  const [salt, hmac, ciphertext] = inner.map((p) => Buffer.from(p, 'hex'));
  return { version, ...(version === '1.2' && label ? { label } : {}), salt, hmac, ciphertext };
}

function keys(password: string, salt: Buffer): { aes: Buffer; mac: Buffer; iv: Buffer } {
  const k = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, ITERATIONS, 2 * KEY + BLOCK, 'sha256');
  return { aes: k.subarray(0, KEY), mac: k.subarray(KEY, 2 * KEY), iv: k.subarray(2 * KEY) };
}

/** the plaintext, or undefined when the HMAC does not match (a wrong password, or a changed text) */
export function decryptAnsible(env: AnsibleEnvelope, password: string, at: SourcePos): Buffer | undefined {
  const { aes, mac, iv } = keys(password, env.salt);
  const expected = createHmac('sha256', mac).update(env.ciphertext).digest();
  if (env.hmac.length !== expected.length || !timingSafeEqual(env.hmac, expected)) return undefined;
  const d = createDecipheriv('aes-256-ctr', aes, iv);
  const padded = Buffer.concat([d.update(env.ciphertext), d.final()]);
  const n = padded.at(-1) ?? 0;
  if (n < 1 || n > BLOCK || n > padded.length || padded.subarray(padded.length - n).some((b) => b !== n)) {
    throw new InputError('Ansible Vault text decrypts to bad padding (it was not written by ansible-vault)', at);
  }
  return padded.subarray(0, padded.length - n);
}

/** the text ansible-vault would write: 1.1, or 1.2 with a label other than `default` */
export function encryptAnsible(plain: string | Buffer, password: string, label?: string): string {
  const salt = randomBytes(SALT);
  const { aes, mac, iv } = keys(password, salt);
  const data = typeof plain === 'string' ? Buffer.from(plain, 'utf8') : plain;
  const n = BLOCK - (data.length % BLOCK);
  const c = createCipheriv('aes-256-ctr', aes, iv);
  const ciphertext = Buffer.concat([c.update(Buffer.concat([data, Buffer.alloc(n, n)])), c.final()]);
  const hmac = createHmac('sha256', mac).update(ciphertext).digest();
  const body = Buffer.from([salt, hmac, ciphertext].map((b) => b.toString('hex')).join('\n'), 'latin1').toString('hex');
  const header = label && label !== 'default' ? `${ANSIBLE_VAULT_PREFIX}1.2;AES256;${label}` : `${ANSIBLE_VAULT_PREFIX}1.1;AES256`;
  return `${header}\n${body.replace(new RegExp(`.{1,${LINE}}`, 'g'), '$&\n')}`;
}

/** an inline value as `ansible-vault encrypt_string` prints it, for a YAML file */
export function inlineVault(vaulted: string, name?: string): string {
  const body = vaulted.trimEnd().split('\n').map((l) => `          ${l}`).join('\n');
  return `${name !== undefined ? `${name}: ` : ''}!vault |\n${body}\n`;
}
