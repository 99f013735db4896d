// Ansible Vault on a lab host (worker2): an inline `!vault` value (ansible-vault encrypt_string) in
// a vars file and a file include_vars reads (ansible-vault encrypt) are deployed into a file in a
// private temp directory. The values are on the host and nowhere in what tsplay prints: not with
// --diff, -v (the command's stdout), -vvv (the commands sent), nor in --json. Without the password
// the run stops at the value's file:line:col before anything reaches the host.
import { expect } from 'chai';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { projectRoot } from '../../engine/paths.js';
import { tsplay, recapOf } from './run-tsplay.js';
import { labSsh, labTempDirs, removeLabTempDirs } from './lab-ssh.js';
import { ansibleVault } from '../unit/vault/ansible-vault-bin.js';

const HOST = 'worker2';
const IP = '10.77.0.22';
const INV = join(projectRoot(), 'inventories', 'lab');
const DB = 'db-Inline-Vault-5150';
const TOKEN = 'api-Included-Vault-8086';
const NO_ENV = { TSPLAY_VAULT_PASSWORD_FILE: '', TSPLAY_VAULT_PASSWORD: '' };

describe('e2e: Ansible Vault values deployed to worker2', function () {
  this.timeout(300_000);
  let root = '';
  let dir = '';

  before(async function () {
    ({ root, dir } = await labTempDirs(this, IP, 'ansible-vault'));
    await writeFile(join(dir, 'pw'), 'lab vault password\n');
    const inline = ansibleVault(['encrypt_string', '--vault-id', `lab@${join(dir, 'pw')}`, DB, '--name', 'db_password']);
    await writeFile(join(dir, 'secret-vars.yml'), `db_user: app\n${inline.trimEnd()}\n`);
    await writeFile(join(dir, 'included.yml'), `api_token: ${TOKEN}\n`);
    ansibleVault(['encrypt', '--vault-id', `lab@${join(dir, 'pw')}`, join(dir, 'included.yml')]);
    await writeFile(
      join(dir, 'deploy.yml'),
      `- hosts: ${HOST}
  gather_facts: false
  vars_files: [secret-vars.yml]
  tasks:
    - include_vars: included.yml
    - copy: { dest: ${root}/app.conf, content: "user={{ db_user }} db={{ db_password }} token={{ api_token }}\\n", mode: "0600" }
    - command: cat ${root}/app.conf
      changed_when: false
    - debug: { var: db_password }
`,
    );
  });
  after(() => removeLabTempDirs(IP, root, dir));

  // other helpers may run against the lab inventory meanwhile: this touches only its temp directory
  const run = (...extra: string[]) => tsplay(['run', join(dir, 'deploy.yml'), '-i', INV, '--limit', HOST, '--no-lock', ...extra], { env: NO_ENV });
  const leaks = (text: string) => [DB, TOKEN, 'lab vault password'].filter((s) => text.includes(s));

  it('without the password: an error at the !vault value\'s line, nothing on the host', async () => {
    const r = await run();
    expect(r.code, r.stdout + r.stderr).to.equal(4);
    expect(r.stderr).to.include(`${join(dir, 'secret-vars.yml')}:3:11: this !vault value is vault-encrypted: give --vault-password-file`);
    expect(r.stdout).to.not.include('TASK');
    expect((await labSsh(IP, `ls -A ${root}`)).stdout).to.equal('');
  });

  it('with --vault-id: the values are in the file on the host and nowhere in the output (--diff -v, -vvv, --json)', async () => {
    const first = await run('--vault-id', `lab@${join(dir, 'pw')}`, '--diff', '-v');
    expect(first.code, first.stdout + first.stderr).to.equal(0);
    expect(recapOf(first.stdout, HOST)).to.include({ changed: 1, failed: 0 });
    expect((await labSsh(IP, `stat -c %a ${root}/app.conf; cat ${root}/app.conf`)).stdout).to.equal(`600\nuser=app db=${DB} token=${TOKEN}\n`);
    // the diff and the command's stdout are there, with the values hidden
    expect(first.stdout).to.match(/\+user=app db=\*{8} token=\*{8}/);
    expect(first.stdout).to.include('"db_password": "********"');
    expect(leaks(first.stdout + first.stderr)).to.deep.equal([]);

    const traced = await run('--vault-id', `lab@${join(dir, 'pw')}`, '-vvv');
    expect(traced.code, traced.stdout + traced.stderr).to.equal(0);
    expect(recapOf(traced.stdout, HOST)).to.include({ changed: 0, failed: 0 });
    expect(traced.stdout).to.include(`cat ${root}/app.conf`);
    expect(leaks(traced.stdout + traced.stderr)).to.deep.equal([]);

    const json = await run('--vault-id', `lab@${join(dir, 'pw')}`, '--json');
    expect(json.code, json.stdout + json.stderr).to.equal(0);
    expect(() => JSON.parse(json.stdout)).to.not.throw();
    expect(json.stdout).to.include('********');
    expect(leaks(json.stdout + json.stderr)).to.deep.equal([]);
  });
});
