// Ansible Vault from the command line, against the real ansible-vault: `tsplay vault` reads and
// writes Ansible's format (encrypt --format ansible, convert, rekey, encrypt-string, edit keeping
// the format), `tsplay run` reads files and inline `!vault` values made by ansible-vault in vars
// files, group_vars and -e @file with several --vault-id sources (a file, an executable script, a
// *-client script told its label), and a value read that way never shows in any output.
import { expect } from 'chai';
import { mkdtemp, writeFile, readFile, rm, mkdir, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { tsplay } from './run-tsplay.js';
import { ansibleVault } from '../unit/vault/ansible-vault-bin.js';

const NO_ENV = { TSPLAY_VAULT_PASSWORD_FILE: '', TSPLAY_VAULT_PASSWORD: '' };
const INLINE_SECRET = 'inline-Secret-4711';
const FILE_SECRET = 'file-Secret-0815';
const EXTRA_SECRET = 'extra-Secret-2342';

describe('e2e: Ansible Vault files and !vault values', function () {
  this.timeout(180_000);
  let dir: string;
  const p = (rel: string) => join(dir, rel);
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tsplay-ansible-vault-'));
    await writeFile(p('dev-pw'), 'dev password\n');
    await writeFile(p('prod-pw'), 'prod password\n');
    // a script prints the password; a *-client script is told the label it serves
    await writeFile(p('prod-script'), '#!/bin/sh\necho "prod password"\n');
    await writeFile(p('vault-client'), '#!/bin/sh\n[ "$1" = --vault-id ] && [ "$2" = prod ] && echo "prod password" && exit 0\necho "no secret for $2" >&2\nexit 2\n');
    await chmod(p('prod-script'), 0o755);
    await chmod(p('vault-client'), 0o755);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  describe('tsplay vault', () => {
    it('encrypt --format ansible writes what ansible-vault decrypts (1.2 with the label); view and decrypt read it', async () => {
      await writeFile(p('a.yml'), 'token: abc\n');
      const e = await tsplay(['vault', 'encrypt', '--format', 'ansible', '--vault-id', `prod@${p('prod-pw')}`, p('a.yml')], { env: NO_ENV });
      expect(e.code, e.stderr).to.equal(0);
      expect((await readFile(p('a.yml'), 'utf8')).split('\n')[0]).to.equal('$ANSIBLE_VAULT;1.2;AES256;prod');
      expect(ansibleVault(['view', '--vault-id', `prod@${p('prod-pw')}`, p('a.yml')])).to.equal('token: abc\n');
      const v = await tsplay(['vault', 'view', '--vault-id', `dev@${p('dev-pw')}`, '--vault-id', `prod@${p('prod-script')}`, p('a.yml')], { env: NO_ENV });
      expect(v.code, v.stderr).to.equal(0);
      expect(v.stdout).to.equal('token: abc\n');
      const d = await tsplay(['vault', 'decrypt', '--vault-id', `prod@${p('vault-client')}`, p('a.yml')], { env: NO_ENV });
      expect(d.code, d.stderr).to.equal(0);
      expect(await readFile(p('a.yml'), 'utf8')).to.equal('token: abc\n');
    });

    it('a password file with spaces around the password: what tsplay writes in Ansible\'s format opens with ansible-vault and the same file', async () => {
      await writeFile(p('spaced-pw'), '  spaced password \t\n');
      await writeFile(p('s.yml'), 'spaced: yes\n');
      const e = await tsplay(['vault', 'encrypt', '--format', 'ansible', '--vault-password-file', p('spaced-pw'), p('s.yml')], { env: NO_ENV });
      expect(e.code, e.stderr).to.equal(0);
      expect(ansibleVault(['view', '--vault-password-file', p('spaced-pw'), p('s.yml')])).to.equal('spaced: yes\n');
      const v = await tsplay(['vault', 'view', '--vault-password-file', p('spaced-pw'), p('s.yml')], { env: NO_ENV });
      expect(v.stdout, v.stderr).to.equal('spaced: yes\n');
    });

    it('a file ansible-vault encrypted: convert to tsplay\'s format and back, rekey in its own format; ansible-vault reads the result', async () => {
      await writeFile(p('b.yml'), 'key: value\n');
      ansibleVault(['encrypt', '--vault-password-file', p('dev-pw'), p('b.yml')]);
      const toT = await tsplay(['vault', 'convert', '--to', 'tsplay', '--vault-password-file', p('dev-pw'), p('b.yml')], { env: NO_ENV });
      expect(toT.code, toT.stderr).to.equal(0);
      expect(await readFile(p('b.yml'), 'utf8')).to.match(/^\$TSPLAY_VAULT;/);
      const again = await tsplay(['vault', 'convert', '--to', 'tsplay', '--vault-password-file', p('dev-pw'), p('b.yml')], { env: NO_ENV });
      expect(again.code).to.equal(4);
      expect(again.stderr).to.include(`${p('b.yml')}:1:1: already in tsplay vault format`);
      const toA = await tsplay(['vault', 'convert', '--to', 'ansible', '--vault-password-file', p('dev-pw'), p('b.yml')], { env: NO_ENV });
      expect(toA.code, toA.stderr).to.equal(0);
      expect(ansibleVault(['view', '--vault-password-file', p('dev-pw'), p('b.yml')])).to.equal('key: value\n');
      const rk = await tsplay(['vault', 'rekey', '--vault-password-file', p('dev-pw'), '--new-vault-id', `prod@${p('prod-pw')}`, p('b.yml')], { env: NO_ENV });
      expect(rk.code, rk.stderr).to.equal(0);
      expect((await readFile(p('b.yml'), 'utf8')).split('\n')[0]).to.equal('$ANSIBLE_VAULT;1.2;AES256;prod');
      expect(ansibleVault(['view', '--vault-id', `prod@${p('prod-pw')}`, p('b.yml')])).to.equal('key: value\n');
    });

    it('edit keeps an Ansible file Ansible\'s, with its label', async () => {
      await writeFile(p('c.yml'), 'n: 1\n');
      ansibleVault(['encrypt', '--vault-id', `prod@${p('prod-pw')}`, p('c.yml')]);
      await writeFile(p('editor'), '#!/bin/sh\nsed -i s/1/2/ "$1"\n');
      await chmod(p('editor'), 0o755);
      const r = await tsplay(['vault', 'edit', '--vault-id', `prod@${p('prod-pw')}`, p('c.yml')], { env: { ...NO_ENV, VISUAL: p('editor') } });
      expect(r.code, r.stderr).to.equal(0);
      expect((await readFile(p('c.yml'), 'utf8')).split('\n')[0]).to.equal('$ANSIBLE_VAULT;1.2;AES256;prod');
      expect(ansibleVault(['view', '--vault-id', `prod@${p('prod-pw')}`, p('c.yml')])).to.equal('n: 2\n');
    });

    it('a wrong password: HMAC mismatch naming the file, the file unchanged', async () => {
      await writeFile(p('d.yml'), 'n: 1\n');
      ansibleVault(['encrypt', '--vault-password-file', p('prod-pw'), p('d.yml')]);
      const before = await readFile(p('d.yml'), 'utf8');
      const r = await tsplay(['vault', 'decrypt', '--vault-password-file', p('dev-pw'), p('d.yml')], { env: NO_ENV });
      expect(r.code).to.equal(4);
      expect(r.stderr).to.include(`${p('d.yml')}:1:1: cannot decrypt this file: HMAC mismatch, the vault password is wrong or the text was changed`);
      expect(await readFile(p('d.yml'), 'utf8')).to.equal(before);
    });

    it('a failing password script is named with its exit status, and nothing is decrypted', async () => {
      await writeFile(p('e.yml'), 'n: 1\n');
      ansibleVault(['encrypt', '--vault-password-file', p('prod-pw'), p('e.yml')]);
      const r = await tsplay(['vault', 'view', '--vault-id', `dev@${p('vault-client')}`, p('e.yml')], { env: NO_ENV });
      expect(r.code).to.equal(5);
      expect(r.stderr).to.include(`the vault password script ${p('vault-client')} exited with 2 for vault id dev: no secret for dev`);
      expect(r.stdout).to.equal('');
    });

    it('encrypt-string prints a !vault value ansible-vault decrypts', async () => {
      const r = await tsplay(['vault', 'encrypt-string', '--vault-id', `prod@${p('prod-pw')}`, '--name', 'api_key', 'k3y-value'], { env: NO_ENV });
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.match(/^api_key: !vault \|\n {10}\$ANSIBLE_VAULT;1\.2;AES256;prod\n( {10}[0-9a-f]{1,80}\n)+$/);
      const vaulted = r.stdout.split('\n').slice(1).map((l) => l.trim()).join('\n');
      expect(ansibleVault(['decrypt', '--vault-id', `prod@${p('prod-pw')}`, '--output', '-'], { input: vaulted })).to.equal('k3y-value');
    });
  });

  describe('tsplay run', () => {
    before(async () => {
      await mkdir(p('proj/inv/group_vars'), { recursive: true });
      await mkdir(p('proj/out'));
      await writeFile(p('proj/inv/hosts.yml'), 'all:\n  hosts:\n    ctl: { ansible_connection: local }\n');
      // group_vars: a whole file ansible-vault encrypted for dev
      await writeFile(p('proj/inv/group_vars/all.yml'), `file_secret: ${FILE_SECRET}\n`);
      ansibleVault(['encrypt', '--vault-id', `dev@${p('dev-pw')}`, p('proj/inv/group_vars/all.yml')]);
      // a vars file with an inline value for prod
      const inline = ansibleVault(['encrypt_string', '--vault-id', `prod@${p('prod-pw')}`, INLINE_SECRET, '--name', 'inline_secret']);
      await writeFile(p('proj/vars.yml'), `plain: visible\n${inline.trimEnd()}\n`);
      // -e @file: a whole file for prod
      await writeFile(p('proj/extra.yml'), `extra_secret: ${EXTRA_SECRET}\n`);
      ansibleVault(['encrypt', '--vault-id', `prod@${p('prod-pw')}`, p('proj/extra.yml')]);
      await writeFile(
        p('proj/site.yml'),
        [
          '- hosts: all',
          '  gather_facts: false',
          '  vars_files: [vars.yml]',
          '  tasks:',
          `    - copy: { dest: "${p('proj/out')}/all", content: "{{ inline_secret }} {{ file_secret }} {{ extra_secret }}\\n" }`,
          '    - debug: { msg: "values {{ inline_secret }} {{ file_secret }} {{ extra_secret }} {{ plain }}" }',
          '',
        ].join('\n'),
      );
    });

    const run = (...args: string[]) => tsplay(['run', p('proj/site.yml'), '-i', p('proj/inv'), '-e', `@${p('proj/extra.yml')}`, ...args], { env: NO_ENV });

    it('files and inline values from ansible-vault, two vault ids (a file and a script): the values reach the file, no output shows them (-vvv, --json)', async () => {
      for (const extra of [['-vvv'], ['--json']]) {
        await rm(p('proj/out/all'), { force: true });
        const r = await run('--vault-id', `dev@${p('dev-pw')}`, '--vault-id', `prod@${p('prod-script')}`, ...extra);
        expect(r.code, r.stderr + r.stdout).to.equal(0);
        expect(await readFile(p('proj/out/all'), 'utf8')).to.equal(`${INLINE_SECRET} ${FILE_SECRET} ${EXTRA_SECRET}\n`);
        for (const s of [INLINE_SECRET, FILE_SECRET, EXTRA_SECRET, 'dev password', 'prod password']) expect(r.stdout + r.stderr, `${extra}: ${s}`).to.not.include(s);
        expect(r.stdout).to.include('visible');
        expect(r.stdout).to.include('********');
      }
    });

    it('the same playbook, vars and vault ids under ansible-playbook and tsplay: the same bytes written', async () => {
      // the values reach a file by a plain {{ var }}, which both template languages read alike
      await writeFile(
        p('proj/both.yml'),
        `- hosts: all\n  gather_facts: false\n  vars_files: [vars.yml]\n  tasks:\n    - copy: { dest: "{{ out }}", content: "{{ inline_secret }} {{ file_secret }} {{ extra_secret }}\\n", mode: "0600" }\n`,
      );
      const ids = ['--vault-id', `dev@${p('dev-pw')}`, '--vault-id', `prod@${p('prod-pw')}`];
      const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ANSIBLE_')));
      const a = spawnSync('ansible-playbook', ['-i', p('proj/inv'), p('proj/both.yml'), '-e', `@${p('proj/extra.yml')}`, '-e', `out=${p('proj/out/by-ansible')}`, ...ids], {
        encoding: 'utf8',
        env: { ...env, ANSIBLE_NOCOLOR: '1', ANSIBLE_LOCALHOST_WARNING: 'false' },
      });
      expect(a.status, a.stdout + a.stderr).to.equal(0);
      const t = await tsplay(['run', p('proj/both.yml'), '-i', p('proj/inv'), '-e', `@${p('proj/extra.yml')}`, '-e', `out=${p('proj/out/by-tsplay')}`, ...ids], { env: NO_ENV });
      expect(t.code, t.stdout + t.stderr).to.equal(0);
      const ansible = await readFile(p('proj/out/by-ansible'));
      expect(ansible.toString()).to.equal(`${INLINE_SECRET} ${FILE_SECRET} ${EXTRA_SECRET}\n`);
      expect((await readFile(p('proj/out/by-tsplay'))).equals(ansible)).to.equal(true);
    });

    it('without a password (and no terminal to ask on): the first vaulted input is an error naming it, nothing runs', async () => {
      await rm(p('proj/out/all'), { force: true });
      const r = await tsplay(['run', p('proj/site.yml'), '-i', p('proj/inv')], { env: NO_ENV });
      expect(r.code).to.equal(4);
      expect(r.stderr).to.include(`${p('proj/inv/group_vars/all.yml')}:1:1: this file is vault-encrypted: give --vault-password-file`);
      expect(r.stdout).to.not.include('TASK');
    });

    it('only the dev password: the !vault value for prod is an HMAC mismatch at its line, nothing runs, no ciphertext anywhere', async () => {
      await rm(p('proj/out/all'), { force: true });
      const r = await tsplay(['run', p('proj/site.yml'), '-i', p('proj/inv'), '--vault-id', `dev@${p('dev-pw')}`], { env: NO_ENV });
      expect(r.code).to.equal(4);
      expect(r.stderr).to.include(`${p('proj/vars.yml')}:3:11: cannot decrypt this !vault value for vault id "prod": HMAC mismatch, the vault password is wrong (vault ids tried: dev) or the text was changed`);
      expect(r.stdout).to.not.include('TASK');
      expect(await readFile(p('proj/out/all'), 'utf8').catch(() => 'absent')).to.equal('absent');
    });

    it('ansible.cfg vault_password_file as an executable script decrypts as --vault-password-file does', async () => {
      // one password for all three: the script's; the files for dev are rekeyed to it
      await writeFile(p('proj/ansible.cfg'), `[defaults]\nvault_password_file = ${p('prod-script')}\n`);
      const rk = await tsplay(['vault', 'rekey', '--vault-id', `dev@${p('dev-pw')}`, '--new-vault-password-file', p('prod-pw'), p('proj/inv/group_vars/all.yml')], { env: NO_ENV });
      expect(rk.code, rk.stderr).to.equal(0);
      const r = await tsplay(['run', p('proj/site.yml'), '-i', p('proj/inv'), '-e', `@${p('proj/extra.yml')}`], { env: NO_ENV, cwd: p('proj') });
      expect(r.code, r.stderr + r.stdout).to.equal(0);
      expect(await readFile(p('proj/out/all'), 'utf8')).to.equal(`${INLINE_SECRET} ${FILE_SECRET} ${EXTRA_SECRET}\n`);
      expect(r.stdout + r.stderr).to.not.include(INLINE_SECRET);
    });
  });
});
