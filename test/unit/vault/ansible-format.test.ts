// Ansible Vault's format against the real ansible-vault: what it writes (files, 1.1 and 1.2 with a
// label, and encrypt_string's inline values) tsplay decrypts to the same bytes, what tsplay writes
// ansible-vault decrypts, and a wrong password is told as an HMAC mismatch naming the file.
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../../engine/errors.js';
import { decryptAnsible, encryptAnsible, inlineVault, parseAnsibleVault } from '../../../engine/vault/ansible.js';
import { VaultKeys } from '../../../engine/vault/keys.js';
import { encryptText } from '../../../engine/vault/format.js';
import { parseYamlInput } from '../../../engine/yaml/source.js';
import { Redactor } from '../../../engine/secrets/redactor.js';
import { ansibleVault } from './ansible-vault-bin.js';

function thrown(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

describe('Ansible Vault format, against the real ansible-vault', function () {
  // ansible-vault is a Python program: each call takes about a second
  this.timeout(60_000);
  let dir: string;
  let pw: string;
  let other: string;
  // lengths around the AES block: empty, one short, exact, one over; and bytes that are not UTF-8
  const PLAINS: [string, Buffer][] = [
    ['empty', Buffer.alloc(0)],
    ['15 bytes', Buffer.from('fifteen bytes!\n')],
    ['16 bytes', Buffer.from('sixteen bytes!!\n')],
    ['17 bytes', Buffer.from('seventeen bytes!\n')],
    ['YAML with non-ASCII', Buffer.from('db_password: "pässwörd ✓"\nlist: [1, 2]\n')],
    ['not UTF-8', Buffer.from([0xff, 0xfe, 0x00, 0x80, 0x0a])],
  ];

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsplay-ansvault-'));
    pw = join(dir, 'pw');
    other = join(dir, 'other');
    // ansible-vault strips the whitespace around a password it reads from a file
    writeFileSync(pw, 'correct horse battery\n');
    writeFileSync(other, 'another one\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const [name, plain] of PLAINS) {
    it(`a file ansible-vault encrypted decrypts to the same bytes (${name})`, () => {
      const f = join(dir, `plain-${name.replace(/\W/g, '_')}`);
      writeFileSync(f, plain);
      ansibleVault(['encrypt', '--vault-password-file', pw, f]);
      const text = readFileSync(f, 'utf8');
      expect(text).to.match(/^\$ANSIBLE_VAULT;1\.1;AES256\n/);
      const keys = new VaultKeys([{ label: 'default', password: 'correct horse battery' }]);
      expect(keys.decrypt(text, { file: f, line: 1, col: 1 }, 'this file').equals(plain)).to.equal(true);
    });

    it(`a file tsplay encrypted in Ansible's format decrypts with ansible-vault (${name})`, () => {
      const f = join(dir, `tsplay-${name.replace(/\W/g, '_')}`);
      writeFileSync(f, encryptAnsible(plain, 'correct horse battery'));
      ansibleVault(['decrypt', '--vault-password-file', pw, '--output', `${f}.out`, f]);
      expect(readFileSync(`${f}.out`).equals(plain)).to.equal(true);
    });
  }

  it('a 1.2 file with a vault id label: the label is read, the id named by it is used, and ansible-vault reads what tsplay writes for a label', () => {
    const f = join(dir, 'labelled.yml');
    writeFileSync(f, 'token: abcdef\n');
    ansibleVault(['encrypt', '--vault-id', `prod@${other}`, f]);
    const text = readFileSync(f, 'utf8');
    expect(text.split('\n')[0]).to.equal('$ANSIBLE_VAULT;1.2;AES256;prod');
    expect(parseAnsibleVault(text, { file: f, line: 1, col: 1 }).label).to.equal('prod');
    // several ids: the one labelled prod is the right one, whatever the order
    const keys = new VaultKeys([
      { label: 'dev', password: 'correct horse battery' },
      { label: 'prod', password: 'another one' },
    ]);
    expect(keys.decrypt(text, { file: f, line: 1, col: 1 }, 'this file').toString()).to.equal('token: abcdef\n');
    // a label that names no id given: every password is tried, as Ansible does
    const unlabelled = new VaultKeys([
      { label: 'dev', password: 'correct horse battery' },
      { label: 'other', password: 'another one' },
    ]);
    expect(unlabelled.decrypt(text, { file: f, line: 1, col: 1 }, 'this file').toString()).to.equal('token: abcdef\n');

    const g = join(dir, 'tsplay-labelled.yml');
    const written = encryptAnsible('token: ghijkl\n', 'another one', 'prod');
    expect(written.split('\n')[0]).to.equal('$ANSIBLE_VAULT;1.2;AES256;prod');
    writeFileSync(g, written);
    expect(ansibleVault(['view', '--vault-id', `prod@${other}`, g])).to.equal('token: ghijkl\n');
    // the label `default` is 1.1, as ansible-vault writes it
    expect(encryptAnsible('x', 'p', 'default').split('\n')[0]).to.equal('$ANSIBLE_VAULT;1.1;AES256');
  });

  it('the envelope is laid out as ansible-vault lays it out: lines of 80 hex digits, a final newline', () => {
    const text = encryptAnsible(Buffer.alloc(200, 7), 'p');
    const lines = text.split('\n');
    expect(lines.at(-1)).to.equal('');
    for (const l of lines.slice(1, -2)) expect(l).to.match(/^[0-9a-f]{80}$/);
    expect(lines.at(-2)).to.match(/^[0-9a-f]{1,80}$/);
  });

  it('a wrong password is an HMAC mismatch naming the file, with the labels tried; nothing is decrypted', () => {
    const f = join(dir, 'wrong.yml');
    writeFileSync(f, 'secret: value\n');
    ansibleVault(['encrypt', '--vault-id', `prod@${pw}`, f]);
    const text = readFileSync(f, 'utf8');
    const keys = new VaultKeys([
      { label: 'dev', password: 'nope' },
      { label: 'prod', password: 'also not' },
    ]);
    const e = thrown(() => keys.decrypt(text, { file: f, line: 1, col: 1 }, 'this file'));
    expect(e.describe()).to.equal(`${f}:1:1: cannot decrypt this file for vault id "prod": HMAC mismatch, the vault password is wrong (vault ids tried: dev, prod) or the text was changed`);
    const env = parseAnsibleVault(text, { file: f, line: 1, col: 1 });
    expect(decryptAnsible(env, 'nope', { file: f })).to.equal(undefined);
  });

  it('a changed ciphertext is an HMAC mismatch, not garbage', () => {
    const text = encryptAnsible('secret: value\n', 'p');
    const env = parseAnsibleVault(text, { file: 'x', line: 1, col: 1 });
    env.ciphertext[0] ^= 1;
    expect(decryptAnsible(env, 'p', { file: 'x' })).to.equal(undefined);
  });

  it('no password: the error names the file and says how to give one', () => {
    const e = thrown(() => new VaultKeys().decrypt(encryptAnsible('a: 1\n', 'p'), { file: '/x/vars.yml', line: 1, col: 1 }, 'this file'));
    expect(e.describe()).to.match(/^\/x\/vars\.yml:1:1: this file is vault-encrypted: give --vault-password-file FILE, --vault-id \[LABEL@\]FILE or --ask-vault-pass/);
  });

  it('a broken envelope is refused at its line: an unknown cipher, a body that is not hex', () => {
    const good = encryptAnsible('a: 1\n', 'p');
    expect(thrown(() => parseAnsibleVault(good.replace('AES256', 'AES'), { file: 'f', line: 1, col: 1 })).describe()).to.equal('f:1:1: Ansible Vault cipher AES is not supported (AES256 is)');
    const lines = good.split('\n');
    lines[2] = lines[2].slice(0, 10) + 'zz' + lines[2].slice(12);
    expect(thrown(() => parseAnsibleVault(lines.join('\n'), { file: 'f', line: 1, col: 1 })).describe()).to.equal('f:3: not a valid Ansible Vault text: a line of the body is not hexadecimal');
  });

  it('one set of keys decrypts tsplay\'s own files too, trying each password', () => {
    const keys = new VaultKeys([
      { label: 'a', password: 'first' },
      { label: 'b', password: 'second' },
    ]);
    expect(keys.decrypt(encryptText('x: 1\n', 'second'), { file: 'f', line: 1, col: 1 }, 'this file').toString()).to.equal('x: 1\n');
  });

  describe('inline values (encrypt_string) read by the one YAML reader', () => {
    it('a !vault value ansible-vault encrypt_string printed is its plaintext, at load, and a secret of the redactor', async () => {
      const out = ansibleVault(['encrypt_string', '--vault-id', `prod@${pw}`, 'the inline secret', '--name', 'db_password']);
      const f = join(dir, 'inline.yml');
      const text = `user: app\n${out.trimEnd()}\nafter: [1, 2]\n`;
      writeFileSync(f, text);
      const redactor = new Redactor();
      const keys = new VaultKeys([{ label: 'prod', password: 'correct horse battery' }], undefined, redactor);
      const loaded = await parseYamlInput(text, f, undefined, { keys, redactor });
      expect(loaded.data).to.deep.equal({ user: 'app', db_password: 'the inline secret', after: [1, 2] });
      expect(redactor.redact('pw is the inline secret.')).to.equal('pw is ********.');
      // its position is where the value is written
      expect(loaded.positions.valuePos(loaded.data, 'db_password')).to.deep.include({ file: f, line: 2 });
    });

    it('tsplay\'s inline value (as encrypt_string lays it out) decrypts with ansible-vault', () => {
      const inline = inlineVault(encryptAnsible('from tsplay', 'correct horse battery', 'prod'), 'x');
      expect(inline).to.match(/^x: !vault \|\n {10}\$ANSIBLE_VAULT;1\.2;AES256;prod\n/);
      const f = join(dir, 'from-tsplay.yml');
      writeFileSync(f, inline);
      // ansible-vault decrypts an inline value given on stdin as the text after the tag
      const vaulted = inline.split('\n').slice(1).map((l) => l.trim()).join('\n');
      expect(ansibleVault(['decrypt', '--vault-id', `prod@${pw}`, '--output', '-'], { input: vaulted })).to.equal('from tsplay');
    });

    it('no password: the error names the line and column of the value, never the ciphertext as a value', async () => {
      const text = `a: 1\nsecret: ${inlineVault(encryptAnsible('s3cret', 'p')).trimEnd()}\n`;
      let err: unknown;
      await parseYamlInput(text, '/p/vars.yml').catch((e) => (err = e));
      expect(err).to.be.instanceOf(InputError);
      expect((err as InputError).describe()).to.match(/^\/p\/vars\.yml:3:11: this !vault value is vault-encrypted: give --vault-password-file/);
    });

    it('a wrong password: HMAC mismatch at the value\'s line', async () => {
      const text = `a: 1\nsecret: ${inlineVault(encryptAnsible('s3cret', 'p')).trimEnd()}\n`;
      let err: unknown;
      await parseYamlInput(text, '/p/vars.yml', undefined, { keys: new VaultKeys([{ label: 'default', password: 'q' }]) }).catch((e) => (err = e));
      expect((err as InputError).describe()).to.equal('/p/vars.yml:3:11: cannot decrypt this !vault value: HMAC mismatch, the vault password is wrong or the text was changed');
    });
  });
});
