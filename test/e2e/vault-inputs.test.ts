// Vault-encrypted files are read wherever tsplay reads vars: `tsplay inventory` and `tsplay facts`
// take the vault password as `run` does (option or environment), and `-e @file` decrypts a vault
// file. Values from vault files are printed as ******** by every command, as README "Secrets" says.
import { expect } from 'chai';
import { mkdtemp, writeFile, readFile, rm, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tsplay } from './run-tsplay.js';

const SECRET = 'vaulted-db-Pa$$word';
const EXTRA_SECRET = 'extra-api-token-4711';
const NO_ENV = { TSPLAY_VAULT_PASSWORD_FILE: '', TSPLAY_VAULT_PASSWORD: '' };

describe('e2e: vault files in inventory, facts and -e @file', function () {
  this.timeout(120_000);
  let dir: string;
  const p = (rel: string) => join(dir, rel);
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tsplay-vault-inputs-'));
    await mkdir(p('inv/group_vars'), { recursive: true });
    // unreachable unless the vaulted group_vars make the host local. (Its name is not "localhost":
    // "local" is a vaulted value, so it would print as "********host".)
    await writeFile(p('inv/hosts.yml'), 'all:\n  hosts:\n    ctl: { ansible_host: 127.0.0.1, ansible_port: 1, plain_var: visible-value }\n');
    await writeFile(p('inv/group_vars/all.yml'), `ansible_connection: local\ndb_password: "${SECRET}"\n`);
    await writeFile(p('extra.yml'), `api_token: ${EXTRA_SECRET}\n`);
    await writeFile(p('pw'), 'vault pw\n');
    await mkdir(p('out'));
    await writeFile(
      p('site.yml'),
      `- hosts: all\n  gather_facts: false\n  tasks:\n    - copy: { dest: "${p('out')}/token", content: "{{ api_token }}" }\n    - debug: { msg: "token {{ api_token }}" }\n`,
    );
    for (const f of ['inv/group_vars/all.yml', 'extra.yml']) {
      const r = await tsplay(['vault', 'encrypt', '--vault-password-file', p('pw'), p(f)]);
      expect(r.code, r.stderr).to.equal(0);
    }
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('tsplay inventory reads a vaulted group_vars file with --vault-password-file, values redacted', async () => {
    const r = await tsplay(['inventory', '-i', p('inv'), '--list', '--vault-password-file', p('pw')], { env: NO_ENV });
    expect(r.code, r.stderr).to.equal(0);
    const list = JSON.parse(r.stdout);
    expect(list._meta.hostvars.ctl).to.deep.include({ ansible_connection: '********', db_password: '********', plain_var: 'visible-value' });
    expect(r.stdout + r.stderr).to.not.include(SECRET);
    const host = await tsplay(['inventory', '-i', p('inv'), '--host', 'ctl', '--vault-password-file', p('pw')], { env: NO_ENV });
    expect(host.code, host.stderr).to.equal(0);
    expect(JSON.parse(host.stdout)).to.deep.include({ db_password: '********', plain_var: 'visible-value' });
  });

  it('tsplay inventory takes the password from TSPLAY_VAULT_PASSWORD_FILE or TSPLAY_VAULT_PASSWORD, and names the file without one', async () => {
    for (const env of [{ ...NO_ENV, TSPLAY_VAULT_PASSWORD_FILE: p('pw') }, { ...NO_ENV, TSPLAY_VAULT_PASSWORD: 'vault pw' }]) {
      const r = await tsplay(['inventory', '-i', p('inv'), '--graph'], { env });
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.include('--ctl');
    }
    const none = await tsplay(['inventory', '-i', p('inv'), '--list'], { env: NO_ENV });
    expect(none.code).to.equal(4);
    expect(none.stderr).to.include(`${p('inv/group_vars/all.yml')}:1:1: this file is vault-encrypted: give --vault-password-file`);
  });

  it('tsplay facts gathers from a host whose connection is set in a vaulted file', async () => {
    const r = await tsplay(['facts', '-i', p('inv'), '--vault-password-file', p('pw')], { env: NO_ENV });
    expect(r.code, r.stderr).to.equal(0);
    const facts = JSON.parse(r.stdout);
    expect(facts.ctl.unreachable, r.stdout).to.equal(undefined);
    expect(facts.ctl.ansible_facts).to.be.an('object').that.is.not.empty;
    const none = await tsplay(['facts', '-i', p('inv')], { env: NO_ENV });
    expect(none.code).to.equal(4);
    expect(none.stderr).to.include(`${p('inv/group_vars/all.yml')}:1:1: this file is vault-encrypted`);
  });

  it('-e @vaulted.yml is decrypted with the password: the host gets the value, the output hides it', async () => {
    const r = await tsplay(['run', p('site.yml'), '-i', p('inv'), '-e', `@${p('extra.yml')}`, '--vault-password-file', p('pw')], { env: NO_ENV });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(await readFile(p('out/token'), 'utf8')).to.equal(EXTRA_SECRET);
    expect(r.stdout).to.include('token ********');
    expect(r.stdout + r.stderr).to.not.include(EXTRA_SECRET);
  });

  it('-e @vaulted.yml without the password is refused naming the file', async () => {
    await rm(p('out/token'), { force: true });
    await writeFile(p('inv/group_vars/all.yml'), 'ansible_connection: local\n'); // only -e needs the password
    const r = await tsplay(['run', p('site.yml'), '-i', p('inv'), '-e', `@${p('extra.yml')}`], { env: NO_ENV });
    expect(r.code, r.stdout + r.stderr).to.equal(4);
    expect(r.stderr).to.include(`${p('extra.yml')}:1:1: this file is vault-encrypted: give --vault-password-file`);
    expect(r.stderr).to.not.match(/must be a map/);
  });
});
