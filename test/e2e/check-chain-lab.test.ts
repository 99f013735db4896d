// --check follows the chain over SSH on a lab host (worker2): a mode changed twice, a file removed
// then made again, a copy into a removed directory, a lineinfile on a file nobody makes, a link to
// a missing src, owner and link seen by stat, new parents with the mode. The --check run's status
// for every task is the real run's, it changes nothing on the host, and --detailed-exitcode does
// not say "converged" while a failure is pending. Then become to root, the login user, goes
// without sudo (no sudo among the command's ancestors), and to another user through it.
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../engine/paths.js';
import { tsplay } from './run-tsplay.js';
import { LAB, labSsh } from './lab-ssh.js';

const HOST = 'worker2';
const IP = '10.77.0.22';
const INV = join(projectRoot(), 'inventories', 'lab');

interface JsonRun {
  plays: { tasks: { task: { name: string }; hosts: Record<string, { status: string; stdout?: string }> }[] }[];
}

const statuses = (r: JsonRun) => r.plays.flatMap((p) => p.tasks.map((t) => `${t.task.name}: ${t.hosts[HOST]?.status}`));

function playbook(root: string): string {
  return `- hosts: ${HOST}
  gather_facts: false
  tasks:
    - name: mode 0666
      file: {path: ${root}/data/f, mode: "0666"}
    - name: mode 0644
      file: {path: ${root}/data/f, mode: "0644"}
    - name: remove a file
      file: {path: ${root}/data/f, state: absent}
    - name: line with create
      lineinfile: {path: ${root}/data/f, line: "x", create: true}
    - name: remove a directory
      file: {path: ${root}/gone, state: absent}
    - name: copy into it
      copy: {dest: ${root}/gone/f, content: "x\\n"}
      ignore_errors: true
    - name: edit a file nobody makes
      lineinfile: {path: ${root}/missing.conf, line: "x"}
      ignore_errors: true
    - name: link to nothing
      file: {path: ${root}/dangling, src: ${root}/nothing, state: link}
      ignore_errors: true
    - name: owner and group
      file: {path: ${root}/data/f, owner: nobody, group: nogroup}
    - name: link
      file: {path: ${root}/ln, src: ${root}/data, state: link}
    - name: stat through the link
      stat: {path: ${root}/ln/f, follow: true}
      register: st
    - name: owner seen through the link
      assert: {that: ["st.stat.pw_name == 'nobody'", "st.stat.gr_name == 'nogroup'", "st.stat.mode == '0644'"]}
    - name: new parents with the mode
      file: {path: ${root}/t/a/b, state: directory, mode: "0700"}
    - name: stat a parent
      stat: {path: ${root}/t/a}
      register: parent
    - name: parent mode seen
      assert: {that: ["parent.stat.mode == '0700'"]}
`;
}

