// The foundation end to end: the real CLI, a real playbook using every module, on this machine.
import { expect } from 'chai';
import { mkdtemp, cp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../engine/paths.js';
import { tsplay, recapOf } from './run-tsplay.js';

const FIXTURES = join(projectRoot(), 'test', 'fixtures', 'local');

async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true }).catch(() => [])) {
      const p = join(d, e.name);
      const st = await stat(p);
      if (e.isDirectory()) {
        out[p] = `dir ${(st.mode & 0o7777).toString(8)}`;
        await walk(p);
      } else out[p] = `file ${(st.mode & 0o7777).toString(8)} ${await readFile(p, 'utf8')}`;
    }
  };
  await walk(dir);
  return out;
}

interface JsonRun {
  plays: { tasks: { task: { name: string }; hosts: Record<string, { status: string; changed: boolean; diff?: unknown[] }> }[] }[];
  stats: Record<string, Record<string, number>>;
}

describe('e2e: a local playbook with every module', function () {
  this.timeout(120_000);
  let work: string;
  let root: string;
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'tsplay-e2e-'));
    await cp(FIXTURES, work, { recursive: true });
    root = join(work, 'target');
  });
  after(async () => {
    await rm(work, { recursive: true, force: true });
  });
  const args = (...extra: string[]) => ['run', join(work, 'site.yml'), '-i', join(work, 'hosts.yml'), '-e', `root=${root}`, ...extra];

  let predicted: JsonRun;
  it('--check --diff predicts changes and changes nothing', async () => {
    const text = await tsplay(args('--check', '--diff'));
    expect(text.code, text.stderr + text.stdout).to.equal(0);
    expect(text.stdout).to.match(/--- before: .*app\.conf\n\+\+\+ after: .*app\.conf/);
    expect(text.stdout).to.include('+listen = 8443');
    expect(await snapshot(root)).to.deep.equal({});
    const j = await tsplay(args('--check', '--diff', '--json'));
    expect(j.code, j.stderr).to.equal(0);
    predicted = JSON.parse(j.stdout);
    expect(predicted.stats.localhost.changed).to.be.greaterThan(0);
    const detailed = await tsplay(args('--check', '--detailed-exitcode'));
    expect(detailed.code).to.equal(10);
  });

  it('the first run makes exactly the predicted changes', async () => {
    const j = await tsplay(args('--diff', '--json'));
    expect(j.code, j.stderr).to.equal(0);
    const real: JsonRun = JSON.parse(j.stdout);
    const changedIn = (r: JsonRun) =>
      r.plays.flatMap((p) => p.tasks.filter((t) => t.hosts.localhost?.changed).map((t) => t.task.name));
    // command/shell without creates are not knowable in check mode; this playbook has none that change
    expect(changedIn(real)).to.deep.equal(changedIn(predicted));
    const diffsOf = (r: JsonRun) => r.plays.flatMap((p) => p.tasks.map((t) => t.hosts.localhost?.diff ?? null));
    expect(diffsOf(real)).to.deep.equal(diffsOf(predicted));
    const conf = await readFile(join(root, 'app', 'app.conf'), 'utf8');
    expect(conf).to.equal('# managed by tsplay\nname = localhost\nlisten = 8080\nlisten = 8443\n');
    expect(((await stat(join(root, 'app', 'app.conf'))).mode & 0o777).toString(8)).to.equal('640');
    expect(await readFile(join(root, 'app', 'reloaded'), 'utf8')).to.equal('reloaded\n');
    const ini = await readFile(join(root, 'app', 'settings.ini'), 'utf8');
    expect(ini).to.include('level = info\n');
    expect(ini).to.include('# BEGIN ANSIBLE MANAGED BLOCK\n[listen]\nports = 8080,8443\n# END ANSIBLE MANAGED BLOCK');
  });

  it('the second run changes nothing, and a --check after it predicts nothing', async () => {
    const before = await snapshot(root);
    const second = await tsplay(args());
    expect(second.code, second.stderr + second.stdout).to.equal(0);
    expect(second.stdout).to.match(/^localhost\s+: ok=\d+ changed=0 unreachable=0 failed=0 skipped=\d+ rescued=0 ignored=0$/m);
    expect(recapOf(second.stdout, 'localhost')?.changed).to.equal(0);
    const check = await tsplay(args('--check', '--detailed-exitcode'));
    expect(check.code, check.stdout).to.equal(0);
    expect(recapOf(check.stdout, 'localhost')?.changed).to.equal(0);
    expect(await snapshot(root)).to.deep.equal(before);
  });

  it('prints Ansible-style banners and a debug message', async () => {
    const r = await tsplay(args());
    expect(r.stdout).to.match(/^PLAY \[converge a directory tree with every module\] \*+$/m);
    expect(r.stdout).to.match(/^TASK \[rendered config\] \*+$/m);
    expect(r.stdout).to.match(/^ok: \[localhost\] => \{\n    "msg": ".*has \d+ entries"\n\}$/m);
    expect(r.stdout).to.match(/^PLAY RECAP \*+$/m);
  });
});
