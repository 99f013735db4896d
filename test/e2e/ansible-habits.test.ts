// What someone used to ansible-playbook types and expects to see: counted -v flags (results,
// task paths, connection details), debug printed as Ansible prints it. Real runs of the CLI on
// this machine, output piped (the plain view).
import { expect } from 'chai';
import { chmod, mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tsplay } from './run-tsplay.js';

const SECRET = 'hunter2-secret-token-77';

describe('e2e: habits from ansible-playbook', function () {
  this.timeout(120_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tsplay-habits-'));
    await mkdir(join(dir, 'marks'));
    await writeFile(join(dir, 'hosts.yml'), 'all:\n  hosts:\n    localhost: { ansible_connection: local }\n');
    await writeFile(
      join(dir, 'site.yml'),
      `- hosts: all
  gather_facts: false
  vars:
    tsplay_secret_vars: [token]
    token: ${SECRET}
    x: { a: 1, b: [2, 3] }
  tasks:
    - name: say
      command: echo said-it
    - name: with the token
      shell: "echo {{ token }} >/dev/null"
    - name: show x
      debug: var=x
    - name: show msg
      debug: msg="hello {{ x.a }}"
    - name: loop
      debug: { msg: "item {{ item }}" }
      loop: [1, 2]
    - name: only at two
      debug: { msg: "said at -vv", verbosity: 2 }
`,
    );
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  const play = (...extra: string[]) => tsplay(['run', join(dir, 'site.yml'), '-i', join(dir, 'hosts.yml'), ...extra]);

  describe('-v, -vv, -vvv', () => {
    it('without -v: no results, no task paths, no connection lines', async () => {
      const r = await play();
      expect(r.code, r.stderr + r.stdout).to.equal(0);
      expect(r.stdout).to.match(/^changed: \[localhost\]$/m);
      expect(r.stdout).to.not.include('said-it');
      expect(r.stdout).to.not.include('task path:');
      expect(r.stdout).to.not.include('<localhost>');
    });

    it('-v: each result as Ansible prints it (the command\'s stdout, stderr, rc)', async () => {
      const r = await play('-v');
      expect(r.code, r.stderr + r.stdout).to.equal(0);
      const line = /^changed: \[localhost\] => (\{.*\})$/m.exec(r.stdout.split('TASK [say]')[1]);
      expect(line, r.stdout).to.not.equal(null);
      // Ansible's separators and sorted keys
      expect(line![1]).to.match(/^\{"changed": true, "cmd": \["echo", "said-it"\], /);
      expect(JSON.parse(line![1])).to.deep.include({ rc: 0, stdout: 'said-it', stderr: '', changed: true });
      expect(r.stdout).to.not.include('task path:');
      expect(r.stdout).to.not.include('<localhost>');
    });

    it('-vv: also each task\'s file:line', async () => {
      const r = await play('-vv');
      expect(r.code, r.stderr + r.stdout).to.equal(0);
      // the file as the run names it (relative to here), the line of the task's first key
      expect(r.stdout).to.match(/^TASK \[say\] \*+\ntask path: \S*site\.yml:8\n/m);
      expect(r.stdout).to.not.include('<localhost>');
    });

    for (const flags of [['-vvv'], ['-v', '-v', '-v'], ['-vvvv']]) {
      it(`${flags.join(' ')}: also the connection and every command it runs, secrets replaced`, async () => {
        const r = await play(...flags);
        expect(r.code, r.stderr + r.stdout).to.equal(0);
        expect(r.stdout).to.match(/^<localhost> ESTABLISH LOCAL CONNECTION/m);
        expect(r.stdout).to.match(/^<localhost> EXEC .*echo said-it.* \(round trip \d+\)$/m);
        expect(r.stdout).to.match(/^<localhost> EXEC .*echo \*{8} >\/dev\/null/m);
        expect(r.stdout + r.stderr).to.not.include(SECRET);
      });
    }
  });

  describe('debug', () => {
    it('var= and msg= print as Ansible: the value as JSON indented by 4, nothing else', async () => {
      const r = await play();
      expect(r.stdout).to.include('TASK [show x] ***');
      expect(r.stdout).to.include(`ok: [localhost] => {\n    "x": {\n        "a": 1,\n        "b": [\n            2,\n            3\n        ]\n    }\n}\n`);
      expect(r.stdout).to.include(`ok: [localhost] => {\n    "msg": "hello 1"\n}\n`);
      expect(r.stdout).to.not.include('debug prints only');
    });

    it('a loop prints each item\'s message', async () => {
      const r = await play();
      expect(r.stdout).to.include(`ok: [localhost] => (item=1) => {\n    "msg": "item 1"\n}\nok: [localhost] => (item=2) => {\n    "msg": "item 2"\n}\n`);
    });

    it('verbosity: 2 is skipped below -vv and printed from -vv on', async () => {
      const quiet = await play('-v');
      expect(quiet.stdout.split('TASK [only at two]')[1]).to.match(/^ \*+\nskipping: \[localhost\] => .*"skip_reason": "Verbosity threshold not met\."/);
      expect(quiet.stdout).to.not.include('said at -vv');
      const loud = await play('-vv');
      expect(loud.stdout).to.include(`ok: [localhost] => {\n    "msg": "said at -vv"\n}\n`);
    });

    it('--json: a debug var= result holds the variable and no msg', async () => {
      const r = await play('--json');
      const tasks = JSON.parse(r.stdout).plays[0].tasks as { task: { name: string }; hosts: Record<string, Record<string, unknown>> }[];
      const shown = tasks.find((t) => t.task.name === 'show x')!.hosts.localhost;
      expect(shown).to.not.have.property('msg');
      expect(JSON.stringify(shown)).to.include('"x":{"a":1,"b":[2,3]}');
    });
  });

  describe('ansible-playbook\'s flags', () => {
    const plain = (site: string, inv: string, ...extra: string[]) => tsplay(['run', join(dir, site), '-i', join(dir, inv), ...extra]);
    before(async () => {
      // a host that is not localhost: without -c local it is reached over SSH (port 1: refused)
      await writeFile(join(dir, 'far.yml'), 'all:\n  hosts:\n    far: { ansible_host: 127.0.0.1, ansible_port: 1 }\n    pinned: { ansible_host: 127.0.0.1, ansible_port: 1, ansible_user: inventory-user }\n');
      await writeFile(join(dir, 'where.yml'), `- hosts: all\n  gather_facts: false\n  tasks:\n    - name: mark\n      copy: { dest: "${dir}/marks/{{ inventory_hostname }}", content: "x" }\n`);
      await writeFile(
        join(dir, 'tagged.yml'),
        '- hosts: all\n  name: tagged play\n  gather_facts: false\n  tags: [p]\n  tasks:\n    - name: one\n      command: "true"\n      tags: [a, b]\n    - block:\n        - name: two\n          command: "true"\n      tags: [blk]\n    - name: three\n      command: "true"\n',
      );
    });

    it('-c local runs a host that is not localhost on this machine; without it the host is reached over SSH', async () => {
      const over = await plain('where.yml', 'far.yml', '-l', 'far');
      expect(over.code, over.stdout).to.equal(4);
      const local = await plain('where.yml', 'far.yml', '-l', 'far', '-c', 'local');
      expect(local.code, local.stderr + local.stdout).to.equal(0);
      expect(local.stdout).to.match(/^changed: \[far\]$/m);
    });

    it('-u is the SSH user (ansible_user), and an inventory\'s own ansible_user wins over it, as in Ansible', async () => {
      const r = await plain('where.yml', 'far.yml', '-u', 'flag-user', '-vvv');
      expect(r.code).to.equal(4);
      expect(r.stdout).to.match(/^<far> ESTABLISH SSH CONNECTION FOR USER: flag-user \(ssh flag-user@127\.0\.0\.1:1\)$/m);
      expect(r.stdout).to.match(/^<pinned> ESTABLISH SSH CONNECTION FOR USER: inventory-user /m);
    });

    it('a become method or connection tsplay lacks is refused, naming what it has (exit 5, nothing run)', async () => {
      for (const [flags, want] of [
        [['--become-method', 'doas'], /--become-method doas: .*sudo or su/],
        [['-c', 'winrm'], /--connection winrm: .*ssh or local/],
      ] as const) {
        const r = await plain('where.yml', 'far.yml', '-c', 'local', ...flags);
        expect(r.code, r.stderr).to.equal(5);
        expect(r.stderr).to.match(want);
        expect(r.stdout).to.not.include('TASK');
      }
    });

    it('-k, -K, --ask-vault-pass, --vault-id @prompt, --step with no terminal to ask on: a clear error, exit 5', async () => {
      for (const [flags, hint] of [
        [['-k'], /ansible_password/],
        [['-K'], /ansible_become_password/],
        [['--ask-vault-pass'], /--vault-password-file/],
        [['--vault-id', 'dev@prompt'], /--vault-password-file/],
        [['--step'], /--tags/],
      ] as const) {
        const r = await plain('where.yml', 'far.yml', '-c', 'local', ...flags);
        expect(r.code, `${flags.join(' ')}: ${r.stderr}`).to.equal(5);
        expect(r.stderr).to.match(/asks on the terminal, and the input is not a terminal/);
        expect(r.stderr).to.match(hint);
        expect(r.stdout).to.not.include('TASK');
      }
    });

    it('--vault-id label@file decrypts with that file; several password sources are all tried, as ansible-playbook tries them', async () => {
      await writeFile(join(dir, 'pw'), 'vault-pass-for-habits\n');
      await writeFile(join(dir, 'secret.yml'), 'hidden: 42\n');
      const enc = await tsplay(['vault', 'encrypt', '--vault-password-file', join(dir, 'pw'), join(dir, 'secret.yml')]);
      expect(enc.code, enc.stderr).to.equal(0);
      await writeFile(join(dir, 'vaulted.yml'), `- hosts: all\n  gather_facts: false\n  vars_files: [${join(dir, 'secret.yml')}]\n  tasks:\n    - debug: var=hidden\n`);
      const r = await plain('vaulted.yml', 'hosts.yml', '--vault-id', `dev@${join(dir, 'pw')}`);
      expect(r.code, r.stderr + r.stdout).to.equal(0);
      expect(r.stdout).to.include('"hidden": 42');
      await writeFile(join(dir, 'wrong-pw'), 'not the password\n');
      const two = await plain('vaulted.yml', 'hosts.yml', '--vault-id', `dev@${join(dir, 'wrong-pw')}`, '--vault-password-file', join(dir, 'pw'));
      expect(two.code, two.stderr + two.stdout).to.equal(0);
      expect(two.stdout).to.include('"hidden": 42');
    });

    it('--list-tags: each play\'s tags and its tasks\' (inherited included), nothing run', async () => {
      const r = await plain('tagged.yml', 'hosts.yml', '--list-tags');
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.include('play #1 (all): tagged play\tTAGS: [p]\n      TASK TAGS: [a, b, blk, p]\n');
    });
  });

  describe('ansible.cfg, ANSIBLE_CONFIG, ANSIBLE_INVENTORY', () => {
    let proj: string;
    let home: string;
    // nothing from the machine running the tests: a HOME of its own, no ANSIBLE_* of the environment
    const env = (extra: Record<string, string> = {}) => ({ HOME: home, ANSIBLE_CONFIG: '', ANSIBLE_INVENTORY: '', TSPLAY_VAULT_PASSWORD: '', TSPLAY_VAULT_PASSWORD_FILE: '', ...extra });
    const inProj = (args: string[], extra: Record<string, string> = {}, cwd = proj) => tsplay(['run', ...args], { cwd, env: env(extra) });
    before(async () => {
      proj = join(dir, 'proj');
      home = join(dir, 'home');
      await mkdir(join(proj, 'inv'), { recursive: true });
      await mkdir(join(proj, 'site-roles', 'greet', 'tasks'), { recursive: true });
      await mkdir(home);
      await writeFile(join(proj, 'inv', 'hosts.yml'), 'all:\n  hosts:\n    localhost: { ansible_connection: local }\n    far: { ansible_host: 127.0.0.1, ansible_port: 1 }\n');
      await writeFile(join(proj, 'site-roles', 'greet', 'tasks', 'main.yml'), '- name: greet\n  debug: { msg: "role from roles_path, vaulted {{ vaulted }}" }\n');
      await writeFile(join(proj, 'pw'), 'cfg-vault-pass\n');
      await writeFile(join(proj, 'vaulted.yml'), 'vaulted: seven-and-more\n');
      const enc = await tsplay(['vault', 'encrypt', '--vault-password-file', join(proj, 'pw'), join(proj, 'vaulted.yml')]);
      expect(enc.code, enc.stderr).to.equal(0);
      await writeFile(join(proj, 'site.yml'), `- hosts: all\n  gather_facts: false\n  vars_files: [${join(proj, 'vaulted.yml')}]\n  roles: [greet]\n`);
      await writeFile(join(proj, 'plain.yml'), '- hosts: all\n  gather_facts: false\n  tasks:\n    - name: hello\n      command: "true"\n');
    });

    it('no -i, no ANSIBLE_INVENTORY, no ansible.cfg: exit 5 saying where an inventory comes from, nothing run', async () => {
      const r = await inProj([join(proj, 'plain.yml')]);
      expect(r.code, r.stdout + r.stderr).to.equal(5);
      expect(r.stderr).to.match(/^ERROR! no inventory: give -i INVENTORY .*ANSIBLE_INVENTORY.*ansible\.cfg/m);
      expect(r.stdout).to.not.include('PLAY');
    });

    it('./ansible.cfg: inventory, roles_path and vault_password_file (relative to the file), remote_user, forks; one warning for the keys it does not use', async () => {
      await writeFile(
        join(proj, 'ansible.cfg'),
        '# a comment\n[defaults]\ninventory = inv/hosts.yml\nroles_path = site-roles\nvault_password_file = pw\nremote_user = cfg-user ; a comment after the value\nforks = 1\nhost_key_checking = False\nstdout_callback = yaml\nretry_files_enabled = False\n\n[ssh_connection]\npipelining = True\n',
      );
      const r = await inProj([join(proj, 'site.yml'), '-vvv']);
      expect(r.code, r.stdout + r.stderr).to.equal(4); // far is unreachable
      expect(r.stdout).to.include('"msg": "role from roles_path, vaulted ********"');
      expect(r.stdout).to.match(/^<far> ESTABLISH SSH CONNECTION FOR USER: cfg-user \(ssh cfg-user@127\.0\.0\.1:1\)$/m);
      const warnings = r.stderr.split('\n').filter((l) => l.startsWith('[WARNING]:'));
      expect(warnings.filter((w) => w.includes('does not use')), r.stderr).to.have.length(1);
      expect(r.stderr).to.include('does not use [defaults] stdout_callback, [defaults] retry_files_enabled, [ssh_connection] pipelining');
      // the command line wins over the file
      const u = await inProj([join(proj, 'site.yml'), '-vvv', '-u', 'flag-user', '-l', 'far']);
      expect(u.stdout).to.match(/^<far> ESTABLISH SSH CONNECTION FOR USER: flag-user /m);
    });

    it('ANSIBLE_INVENTORY wins over the file\'s inventory, -i over both', async () => {
      await writeFile(join(proj, 'only-local.yml'), 'all:\n  hosts:\n    localhost: { ansible_connection: local }\n');
      const e = await inProj([join(proj, 'plain.yml'), '--list-hosts'], { ANSIBLE_INVENTORY: join(proj, 'only-local.yml') });
      expect(e.stdout).to.include('hosts (1):\n    localhost\n');
      const list = await inProj([join(proj, 'plain.yml'), '--list-hosts'], { ANSIBLE_INVENTORY: 'hostlisted,' });
      expect(list.stdout).to.include('hosts (1):\n    hostlisted\n');
      const i = await inProj([join(proj, 'plain.yml'), '--list-hosts', '-i', 'given,'], { ANSIBLE_INVENTORY: join(proj, 'only-local.yml') });
      expect(i.stdout).to.include('hosts (1):\n    given\n');
    });

    it('ANSIBLE_CONFIG before ./ansible.cfg, ~/.ansible.cfg after it; a world-writable directory\'s ansible.cfg is ignored with a warning', async () => {
      const other = join(dir, 'other.cfg');
      await writeFile(other, `[defaults]\ninventory = ${join(proj, 'only-local.yml')}\n`);
      const byEnv = await inProj([join(proj, 'plain.yml'), '--list-hosts'], { ANSIBLE_CONFIG: other });
      expect(byEnv.stdout).to.include('hosts (1):\n    localhost\n');
      await writeFile(join(home, '.ansible.cfg'), '[defaults]\ninventory = from-home,\n');
      const fromHome = await inProj([join(proj, 'plain.yml'), '--list-hosts'], {}, dir);
      expect(fromHome.code, fromHome.stderr).to.equal(0);
      expect(fromHome.stdout).to.include('hosts (1):\n    from-home\n');
      const open = join(dir, 'open');
      await mkdir(open);
      await chmod(open, 0o777);
      await writeFile(join(open, 'ansible.cfg'), '[defaults]\ninventory = planted,\n');
      const planted = await inProj([join(proj, 'plain.yml'), '--list-hosts'], {}, open);
      expect(planted.stderr).to.include(`world writable directory (${open}), ignoring it as an ansible.cfg source`);
      expect(planted.stdout).to.include('    from-home\n');
      expect(planted.stdout).to.not.include('planted');
      await rm(join(home, '.ansible.cfg'));
    });

    it('[privilege_escalation] become, become_user, become_method act as -b, --become-user, --become-method; a method tsplay lacks is refused', async () => {
      const cfg = join(dir, 'become.cfg');
      await writeFile(cfg, `[defaults]\ninventory = ${join(proj, 'inv', 'hosts.yml')}\n[privilege_escalation]\nbecome = True\nbecome_user = nobody\nbecome_method = su\n`);
      const r = await inProj([join(proj, 'plain.yml'), '-l', 'localhost', '-vvv'], { ANSIBLE_CONFIG: cfg });
      // the command is named as it is sent (whether nobody's shell then lets it run or not)
      expect(r.stdout, r.stderr).to.match(/^<localhost> EXEC \(become nobody via su\) /m);
      await writeFile(cfg, `[defaults]\ninventory = ${join(proj, 'inv', 'hosts.yml')}\n[privilege_escalation]\nbecome = True\nbecome_method = doas\n`);
      const bad = await inProj([join(proj, 'plain.yml')], { ANSIBLE_CONFIG: cfg });
      expect(bad.code).to.equal(5);
      expect(bad.stderr).to.match(/doas: tsplay becomes another user with sudo or su only/);
    });
  });
});