describe('e2e: --check follows the chain on worker2, and become to the login user', function () {
  this.timeout(300_000);
  let root = '';
  let dir = '';

  before(async function () {
    if (!existsSync(`${LAB}/id_ed25519`) || !existsSync(`${LAB}/known_hosts`)) {
      console.log('      (skipped: the lab is not up)');
      return this.skip();
    }
    try {
      root = (await labSsh(IP, 'd=$(mktemp -d /tmp/tsplay-check-chain.XXXXXX) && mkdir -p "$d/data" "$d/gone" && printf "x\\n" > "$d/data/f" && chmod 0644 "$d/data/f" && echo "$d"', 15_000)).stdout.trim();
    } catch (e) {
      console.log(`      (skipped: the lab is not reachable: ${(e as Error).message})`);
      return this.skip();
    }
    expect(root).to.match(/^\/tmp\/tsplay-check-chain\./);
    dir = await mkdtemp(join(tmpdir(), 'tsplay-check-chain-'));
    await writeFile(join(dir, 'pb.yml'), playbook(root));
  });
  after(async () => {
    if (root) await labSsh(IP, `rm -rf -- '${root}'`).catch(() => undefined);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const tree = async () => (await labSsh(IP, `cd '${root}' && find . -printf '%p %y %m %u %g %s %l\\n' | sort`)).stdout;

  it('--check predicts each task as the real run then does it, and changes nothing itself', async () => {
    const args = ['run', join(dir, 'pb.yml'), '-i', INV, '--limit', HOST];
    const before = await tree();
    const check = await tsplay([...args, '--check', '--json']);
    expect(check.code, check.stderr).to.equal(0);
    expect(await tree(), 'the check run left the host alone').to.equal(before);
    const real = await tsplay([...args, '--json']);
    expect(real.code, real.stderr).to.equal(0);
    const predicted = statuses(JSON.parse(check.stdout) as JsonRun);
    const done = statuses(JSON.parse(real.stdout) as JsonRun);
    expect(predicted).to.deep.equal(done);
    expect(done).to.include.members(['mode 0644: changed', 'line with create: changed', 'copy into it: ignored', 'edit a file nobody makes: ignored', 'link to nothing: ignored', 'owner seen through the link: ok', 'parent mode seen: ok']);
  });

  it('--check --detailed-exitcode with a failure pending exits 2, not 0', async () => {
    await writeFile(join(dir, 'fail.yml'), `- hosts: ${HOST}\n  gather_facts: false\n  tasks:\n    - lineinfile: {path: ${root}/missing.conf, line: "x"}\n`);
    const r = await tsplay(['run', join(dir, 'fail.yml'), '-i', INV, '--limit', HOST, '--check', '--detailed-exitcode']);
    expect(r.code, r.stdout).to.equal(2);
  });

  it('a unit file changed by one task: --check predicts the daemon-reload the service task then does', async () => {
    const unit = `tsplay-chain-${root.split('.').pop()!.toLowerCase().replace(/[^a-z0-9]/g, '')}`;
    const pb = (word: string) => `- hosts: ${HOST}
  gather_facts: false
  tasks:
    - name: unit file
      copy:
        dest: /etc/systemd/system/${unit}.service
        content: "[Service]\\nExecStart=/bin/sleep 86400 ${word}\\n"
    - name: unit running
      service: {name: ${unit}, state: started, daemon_reload: true}
`;
    try {
      await writeFile(join(dir, 'unit1.yml'), pb('1'));
      await writeFile(join(dir, 'unit2.yml'), pb('2'));
      const run = (f: string, ...extra: string[]) => tsplay(['run', join(dir, f), '-i', INV, '--limit', HOST, '--json', ...extra]);
      const first = await run('unit1.yml');
      expect(first.code, first.stderr + first.stdout.slice(-2000)).to.equal(0);
      // the unit is loaded and running; a new ExecStart makes it stale for systemd
      const check = await run('unit2.yml', '--check');
      expect(check.code, check.stderr).to.equal(0);
      const real = await run('unit2.yml');
      expect(real.code, real.stderr).to.equal(0);
      // a service result has Ansible's `status` (systemd's properties): changed says it
      const changes = (r: string) => (JSON.parse(r) as { plays: { tasks: { task: { name: string }; hosts: Record<string, { changed?: boolean }> }[] }[] }).plays[0].tasks.map((t) => `${t.task.name}: ${t.hosts[HOST]?.changed ? 'changed' : 'ok'}`);
      const predicted = changes(check.stdout);
      expect(predicted).to.deep.equal(['unit file: changed', 'unit running: changed']);
      expect(changes(real.stdout)).to.deep.equal(predicted);
      expect((await labSsh(IP, `systemctl show -p NeedDaemonReload ${unit}`)).stdout.trim()).to.equal('NeedDaemonReload=no');
      const again = await run('unit2.yml', '--check');
      expect(changes(again.stdout)).to.deep.equal(['unit file: ok', 'unit running: ok']);
    } finally {
      await labSsh(IP, `systemctl stop ${unit} 2>/dev/null; rm -f /etc/systemd/system/${unit}.service; systemctl daemon-reload`).catch(() => undefined);
    }
  });

  it('become to root, the login user, runs without sudo; to nobody through sudo', async () => {
    // the command's ancestors, up to init: sudo among them when the command went through it
    const ancestors = 'p=$$; while [ "$p" -gt 1 ]; do ps -o comm= -p "$p"; p=$(ps -o ppid= -p "$p" | tr -d " "); done';
    await writeFile(
      join(dir, 'become.yml'),
      `- hosts: ${HOST}
  gather_facts: false
  tasks:
    - name: as root
      shell: ${JSON.stringify(ancestors)}
      become: true
      become_user: root
    - name: as nobody
      shell: ${JSON.stringify(`id -un; ${ancestors}`)}
      become: true
      become_user: nobody
`,
    );
    const r = await tsplay(['run', join(dir, 'become.yml'), '-i', INV, '--limit', HOST, '--json']);
    expect(r.code, r.stderr).to.equal(0);
    const tasks = (JSON.parse(r.stdout) as JsonRun).plays[0].tasks;
    const asRoot = tasks[0].hosts[HOST].stdout!.split('\n');
    const asNobody = tasks[1].hosts[HOST].stdout!.split('\n');
    expect(asRoot).to.include('sshd');
    expect(asRoot).to.not.include('sudo');
    expect(asNobody[0]).to.equal('nobody');
    expect(asNobody).to.include('sudo');
  });
});
