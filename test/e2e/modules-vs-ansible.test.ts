// find, cron, add_host and group_by against real Ansible on this machine: the same playbook run by ansible-playbook
// (connection local) and by tsplay gives the same files found and byte-identical crontabs, and
// each converges (changed=0) on what the other wrote; add_host/group_by give the same recap, slurp the same result. Skips when ansible-playbook or crontab is
// not installed (scripts/setup.sh installs both).
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, mkdir, writeFile, readFile, rm, utimes, symlink, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tsplay, recapOf } from './run-tsplay.js';

const run = promisify(execFile);

async function have(cmd: string): Promise<boolean> {
  return run('sh', ['-c', `command -v ${cmd}`]).then(
    () => true,
    () => false,
  );
}

/** each task's result for localhost, from Ansible's minimal callback ("localhost | OK => {json}") */
async function ansible(playbook: string, extra: Record<string, string> = {}, ...args: string[]): Promise<{ code: number; results: Record<string, unknown>[]; out: string }> {
  const env = { ...process.env, ANSIBLE_STDOUT_CALLBACK: 'minimal', ANSIBLE_LOCALHOST_WARNING: 'false', ANSIBLE_NOCOLOR: '1', ANSIBLE_CONFIG: '', HOME: process.env.HOME ?? '/root', ...extra };
  const r = await run('ansible-playbook', ['-i', 'localhost,', '-c', 'local', playbook, ...args], { env }).then(
    (x) => ({ code: 0, stdout: x.stdout }),
    (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
  );
  const results = r.stdout
    .split(/^localhost \| [A-Z]+ => /m)
    .slice(1)
    .map((chunk) => JSON.parse(chunk.trim()) as Record<string, unknown>);
  return { code: r.code, results, out: r.stdout };
}

/** each task's result for localhost, from tsplay --json */
async function tsplayJson(playbook: string, ...args: string[]): Promise<{ code: number; results: Record<string, unknown>[]; out: string }> {
  const r = await tsplay(['run', playbook, '-i', 'localhost,', '--json', ...args]);
  const doc = JSON.parse(r.stdout) as { plays: Array<{ tasks: Array<{ hosts: Record<string, Record<string, unknown>> }> }> };
  return { code: r.code, results: doc.plays.flatMap((p) => p.tasks.map((t) => t.hosts.localhost)), out: r.stdout + r.stderr };
}

describe('e2e: find, cron, add_host, group_by and slurp against ansible-playbook', function () {
  this.timeout(300_000);
  let dir = '';

  before(async function () {
    if (!(await have('ansible-playbook'))) {
      console.log('      (skipped: ansible-playbook is not installed)');
      return this.skip();
    }
    dir = await mkdtemp(join(tmpdir(), 'tsplay-vs-ansible-'));
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('find: the same files, counts and stat fields for each set of filters', async () => {
    const t = join(dir, 'tree');
    await mkdir(join(t, 'sub', 'deep'), { recursive: true });
    await mkdir(join(t, '.hidden'));
    const files: Record<string, string> = {
      'a.conf': 'port=80\n',
      'b.log': 'x'.repeat(3000),
      'c.conf': '# port=80\n',
      '.dot.conf': 'port=1\n',
      'sub/d.conf': 'listen port=2\n',
      'sub/e.log.1': '',
      'sub/deep/f.conf': 'port=3\n',
      '.hidden/g.conf': 'port=4\n',
    };
    for (const [rel, content] of Object.entries(files)) await writeFile(join(t, rel), content);
    await symlink('a.conf', join(t, 'link.conf'));
    // an old file for age
    const old = new Date(Date.now() - 10 * 86400_000);
    await utimes(join(t, 'c.conf'), old, old);
    const cases: Array<Record<string, unknown>> = [
      {},
      { patterns: '*.conf' },
      { patterns: ['*.conf', '*.log'], excludes: 'c*', recurse: true },
      { patterns: '*.conf', recurse: true, hidden: true },
      { recurse: true, depth: 1, file_type: 'any' },
      { file_type: 'directory', recurse: true },
      { file_type: 'link' },
      { patterns: ['^[a-c]\\.(conf|log)$'], use_regex: true },
      { size: '2k' },
      { size: '-10', recurse: true },
      { age: '5d' },
      { age: '-5d', recurse: true },
      { contains: 'port=\\d', recurse: true },
      { contains: 'port=\\d', read_whole_file: true, recurse: true },
      { get_checksum: true, patterns: '*.conf' },
      { paths: [t, join(t, 'a.conf'), join(t, 'none')] },
    ];
    const pb = join(dir, 'find.yml');
    await writeFile(
      pb,
      `- hosts: localhost\n  gather_facts: false\n  tasks:\n${cases.map((c) => `    - find: ${JSON.stringify({ paths: t, ...c })}\n`).join('')}`,
    );
    const a = await ansible(pb);
    expect(a.code, a.out).to.equal(0);
    const ts = await tsplayJson(pb);
    expect(ts.code, ts.out).to.equal(0);
    expect(ts.results).to.have.length(cases.length);
    // times differ by what each run's reads did to atime; everything else must be equal
    const shape = (r: Record<string, unknown>) => ({
      matched: r.matched,
      examined: r.examined,
      msg: r.msg,
      skipped_paths: r.skipped_paths,
      changed: r.changed,
      files: (r.files as Array<Record<string, unknown>>)
        .map((f) => Object.fromEntries(Object.entries(f).filter(([k]) => !['atime', 'mtime', 'ctime'].includes(k))))
        .sort((x, y) => String(x.path).localeCompare(String(y.path))),
    });
    cases.forEach((c, i) => expect(shape(ts.results[i]), JSON.stringify(c)).to.deep.equal(shape(a.results[i])));
  });

  it('slurp: the same content, encoding and source', async () => {
    const f = join(dir, 'bytes.bin');
    await writeFile(f, Buffer.from([0, 1, 2, 255, 10, 0x41]));
    await writeFile(join(dir, 'slurp.yml'), `- hosts: localhost\n  gather_facts: false\n  tasks:\n    - slurp: { src: ${f} }\n    - slurp: { path: ${f} }\n`);
    const a = await ansible(join(dir, 'slurp.yml'));
    expect(a.code, a.out).to.equal(0);
    const t = await tsplayJson(join(dir, 'slurp.yml'));
    expect(t.code, t.out).to.equal(0);
    const pick = (r: Record<string, unknown>) => ({ content: r.content, encoding: r.encoding, source: r.source, changed: r.changed });
    expect(t.results.map(pick)).to.deep.equal(a.results.map(pick));
    expect(pick(t.results[0]).content).to.equal('AAEC/wpB');
  });

  const cronTasks = (file: string) => `- hosts: localhost
  gather_facts: false
  tasks:
    - cron: { name: backup, job: /usr/local/bin/backup --all, minute: "5", hour: "2", user: root, cron_file: ${file} }
    - cron: { name: PATH, env: true, job: "/usr/sbin:/usr/bin:/bin", user: root, cron_file: ${file} }
    - cron: { name: MAILTO, env: true, job: ops, insertafter: PATH, user: root, cron_file: ${file} }
    - cron: { name: at boot, special_time: reboot, job: "echo booted", user: root, cron_file: ${file} }
    - cron: { name: disabled one, job: /bin/false, disabled: true, weekday: "1-5", user: nobody, cron_file: ${file} }
    - cron: { name: gone, job: /bin/true, user: root, cron_file: ${file} }
    - cron: { name: gone, state: absent, cron_file: ${file} }
`;

  it('cron_file: byte-identical files, and each converges on the file the other wrote', async () => {
    const byAnsible = join(dir, 'by-ansible');
    const byTsplay = join(dir, 'by-tsplay');
    await writeFile(join(dir, 'cron-a.yml'), cronTasks(byAnsible));
    await writeFile(join(dir, 'cron-t.yml'), cronTasks(byTsplay));
    const a = await ansible(join(dir, 'cron-a.yml'));
    expect(a.code, a.out).to.equal(0);
    const t = await tsplay(['run', join(dir, 'cron-t.yml'), '-i', 'localhost,']);
    expect(t.code, t.stdout + t.stderr).to.equal(0);
    const text = await readFile(byTsplay, 'utf8');
    expect(text).to.equal(await readFile(byAnsible, 'utf8'));
    expect(text).to.equal(
      'PATH="/usr/sbin:/usr/bin:/bin"\nMAILTO="ops"\n#Ansible: backup\n5 2 * * * root /usr/local/bin/backup --all\n#Ansible: at boot\n@reboot root echo booted\n#Ansible: disabled one\n#* * * * 1-5 nobody /bin/false\n',
    );
    // each on the other's file: nothing to change
    await cp(byAnsible, join(dir, 'swap-t'));
    await cp(byTsplay, join(dir, 'swap-a'));
    await writeFile(join(dir, 'cron-swap-t.yml'), cronTasks(join(dir, 'swap-t')).replace(/    - cron: \{ name: gone, job[^\n]*\n/, ''));
    await writeFile(join(dir, 'cron-swap-a.yml'), cronTasks(join(dir, 'swap-a')).replace(/    - cron: \{ name: gone, job[^\n]*\n/, ''));
    const t2 = await tsplay(['run', join(dir, 'cron-swap-t.yml'), '-i', 'localhost,']);
    expect(recapOf(t2.stdout, 'localhost'), t2.stdout + t2.stderr).to.include({ changed: 0, failed: 0 });
    const a2 = await ansible(join(dir, 'cron-swap-a.yml'));
    expect(a2.code, a2.out).to.equal(0);
    expect(a2.results.every((r) => r.changed === false), a2.out).to.equal(true);
    const c = await tsplay(['run', join(dir, 'cron-swap-t.yml'), '-i', 'localhost,', '--check']);
    expect(recapOf(c.stdout, 'localhost'), c.stdout).to.include({ changed: 0, failed: 0 });
  });

  it('add_host and group_by: the same recap as ansible-playbook, and later plays on the same hosts', async () => {
    await writeFile(join(dir, 'inv.yml'), 'all:\n  hosts: {h1: {role: web}, h2: {role: db}, h3: {role: web}}\n  vars: {ansible_connection: local}\n');
    await writeFile(
      join(dir, 'inv-pb.yml'),
      `- hosts: all
  gather_facts: false
  tasks:
    - group_by: {key: "role_{{ role }}", parents: [servers]}
    - group_by: {key: "role_{{ role }}", parents: servers}
    - add_host: {name: "{{ item }}", group: pool, ansible_connection: local}
      loop: [h2, n2, "n3:2222"]
    - add_host: {name: n2, groups: pool, ansible_connection: local}
- hosts: role_web
  gather_facts: false
  tasks:
    - ping:
- hosts: pool:&servers
  gather_facts: false
  tasks:
    - ping:
- hosts: pool:!servers
  gather_facts: false
  tasks:
    - ping:
`,
    );
    const recaps = (out: string) =>
      Object.fromEntries(
        [...out.matchAll(/^(\S+)\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)\s+skipped=(\d+)/gm)].map((m) => [m[1], m.slice(2).map(Number)]),
      );
    const a = await run('ansible-playbook', ['-i', join(dir, 'inv.yml'), join(dir, 'inv-pb.yml')], { env: { ...process.env, ANSIBLE_LOCALHOST_WARNING: 'false', ANSIBLE_NOCOLOR: '1', ANSIBLE_CONFIG: '' } });
    const t = await tsplay(['run', join(dir, 'inv-pb.yml'), '-i', join(dir, 'inv.yml')]);
    expect(t.code, t.stdout + t.stderr).to.equal(0);
    expect(recaps(t.stdout)).to.deep.equal(recaps(a.stdout));
    expect(Object.keys(recaps(t.stdout)).sort()).to.deep.equal(['h1', 'h2', 'h3', 'n2', 'n3']);
  });

  describe("a user's crontab (nobody's)", () => {
    before(async function () {
      if (!(await have('crontab'))) {
        console.log('      (skipped: crontab is not installed)');
        return this.skip();
      }
      // never over a crontab someone has
      const r = await run('crontab', ['-u', 'nobody', '-l']).then(
        () => true,
        () => false,
      );
      if (r) {
        console.log('      (skipped: nobody already has a crontab)');
        return this.skip();
      }
    });
    afterEach(async () => {
      await run('crontab', ['-u', 'nobody', '-r']).catch(() => undefined);
    });

    const userTasks = `- hosts: localhost
  gather_facts: false
  tasks:
    - cron: { name: SHELL, env: true, job: /bin/sh, user: nobody }
    - cron: { name: tick, job: "date >> /dev/null", minute: "*/15", user: nobody }
    - cron: { name: weekly, special_time: weekly, job: "true", user: nobody }
    - cron: { name: report, job: /usr/bin/report, minute: 0, hour: 6, day: 1, month: "*/3", user: nobody }
`;
    const table = async () => (await run('crontab', ['-u', 'nobody', '-l'])).stdout;

    it('the same table as Ansible installs; tsplay then changes nothing on it, and --check predicts the first run', async () => {
      await writeFile(join(dir, 'user.yml'), userTasks);
      const a = await ansible(join(dir, 'user.yml'));
      expect(a.code, a.out).to.equal(0);
      const ansibleTable = await table();
      const again = await tsplay(['run', join(dir, 'user.yml'), '-i', 'localhost,']);
      expect(recapOf(again.stdout, 'localhost'), again.stdout + again.stderr).to.include({ changed: 0, failed: 0 });
      await run('crontab', ['-u', 'nobody', '-r']);
      const check = await tsplay(['run', join(dir, 'user.yml'), '-i', 'localhost,', '--check', '--diff']);
      expect(recapOf(check.stdout, 'localhost'), check.stdout).to.include({ changed: 4, failed: 0 });
      expect(check.stdout).to.contain('+#Ansible: tick');
      expect(await run('crontab', ['-u', 'nobody', '-l']).then(() => 'a table', () => 'none'), '--check installed nothing').to.equal('none');
      const first = await tsplay(['run', join(dir, 'user.yml'), '-i', 'localhost,']);
      expect(recapOf(first.stdout, 'localhost'), first.stdout + first.stderr).to.include({ changed: 4, failed: 0 });
      expect(await table()).to.equal(ansibleTable);
      expect(ansibleTable).to.equal('SHELL="/bin/sh"\n#Ansible: tick\n*/15 * * * * date >> /dev/null\n#Ansible: weekly\n@weekly true\n#Ansible: report\n0 6 1 */3 * /usr/bin/report\n');
      const second = await tsplay(['run', join(dir, 'user.yml'), '-i', 'localhost,']);
      expect(recapOf(second.stdout, 'localhost'), second.stdout).to.include({ changed: 0, failed: 0 });
    });
  });
});
