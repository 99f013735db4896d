// ansible.cfg's [ssh_connection] ssh_args and the ANSIBLE_* variables of every setting tsplay
// reads, with Ansible's precedence (command line > environment > ansible.cfg > default), and
// `tsplay config dump`. Real runs of the CLI against a real sshd on 127.0.0.1 that only the
// settings under test can reach (HOME of its own, no agent, an inventory naming only the address).
import { expect } from 'chai';
import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFile } from 'node:fs/promises';
import { tsplay, recapOf } from './run-tsplay.js';
import { Sshd, sshdAvailable } from '../unit/transport/sshd-fixture.js';
import { Terminal } from './terminal.js';

describe('e2e: ansible.cfg ssh_args, ANSIBLE_* variables, tsplay config dump', function () {
  this.timeout(120_000);
  let dir: string;
  let home: string;
  let sshd: Sshd | undefined;
  // nothing from the machine running the tests: a HOME of its own, no agent, no ANSIBLE_* of the environment
  const clean = { ANSIBLE_CONFIG: '', ANSIBLE_INVENTORY: '', ANSIBLE_ASK_PASS: '', ANSIBLE_BECOME_ASK_PASS: '', ANSIBLE_REMOTE_USER: '', ANSIBLE_FORKS: '', ANSIBLE_BECOME: '', ANSIBLE_BECOME_USER: '', ANSIBLE_BECOME_METHOD: '', ANSIBLE_ROLES_PATH: '', ANSIBLE_VAULT_PASSWORD_FILE: '', ANSIBLE_HOST_KEY_CHECKING: '', ANSIBLE_SSH_ARGS: '', SSH_AUTH_SOCK: '', TSPLAY_VAULT_PASSWORD: '', TSPLAY_VAULT_PASSWORD_FILE: '', CI: '1' };
  const run = (args: string[], env: Record<string, string> = {}) => tsplay(args, { cwd: dir, env: { ...clean, HOME: home, ...env } });
  const cfg = (text: string) => writeFile(join(dir, 'ansible.cfg'), text);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tsplay-settings-'));
    home = join(dir, 'home');
    await mkdir(home);
    // only the address: port, user, key and known_hosts must come from the settings
    await writeFile(join(dir, 'hosts.yml'), 'all:\n  hosts:\n    box: { ansible_host: 127.0.0.1 }\n');
    await writeFile(join(dir, 'whoami.yml'), '- hosts: all\n  gather_facts: false\n  tasks:\n    - name: who\n      command: id -un\n');
  });
  after(async () => {
    await sshd?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  describe('against a real sshd', function () {
    before(async function () {
      if (!sshdAvailable()) this.skip();
      sshd = await Sshd.start();
    });
    const reach = () => `-o Port=${sshd!.port} -o IdentityFile=${sshd!.clientKey} -o UserKnownHostsFile=${sshd!.knownHosts} -o ConnectTimeout=5 -o ServerAliveInterval=10`;

    it("ansible.cfg's ssh_args (with Ansible's default -C -o ControlMaster=auto -o ControlPersist=60s) is how the host is reached", async () => {
      await cfg(`[defaults]\ninventory = hosts.yml\nremote_user = root\n\n[ssh_connection]\nssh_args = -C -o ControlMaster=auto -o ControlPersist=60s ${reach()}\n`);
      const r = await run(['run', 'whoami.yml', '-v']);
      expect(r.code, r.stdout + r.stderr).to.equal(0);
      expect(r.stdout).to.match(/"stdout": "root"/);
      expect(recapOf(r.stdout, 'box')).to.include({ ok: 1, unreachable: 0 });
      expect(r.stderr).to.not.match(/does not use/);
    });

    it('tsplay facts without -i: the inventory, remote_user and ssh_args of ansible.cfg', async () => {
      await cfg(`[defaults]\ninventory = hosts.yml\nremote_user = root\n[ssh_connection]\nssh_args = ${reach()}\n`);
      const r = await run(['facts']);
      expect(r.code, r.stdout + r.stderr).to.equal(0);
      expect(JSON.parse(r.stdout).box.ansible_facts).to.have.property('hostname');
    });

    it('ANSIBLE_SSH_ARGS wins over ssh_args, and a host\'s own ansible_ssh_args over both', async () => {
      await cfg(`[defaults]\ninventory = hosts.yml\nremote_user = root\n[ssh_connection]\nssh_args = -o Port=1 -o ConnectTimeout=5\n`);
      const byEnv = await run(['run', 'whoami.yml'], { ANSIBLE_SSH_ARGS: reach() });
      expect(byEnv.code, byEnv.stdout + byEnv.stderr).to.equal(0);
      const fileOnly = await run(['run', 'whoami.yml']);
      expect(fileOnly.code, 'port 1 from the file').to.equal(4);
      await writeFile(join(dir, 'own.yml'), `all:\n  hosts:\n    box: { ansible_host: 127.0.0.1, ansible_ssh_args: "${reach()}" }\n`);
      const own = await run(['run', 'whoami.yml', '-i', 'own.yml'], { ANSIBLE_SSH_ARGS: '-o Port=1' });
      expect(own.code, own.stdout + own.stderr).to.equal(0);
    });

    it('host_key_checking = False in ansible.cfg lets an unknown host key in; ANSIBLE_HOST_KEY_CHECKING=True over it refuses', async () => {
      const empty = join(dir, 'empty_known_hosts');
      await writeFile(empty, '');
      await cfg(`[defaults]\ninventory = hosts.yml\nremote_user = root\nhost_key_checking = False\n[ssh_connection]\nssh_args = -o Port=${sshd!.port} -o IdentityFile=${sshd!.clientKey} -o UserKnownHostsFile=${empty}\n`);
      const off = await run(['run', 'whoami.yml']);
      expect(off.code, off.stdout + off.stderr).to.equal(0);
      const on = await run(['run', 'whoami.yml'], { ANSIBLE_HOST_KEY_CHECKING: 'True' });
      expect(on.code, on.stdout + on.stderr).to.equal(4);
      expect(on.stdout + on.stderr).to.match(/host key/i);
    });
  });

  it('an ssh option tsplay cannot act on is refused before any host, naming ansible.cfg:line and the option; the same from ANSIBLE_SSH_ARGS', async () => {
    await cfg('[defaults]\ninventory = hosts.yml\n\n[ssh_connection]\nssh_args = -C -o ControlPersist=60s -o ForwardAgent=yes\n');
    const r = await run(['run', 'whoami.yml']);
    expect(r.code).to.equal(5);
    expect(r.stderr).to.match(new RegExp(`^ERROR! ${join(dir, 'ansible.cfg')}:5: ssh_args: -o ForwardAgent=yes: tsplay's SSH connection .* cannot act on this`, 'm'));
    expect(r.stdout).to.not.include('PLAY');
    const env = await run(['run', 'whoami.yml', '-i', 'hosts.yml'], { ANSIBLE_CONFIG: '/dev/null', ANSIBLE_SSH_ARGS: '-o LogLevel=ERROR -A' });
    expect(env.code).to.equal(5);
    expect(env.stderr).to.match(/^ERROR! ANSIBLE_SSH_ARGS: -A, -o LogLevel=ERROR: /m);
  });

  it('ANSIBLE_REMOTE_USER over remote_user, -u over both', async () => {
    await cfg('[defaults]\ninventory = hosts.yml\nremote_user = cfg-user\n[ssh_connection]\nssh_args = -o Port=1 -o ConnectTimeout=5\n');
    const user = async (args: string[], env: Record<string, string> = {}) => /ESTABLISH SSH CONNECTION FOR USER: (\S+)/.exec((await run(['run', 'whoami.yml', '-vvv', ...args], env)).stdout)?.[1];
    expect(await user([])).to.equal('cfg-user');
    expect(await user([], { ANSIBLE_REMOTE_USER: 'env-user' })).to.equal('env-user');
    expect(await user(['-u', 'flag-user'], { ANSIBLE_REMOTE_USER: 'env-user' })).to.equal('flag-user');
  });

  it('ANSIBLE_BECOME, ANSIBLE_BECOME_USER, ANSIBLE_BECOME_METHOD over [privilege_escalation]', async () => {
    await cfg('[defaults]\ninventory = localhost,\n[privilege_escalation]\nbecome = False\nbecome_user = cfg-user\nbecome_method = sudo\n');
    const r = await run(['run', 'whoami.yml', '-c', 'local', '-vvv'], { ANSIBLE_BECOME: 'yes', ANSIBLE_BECOME_USER: 'nobody', ANSIBLE_BECOME_METHOD: 'su' });
    expect(r.stdout, r.stderr).to.match(/^<localhost> EXEC \(become nobody via su\) /m);
    const off = await run(['run', 'whoami.yml', '-c', 'local', '-vvv']);
    expect(off.stdout, off.stderr).to.not.match(/EXEC \(become/);
  });

  it('ANSIBLE_FORKS and ANSIBLE_ROLES_PATH are read, a bad value names the variable', async () => {
    await mkdir(join(dir, 'env-roles', 'hello', 'tasks'), { recursive: true });
    await writeFile(join(dir, 'env-roles', 'hello', 'tasks', 'main.yml'), '- name: from env roles\n  debug: { msg: env-role }\n');
    await writeFile(join(dir, 'role.yml'), '- hosts: all\n  gather_facts: false\n  roles: [hello]\n');
    await cfg('[defaults]\ninventory = localhost,\nforks = 3\n');
    const r = await run(['run', 'role.yml', '-c', 'local'], { ANSIBLE_ROLES_PATH: 'env-roles' });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.include('"msg": "env-role"');
    const bad = await run(['run', 'role.yml', '-c', 'local'], { ANSIBLE_FORKS: 'many' });
    expect(bad.code).to.equal(5);
    expect(bad.stderr).to.match(/^ERROR! ANSIBLE_FORKS = "many" must be a whole number/m);
  });

  it('ask_pass / become_ask_pass (and ANSIBLE_ASK_PASS / ANSIBLE_BECOME_ASK_PASS) ask as -k / -K do: on a terminal in turn, without one exit 5', async function () {
    try {
      await promisify(execFile)('tmux', ['-V']);
    } catch {
      this.skip();
    }
    const cfgFile = join(dir, 'ask.cfg');
    await writeFile(cfgFile, '[defaults]\ninventory = localhost,\nask_pass = True\n');
    await writeFile(join(dir, 'pw.yml'), `- hosts: all\n  gather_facts: false\n  tasks:\n    - name: keep them\n      copy: { dest: "${dir}/pw.out", content: "{{ ansible_password }} {{ ansible_become_password }}" }\n`);
    const piped = await run(['run', 'pw.yml', '-c', 'local'], { ANSIBLE_CONFIG: cfgFile });
    expect(piped.code).to.equal(5);
    expect(piped.stderr).to.match(/^ERROR! -k\/--ask-pass asks on the terminal/m);
    const term = new Terminal(dir);
    await term.start();
    try {
      const s = await term.tsplay(['run', join(dir, 'pw.yml'), '-c', 'local'], {
        cols: 120,
        rows: 30,
        env: { ...clean, CI: '', HOME: home, ANSIBLE_CONFIG: cfgFile, ANSIBLE_BECOME_ASK_PASS: 'yes' },
        answers: [
          { after: 'SSH password:', keys: ['cfg-ssh-pass-31', 'Enter'] },
          { after: 'BECOME password[defaults to SSH password]:', keys: ['env-become-pass-32', 'Enter'] },
        ],
      });
      expect(s.code, s.joined).to.equal(0);
      expect(await readFile(join(dir, 'pw.out'), 'utf8')).to.equal('cfg-ssh-pass-31 env-become-pass-32');
      expect(s.joined).to.not.match(/cfg-ssh-pass|env-become-pass/);
    } finally {
      await term.stop();
    }
  });

  it('tsplay inventory without -i: ANSIBLE_INVENTORY, else the inventory of ansible.cfg', async () => {
    await cfg('[defaults]\ninventory = hosts.yml\n');
    expect((await run(['inventory', '--graph'])).stdout).to.include('box');
    const env = await run(['inventory', '--graph'], { ANSIBLE_INVENTORY: 'envhost,' });
    expect(env.stdout).to.include('envhost');
    expect(env.stdout).to.not.include('box');
  });

  it('tsplay config dump: every setting, its value and where it came from; --only-changed', async () => {
    await cfg('[defaults]\ninventory = hosts.yml\nforks = 3\nremote_user = cfg-user\n[ssh_connection]\nssh_args = -C -o ControlMaster=auto -o ControlPersist=60s\n');
    const file = join(dir, 'ansible.cfg');
    const r = await run(['config', 'dump'], { ANSIBLE_FORKS: '7', ANSIBLE_VAULT_PASSWORD_FILE: 'pw' });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout.split('\n').filter(Boolean)).to.deep.equal([
      `CONFIG_FILE() = ${file}`,
      `DEFAULT_HOST_LIST(${file}:2) = ['${join(dir, 'hosts.yml')}']`,
      'DEFAULT_ASK_PASS(default) = False',
      `DEFAULT_REMOTE_USER(${file}:4) = cfg-user`,
      'DEFAULT_FORKS(env: ANSIBLE_FORKS) = 7',
      'DEFAULT_BECOME(default) = False',
      'DEFAULT_BECOME_USER(default) = root',
      'DEFAULT_BECOME_ASK_PASS(default) = False',
      'DEFAULT_BECOME_METHOD(default) = sudo',
      'DEFAULT_ROLES_PATH(default) = None',
      `DEFAULT_VAULT_PASSWORD_FILE(env: ANSIBLE_VAULT_PASSWORD_FILE) = ${join(dir, 'pw')}`,
      'HOST_KEY_CHECKING(default) = True',
      `ANSIBLE_SSH_ARGS(${file}:6) = -C -o ControlMaster=auto -o ControlPersist=60s`,
    ]);
    const changed = await run(['config', 'dump', '--only-changed'], { ANSIBLE_BECOME: 'true' });
    expect(changed.stdout.split('\n').filter(Boolean)).to.deep.equal([
      `DEFAULT_HOST_LIST(${file}:2) = ['${join(dir, 'hosts.yml')}']`,
      `DEFAULT_REMOTE_USER(${file}:4) = cfg-user`,
      `DEFAULT_FORKS(${file}:3) = 3`,
      'DEFAULT_BECOME(env: ANSIBLE_BECOME) = True',
      `ANSIBLE_SSH_ARGS(${file}:6) = -C -o ControlMaster=auto -o ControlPersist=60s`,
    ]);
  });
});
