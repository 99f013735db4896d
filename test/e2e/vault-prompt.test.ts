// A vaulted input met on a terminal with no vault password given: tsplay asks once, as
// ansible-playbook --ask-vault-pass would have (nothing echoed), and that password decrypts every
// vaulted thing of the run (an ansible-vault file and an inline !vault value here). A wrong answer
// is an HMAC mismatch naming the file. Checked in a real terminal (tmux).
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, writeFile, rm, readFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Terminal } from './terminal.js';
import { ansibleVault } from '../unit/vault/ansible-vault-bin.js';

const run = promisify(execFile);
const PASSWORD = 'typed-at-the-prompt-31';
const NO_ENV = { TSPLAY_VAULT_PASSWORD_FILE: '', TSPLAY_VAULT_PASSWORD: '' };

describe('e2e: the vault password asked when a vaulted input is met on a terminal', function () {
  this.timeout(180_000);
  let dir: string;
  let term: Terminal;
  before(async function () {
    try {
      await run('tmux', ['-V']);
    } catch {
      console.log('      (skipped: tmux is not installed)');
      this.skip();
    }
    dir = await mkdtemp(join(tmpdir(), 'tsplay-vault-prompt-'));
    term = new Terminal(dir);
    await term.start();
    await mkdir(join(dir, 'out'));
    await writeFile(join(dir, 'pw'), `${PASSWORD}\n`);
    await writeFile(join(dir, 'hosts.yml'), 'all:\n  hosts:\n    localhost: { ansible_connection: local }\n');
    await writeFile(join(dir, 'file-vars.yml'), 'from_file: file-value-77\n');
    ansibleVault(['encrypt', '--vault-password-file', join(dir, 'pw'), join(dir, 'file-vars.yml')]);
    const inline = ansibleVault(['encrypt_string', '--vault-password-file', join(dir, 'pw'), 'inline-value-88', '--name', 'from_inline']);
    await writeFile(join(dir, 'inline-vars.yml'), `${inline.trimEnd()}\n`);
    await writeFile(
      join(dir, 'site.yml'),
      `- hosts: all\n  gather_facts: false\n  vars_files: [file-vars.yml, inline-vars.yml]\n  tasks:\n    - name: keep\n      copy: { dest: "${dir}/out/both", content: "{{ from_file }} {{ from_inline }}" }\n    - name: show\n      debug: { msg: "got {{ from_file }} {{ from_inline }}" }\n`,
    );
  });
  after(async () => {
    await term?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('asked once with nothing echoed; the answer decrypts the ansible-vault file and the !vault value; neither shows', async () => {
    const s = await term.tsplay(['run', join(dir, 'site.yml'), '-i', join(dir, 'hosts.yml')], {
      cols: 120,
      rows: 40,
      env: NO_ENV,
      answers: [{ after: 'Vault password:', keys: [PASSWORD, 'Enter'] }],
    });
    expect(s.code, s.joined).to.equal(0);
    expect(await readFile(join(dir, 'out', 'both'), 'utf8')).to.equal('file-value-77 inline-value-88');
    expect(s.joined.match(/^Vault password: *$/gm)).to.have.length(1);
    expect(s.joined).to.include('=> "got ******** ********"');
    for (const secret of [PASSWORD, 'file-value-77', 'inline-value-88']) expect(s.joined).to.not.include(secret);
  });

  it('a wrong answer: an HMAC mismatch naming the file, nothing run', async () => {
    await rm(join(dir, 'out', 'both'), { force: true });
    const s = await term.tsplay(['run', join(dir, 'site.yml'), '-i', join(dir, 'hosts.yml')], {
      cols: 160,
      rows: 40,
      env: NO_ENV,
      answers: [{ after: 'Vault password:', keys: ['not-it', 'Enter'] }],
    });
    expect(s.code, s.joined).to.equal(4);
    expect(s.joined).to.include(`${join(dir, 'file-vars.yml')}:1:1: cannot decrypt this file: HMAC mismatch, the vault password is wrong or the text was changed`);
    expect(s.joined).to.not.include('TASK [keep]');
    expect(await readFile(join(dir, 'out', 'both'), 'utf8').catch(() => 'absent')).to.equal('absent');
  });

  describe('tsplay vault with no password given asks as ansible-vault asks', () => {
    it('encrypt: a new password typed twice (nothing echoed) encrypts what ansible-vault decrypts; view asks once and shows the file', async () => {
      await writeFile(join(dir, 'typed.yml'), 'typed: content\n');
      const e = await term.tsplay(['vault', 'encrypt', '--format', 'ansible', join(dir, 'typed.yml')], {
        cols: 120,
        rows: 20,
        env: NO_ENV,
        answers: [
          { after: 'New Vault password:', keys: ['new-typed-pass-12', 'Enter'] },
          { after: 'Confirm New Vault password:', keys: ['new-typed-pass-12', 'Enter'] },
        ],
      });
      expect(e.code, e.joined).to.equal(0);
      expect(e.joined).to.not.include('new-typed-pass');
      await writeFile(join(dir, 'typed-pw'), 'new-typed-pass-12\n');
      expect(ansibleVault(['view', '--vault-password-file', join(dir, 'typed-pw'), join(dir, 'typed.yml')])).to.equal('typed: content\n');
      const v = await term.tsplay(['vault', 'view', join(dir, 'typed.yml')], {
        cols: 120,
        rows: 20,
        env: NO_ENV,
        answers: [{ after: 'Vault password:', keys: ['new-typed-pass-12', 'Enter'] }],
      });
      expect(v.code, v.joined).to.equal(0);
      expect(v.joined).to.match(/^Vault password: *\ntyped: content$/m);
      expect(v.joined).to.not.include('new-typed-pass');
    });

    it('encrypt: two different passwords typed: exit 5, the file unchanged', async () => {
      await writeFile(join(dir, 'differ.yml'), 'stays: plain\n');
      const e = await term.tsplay(['vault', 'encrypt', join(dir, 'differ.yml')], {
        cols: 120,
        rows: 20,
        env: NO_ENV,
        answers: [
          { after: 'New Vault password:', keys: ['one-password', 'Enter'] },
          { after: 'Confirm New Vault password:', keys: ['another-one', 'Enter'] },
        ],
      });
      expect(e.code, e.joined).to.equal(5);
      expect(e.joined).to.include('the two passwords typed differ; nothing was encrypted');
      expect(await readFile(join(dir, 'differ.yml'), 'utf8')).to.equal('stays: plain\n');
    });
  });
});
