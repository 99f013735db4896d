// Site customization without forking, end to end with the real CLI on this machine: a shipped
// role (given by --roles-path) customized only from the site's directory: a group_vars default
// override, tasks/pre.yml and tasks/post.yml hooks, a template shadowed by file name, and a site
// module in TypeScript under modules/ beside the playbook. The shipped role is never edited.
import { expect } from 'chai';
import { cp, mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../engine/paths.js';
import { tsplay } from './run-tsplay.js';

const FIXTURE = join(projectRoot(), 'test', 'fixtures', 'site');

interface JsonRun {
  plays: { tasks: { task: { name: string; module: string }; hosts: Record<string, { status: string; changed: boolean }> }[] }[];
  stats: Record<string, Record<string, number>>;
}

async function tree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) {
      const p = join(e.parentPath, e.name);
      out[p] = await readFile(p, 'utf8');
    }
  }
  return out;
}

describe('e2e: site customization without forking a shipped role', function () {
  this.timeout(120_000);
  let work: string;
  let target: string;
  let shippedBefore: Record<string, string>;
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'tsplay-site-'));
    await cp(FIXTURE, work, { recursive: true });
    target = join(work, 'target');
    shippedBefore = await tree(join(work, 'shipped-roles'));
  });
  after(async () => {
    await rm(work, { recursive: true, force: true });
  });
  const args = (...extra: string[]) => [
    'run', join(work, 'site', 'site.yml'), '-i', join(work, 'site', 'inventory'),
    '--roles-path', join(work, 'shipped-roles'), '-e', `motd_root=${target}`, ...extra,
  ];
  const tasksOf = (r: JsonRun) => r.plays.flatMap((p) => p.tasks.map((t) => `${t.task.module}:${t.task.name}:${t.hosts.web1?.status}`));

  it('--check predicts every change, including the site module, and writes nothing', async () => {
    const r = await tsplay(args('--check', '--json'));
    expect(r.code, r.stderr + r.stdout).to.equal(0);
    const run: JsonRun = JSON.parse(r.stdout);
    expect(tasksOf(run)).to.deep.equal([
      'file:site pre hook:changed',
      'template:message of the day:changed',
      'template:login banner:changed',
      'ini_value:site post hook records the greeting:changed',
    ]);
    await stat(target).then(
      () => expect.fail('check mode created the target'),
      () => undefined,
    );
  });

  it('the first run applies the override, both hooks in order, the shadowing template and the site module', async () => {
    const r = await tsplay(args('--json'));
    expect(r.code, r.stderr + r.stdout).to.equal(0);
    const run: JsonRun = JSON.parse(r.stdout);
    // pre hook before the shipped tasks, post hook (the site module) after them
    expect(tasksOf(run)).to.deep.equal([
      'file:site pre hook:changed',
      'template:message of the day:changed',
      'template:login banner:changed',
      'ini_value:site post hook records the greeting:changed',
    ]);
    // group_vars/web.yml overrides the shipped default "Welcome"
    expect(await readFile(join(target, 'motd'), 'utf8')).to.equal('Hello from the site to web1\n');
    // the site's templates/banner.hbs shadows the shipped one by file name
    expect(await readFile(join(target, 'issue.net'), 'utf8')).to.equal('SITE BANNER for web1: root@localhost\n');
    // the TypeScript site module wrote its INI line
    expect(await readFile(join(target, 'site.ini'), 'utf8')).to.equal('[motd]\ngreeting = Hello from the site\n');
  });

  it('the second run changes nothing', async () => {
    const r = await tsplay(args());
    expect(r.code, r.stderr + r.stdout).to.equal(0);
    expect(r.stdout).to.match(/^web1\s+: ok=4 changed=0 unreachable=0 failed=0 skipped=0 rescued=0 ignored=0$/m);
  });

  it('a site value that breaks the role schema stops the run before any change (exit 4, file:line)', async () => {
    const r = await tsplay(args('-e', 'motd_greeting='));
    expect(r.code, r.stdout).to.equal(4);
    expect(r.stderr).to.include('role "motd": variable "motd_greeting"');
    expect(r.stderr).to.include('extra vars (-e)');
  });

  it('the shipped role was not edited', async () => {
    expect(await tree(join(work, 'shipped-roles'))).to.deep.equal(shippedBefore);
    expect(Object.keys(shippedBefore).some((p) => p.endsWith('pre.yml'))).to.equal(false);
  });

  it('the documented inventories/prod example passes --syntax-check and --list-hosts, its hook on the role path', async () => {
    const base = ['run', join(projectRoot(), 'playbooks', 'ha-cluster.yml'), '-i', join(projectRoot(), 'inventories', 'prod')];
    const syntax = await tsplay([...base, '--syntax-check']);
    expect(syntax.code, syntax.stderr).to.equal(0);
    const hosts = await tsplay([...base, '--list-hosts']);
    expect(hosts.code, hosts.stderr).to.equal(0);
    expect(hosts.stdout).to.match(/pattern: \['etcd'\]\n  hosts \(3\):\n    master1\n    master2\n    master3\n/);
    // inventories/prod/site/roles is on the role path because it is beside the inventory
    const tasks = await tsplay([...base, '--list-tasks']);
    expect(tasks.code, tasks.stderr).to.equal(0);
    expect(tasks.stdout).to.match(/containerd : site registry certificate directory\tTAGS: \[\]\n    containerd : containerd and runc installed/);
  });
});
