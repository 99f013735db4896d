// Secrets: vault-encrypted vars files, variables marked secret and no_log values never appear
// in any output (plain, --json, --diff, error messages, the run log), yet reach the host intact.
import { expect } from 'chai';
import { mkdtemp, writeFile, readFile, rm, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tsplay } from './run-tsplay.js';

const VAULTED = 'Vault-Pa$$w0rd "quoted" ünïcode';
const MARKED = 'marked-secret-1234';
const NOLOG = 'no-log-token-98765';

describe('e2e: secrets are redacted everywhere and arrive intact', function () {
  this.timeout(120_000);
  let dir: string;
  const outputs: string[] = [];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tsplay-secrets-'));
    await mkdir(join(dir, 'inv', 'group_vars'), { recursive: true });
    await writeFile(join(dir, 'inv', 'hosts.yml'), 'all:\n  hosts:\n    localhost: { ansible_connection: local }\n');
    await writeFile(join(dir, 'inv', 'group_vars', 'all.yml'), `db_password: ${JSON.stringify(VAULTED)}\n`);
    await writeFile(join(dir, 'inv', 'group_vars', 'local.yml'), '');
    await writeFile(join(dir, 'pw'), 'correct horse battery staple\n');
    await writeFile(
      join(dir, 'site.yml'),
      `- hosts: all
  gather_facts: false
  vars:
    tsplay_secret_vars: [api_token]
    api_token: ${MARKED}
  tasks:
    - name: config with secrets
      copy:
        dest: ${dir}/out/app.conf
        content: "password={{ db_password }}\\ntoken={{ api_token }}\\n"
    - name: a quiet one
      copy: { dest: "${dir}/out/nolog", content: "${NOLOG}" }
      no_log: true
    - name: echo them
      debug: { msg: "db {{ db_password }} api {{ api_token }}" }
    - name: fails mentioning the secret
      command: "sh -c 'echo {{ api_token }} >&2; exit 1'"
      ignore_errors: true
`,
    );
    await mkdir(join(dir, 'out'));
  });
  after(() => rm(dir, { recursive: true, force: true }));
  const run = (...extra: string[]) => ['run', join(dir, 'site.yml'), '-i', join(dir, 'inv'), '--vault-password-file', join(dir, 'pw'), ...extra];

  it('tsplay vault encrypts a vars file; without the password the run is refused', async () => {
    const e = await tsplay(['vault', 'encrypt', '--vault-password-file', join(dir, 'pw'), join(dir, 'inv', 'group_vars', 'all.yml')]);
    expect(e.code, e.stderr).to.equal(0);
    const enc = await readFile(join(dir, 'inv', 'group_vars', 'all.yml'), 'utf8');
    expect(enc).to.match(/^\$TSPLAY_VAULT;1\.0;AES256GCM\n/);
    expect(enc).to.not.include('Vault-Pa');
    const v = await tsplay(['vault', 'view', '--vault-password-file', join(dir, 'pw'), join(dir, 'inv', 'group_vars', 'all.yml')]);
    expect(v.stdout).to.equal(`db_password: ${JSON.stringify(VAULTED)}\n`);
    const none = await tsplay(['run', join(dir, 'site.yml'), '-i', join(dir, 'inv')], { env: { TSPLAY_VAULT_PASSWORD_FILE: '', TSPLAY_VAULT_PASSWORD: '' } });
    expect(none.code).to.equal(4);
    expect(none.stderr).to.match(/all\.yml:1:1: this file is vault-encrypted/);
    // the password given is a secret too: one that is an English word would be redacted in the message
    await writeFile(join(dir, 'bad-pw'), 'not-the-password\n');
    const wrong = await tsplay(['run', join(dir, 'site.yml'), '-i', join(dir, 'inv'), '--vault-password-file', join(dir, 'bad-pw')]);
    expect(wrong.code).to.equal(4);
    expect(wrong.stderr).to.match(/wrong vault password/);
  });

  it('plain, --diff, --json, errors and the run log never show a secret', async () => {
    const log = join(dir, 'runs.log');
    const first = await tsplay(run('--diff', '--run-log', log));
    expect(first.code, first.stdout + first.stderr).to.equal(0);
    const json = await tsplay(run('--json', '--diff', '--check'));
    // -vvv: the results and every command run, which quote the secrets
    const verbose = await tsplay(run('-vvv', '--run-log', log));
    outputs.push(first.stdout, first.stderr, json.stdout, json.stderr, verbose.stdout, verbose.stderr, await readFile(log, 'utf8'));
    const all = outputs.join('\n');
    for (const secret of [VAULTED, JSON.stringify(VAULTED).slice(1, -1), MARKED, NOLOG]) expect(all, secret).to.not.include(secret);
    expect(first.stdout).to.include('+password=********');
    expect(first.stdout).to.match(/ok: \[localhost\] => \{\n {4}"msg": ".*db \*+ api \*+/);
    // -vvv: the failed result on many lines, as Ansible's
    expect(verbose.stdout).to.match(/FAILED! => \{\n[^]*\n {4}"stderr": "\*{8}"/);
    expect(verbose.stdout).to.match(/^<localhost> EXEC .*\*{8}/m);
    const records = (await readFile(log, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(records).to.have.length(2);
    expect(records[0].hosts.localhost.changed_tasks).to.include('config with secrets');
    expect(records[1].hosts.localhost.changed_tasks).to.deep.equal([]);
    expect(records[0]).to.include.keys('time', 'user', 'playbook', 'inventory', 'exit_code');
  });

  it('the host gets the real values byte for byte', async () => {
    expect(await readFile(join(dir, 'out', 'app.conf'), 'utf8')).to.equal(`password=${VAULTED}\ntoken=${MARKED}\n`);
    expect(await readFile(join(dir, 'out', 'nolog'), 'utf8')).to.equal(NOLOG);
  });

  it('vault decrypt restores the file', async () => {
    const d = await tsplay(['vault', 'decrypt', '--vault-password-file', join(dir, 'pw'), join(dir, 'inv', 'group_vars', 'all.yml')]);
    expect(d.code, d.stderr).to.equal(0);
    expect(await readFile(join(dir, 'inv', 'group_vars', 'all.yml'), 'utf8')).to.equal(`db_password: ${JSON.stringify(VAULTED)}\n`);
  });
});
