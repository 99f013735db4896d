// The benchmark harness itself, without timing assertions and without Ansible or the lab: the recap parser on real
// output of both engines, deterministic workload generation, and the ssh2 floor against a real local sshd, where
// tsplay first converges the same workload so the floor's checks are proven to agree with an engine's result.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { projectRoot } from '../../../engine/paths.js';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseRecap, checkRecap, total } from '../../../bench/lib/recap.js';
import { w1Playbook, w1Tasks, w3Playbook } from '../../../bench/lib/workload.js';
import { inventoryYaml, loopbackHosts } from '../../../bench/lib/inventory.js';
import { checkFor } from '../../../bench/lib/checks.js';
import { batchedCommand, knownKeys, runFloor, type FloorHost } from '../../../bench/lib/floor.js';
import { measure } from '../../../bench/lib/measure.js';
import { summarize } from '../../../bench/lib/stats.js';
import { withTable } from '../../../bench/lib/readme.js';
import { projectTimedOut } from '../../../bench/lib/contender.js';
import { sshdAvailable } from '../transport/sshd-fixture.js';
import { startLoopbackSshd, type LoopbackSshd } from '../../../bench/lib/sshd.js';
import { freePort } from '../transport/sshd-fixture.js';

const here = dirname(fileURLToPath(import.meta.url));
// fixtures are not compiled: read them from the source tree, wherever the build went
const fixture = (name: string) => readFileSync(join(projectRoot(), 'test/unit/bench/fixtures', name), 'utf8');
const compiledRoot = join(here, '../../..');
const LAB = ['master1', 'master2', 'master3', 'worker1', 'worker2'];

describe('bench harness', () => {
  describe('recap parser on real engine output', () => {
    it('reads tsplay\'s converged W1 recap: 60 ok, 0 changed on each of 5 hosts', () => {
      const r = parseRecap(fixture('tsplay-w1-converged.txt'));
      expect([...r.keys()]).to.deep.equal(LAB);
      expect(r.get('worker2')).to.deep.equal({ ok: 60, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 });
      expect(checkRecap(r, LAB, { ok: 60, changed: 0 })).to.deep.equal([]);
    });

    it('reads ansible-playbook\'s padded recap, converged and cold', () => {
      const warm = parseRecap(fixture('ansible-w1-converged.txt'));
      expect(checkRecap(warm, LAB, { ok: 60, changed: 0, failed: 0, unreachable: 0 })).to.deep.equal([]);
      const cold = parseRecap(fixture('ansible-w1-cold.txt'));
      expect(total(cold, 'changed')).to.equal(300);
      // the converged expectation must reject a cold run
      expect(checkRecap(cold, LAB, { changed: 0 })).to.include('master1: changed=60, expected 0');
    });

    it('does not take task lines for recap lines, strips colour, and reports missing hosts', () => {
      const r = parseRecap('ok: [h1]\nchanged: [h1] => {"a": 1}\n\x1b[0;33mh1\x1b[0m : ok=2 changed=1 unreachable=0 failed=0 skipped=0 rescued=0 ignored=0\n');
      expect([...r.keys()]).to.deep.equal(['h1']);
      expect(r.get('h1')!.changed).to.equal(1);
      expect(checkRecap(r, ['h1', 'h2'], {})).to.deep.equal(['h2: no recap line', 'recap has 1 hosts, expected 2']);
    });
  });

  describe('workload generation', () => {
    it('is deterministic and has 20 file, 20 copy, 10 lineinfile, 10 command tasks', () => {
      expect(w1Playbook()).to.equal(w1Playbook());
      expect(w3Playbook()).to.equal(w3Playbook());
      const kinds = w1Tasks().map((t) => t.kind);
      expect(kinds.filter((k) => k === 'file')).to.have.length(20);
      expect(kinds.filter((k) => k === 'copy')).to.have.length(20);
      expect(kinds.filter((k) => k === 'lineinfile')).to.have.length(10);
      expect(kinds.filter((k) => k === 'command')).to.have.length(10);
      // only {{ var }} interpolation and a bare-variable when: the subset both engines accept
      const templates = w1Playbook().match(/\{\{[^}]*\}\}/g) ?? [];
      expect(new Set(templates)).to.deep.equal(new Set(['{{ bench_root }}']));
      expect(w1Playbook().match(/when: (.*)/g)).to.have.length(10);
    });

    it('gives every loopback host its own root and the same inventory text each time', () => {
      const hosts = loopbackHosts(200, '127.0.0.1', 2299, 'tsplay');
      expect(new Set(hosts.map((h) => h.root)).size).to.equal(200);
      expect(hosts[199].name).to.equal('h0200');
      const conn = { user: 'root', keyFile: '/k', knownHosts: '/kh' };
      expect(inventoryYaml(hosts, conn)).to.equal(inventoryYaml(loopbackHosts(200, '127.0.0.1', 2299, 'tsplay'), conn));
    });
  });

  describe('measurement helpers', () => {
    it('summarizes by median, min and max', () => {
      expect(summarize([5, 1, 3])).to.deep.equal({ median: 3, min: 1, max: 5, n: 3 });
      expect(summarize([4, 1, 3, 2]).median).to.equal(2.5);
    });

    it('measures a real process: exit code, output and its peak memory from /proc', async () => {
      const m = await measure({ argv: [process.execPath, '-e', 'const b = Buffer.alloc(64 << 20, 1); setTimeout(() => console.log(b.length), 600)'], sampleMs: 50 });
      expect(m.exitCode).to.equal(0);
      expect(m.stdout.trim()).to.equal(String(64 << 20));
      expect(m.mainPeakKb).to.be.greaterThan(64 * 1024); // the 64 MiB buffer was touched
      expect(m.treePeakProcs).to.be.at.least(1);
    });

    it('stops a run at its timeout and projects its length from the tasks it started', async () => {
      const m = await measure({ argv: ['sleep', '30'], timeoutMs: 200 });
      expect(m.timedOut).to.equal(true);
      expect(projectTimedOut('TASK [a]\nTASK [b]\nTASK [c]\n', 1000, 60)).to.equal(30000);
    });

    it('replaces the table between the README markers and keeps the prose', () => {
      const once = withTable('# Benchmarks\n\nprose\n', 'T1');
      expect(once).to.contain('prose').and.contain('T1');
      const twice = withTable(once + '\nafter\n', 'T2');
      expect(twice).to.contain('T2').and.not.contain('T1');
      expect(twice).to.contain('after');
    });
  });

  describe('the floor against a real sshd', function () {
    this.timeout(120_000);
    // The harness's own W5 sshd (private mount namespace, sized for many logins), so this also tests it.
    let sshd: LoopbackSshd;
    let dir: string;
    let knownHosts: string;
    before(async function () {
      if (!sshdAvailable()) this.skip();
      dir = mkdtempSync(join(tmpdir(), 'tsplay-bench-test-'));
      sshd = await startLoopbackSshd(join(dir, 'sshd'), await freePort());
      knownHosts = sshd.knownHosts('test');
    });
    after(async () => {
      await sshd?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    const host = (root: string, checks: FloorHost['checks'], name = 'h1'): FloorHost => ({
      name,
      address: '127.0.0.1',
      port: sshd.port,
      user: 'root',
      keyFile: sshd.clientKey,
      knownHosts,
      checks,
    });
    const w1Checks = (root: string) => w1Tasks().map((t) => ({ command: checkFor(t, root).command.text, expect: checkFor(t, root).expect }));

    it('finds the host key in known_hosts for a non-default port only in [host]:port form', () => {
      const text = readFileSync(knownHosts, 'utf8');
      expect(knownKeys(text, '127.0.0.1', sshd.port)).to.have.length(1);
      expect(knownKeys(text, '127.0.0.1', 22)).to.have.length(0);
    });

    it('counts every check as failed on an empty root, in both modes', async () => {
      const h = host(join(dir, 'empty'), w1Checks(join(dir, 'empty')));
      for (const mode of ['per-task', 'batched'] as const) {
        const r = parseRecap((await runFloor([h], mode)).join('\n'));
        expect(r.get('h1')).to.include({ ok: 0, failed: 60, unreachable: 0 });
      }
    });

    it('agrees with tsplay: after tsplay converges W1 on the host, all 60 checks pass, per task and batched', async () => {
      const root = join(dir, 'root');
      const hosts = [{ name: 'h1', address: '127.0.0.1', port: sshd.port, root }];
      const inv = join(dir, 'inv.yml');
      const pb = join(dir, 'w1.yml');
      writeFileSync(inv, inventoryYaml(hosts, { user: 'root', keyFile: sshd.clientKey, knownHosts }));
      writeFileSync(pb, w1Playbook());
      const cli = join(compiledRoot, 'engine/cli/main.js');
      const run = () => promisify(execFile)(process.execPath, [cli, 'run', pb, '-i', inv], { env: { ...process.env, HOME: dir } });
      const first = parseRecap((await run()).stdout);
      expect(first.get('h1')).to.include({ ok: 60, changed: 60, failed: 0 });
      const second = parseRecap((await run()).stdout);
      expect(checkRecap(second, ['h1'], { ok: 60, changed: 0, failed: 0 })).to.deep.equal([]);
      for (const mode of ['per-task', 'batched'] as const) {
        const r = parseRecap((await runFloor([host(root, w1Checks(root))], mode)).join('\n'));
        expect(r.get('h1'), mode).to.include({ ok: 60, failed: 0, unreachable: 0 });
      }
    });

    it('runs as its own process (node floor.js SPEC MODE) and reports an unreachable host as such', async () => {
      const spec = join(dir, 'spec.json');
      const bad = { ...host(dir, [{ command: 'true', expect: '' }], 'h2'), port: 1 };
      writeFileSync(spec, JSON.stringify([host(dir, [{ command: 'echo hi', expect: 'hi' }]), bad]));
      const m = await measure({ argv: [process.execPath, join(compiledRoot, 'bench/floor.js'), spec, 'batched'] });
      const r = parseRecap(m.stdout);
      expect(r.get('h1')).to.include({ ok: 1, failed: 0 });
      expect(r.get('h2')).to.include({ unreachable: 1 });
      expect(m.exitCode).to.equal(2);
    });

    it('splits a batched exec back into one result per check', async () => {
      const checks = [
        { command: 'echo a', expect: 'a' },
        { command: 'false', expect: '' },
        { command: 'printf "x\\ny"', expect: 'x\ny' },
      ];
      expect(batchedCommand(checks).text.split('\n')).to.have.length(3);
      const r = parseRecap((await runFloor([host(dir, checks)], 'batched')).join('\n'));
      expect(r.get('h1')).to.include({ ok: 3, failed: 0 });
    });
  });
});

describe('bench/from-log: the results of a cut-short run, from its log', () => {
  const here = dirname(fileURLToPath(import.meta.url));
  // real lines of the 2026-12-03 run's log (dist/test/unit/bench -> test/unit/bench/fixtures)
  const log = readFileSync(join(here, '..', '..', '..', '..', 'test', 'unit', 'bench', 'fixtures', 'bench-log-excerpt.txt'), 'utf8');

  it('rebuilds counted runs, warm-ups, timeouts and problems per contender; drops a workload that did not finish', async () => {
    const { resultsFromLog } = await import('../../../bench/from-log.js');
    const ws = resultsFromLog(log);
    expect(ws.map((w) => `${w.id}:${w.hosts}`)).to.deep.equal(['W1:6', 'W5-200:200']);
    const w1 = ws[0];
    const c = (name: string) => w1.contenders.find((x) => x.name === name)!;
    expect(c('tsplay').wall).to.include({ n: 1, median: 2640 });
    expect(c('ansible (tuned + Mitogen)').wall).to.include({ n: 2, median: 30825 });
    expect(c('tsplay').runs.filter((r) => !r.counted)).to.have.length(1);
    expect(c('tsplay').problems, 'warm-up problems are not the counted runs’').to.deep.equal([]);
    expect(c('ansible (tuned)').mainPeakKb).to.equal(52 * 1024);
    const w5 = ws[1];
    const an = w5.contenders.find((x) => x.name === 'ansible (tuned)')!;
    expect(an.timedOut).to.equal(true);
    expect(an.wall).to.include({ n: 1, median: 601330 });
    const floor = w5.contenders.find((x) => x.name === 'floor: ssh2, one exec per task')!;
    expect(floor.wall!.n).to.equal(3);
    expect(floor.problems.join(' ')).to.match(/exit code 2/);
  });

  it('computes the targets as the harness does: a timed-out Ansible run is a lower bound', async () => {
    const { resultsFromLog } = await import('../../../bench/from-log.js');
    const { targets } = await import('../../../bench/lib/report.js');
    const t = targets(resultsFromLog(log));
    const w1 = t.find((x) => x.workload === 'W1' && x.what === 'ansible (tuned) / tsplay')!;
    expect(w1.value).to.be.closeTo(94.81 / 2.64, 0.01);
    expect(w1.met).to.equal(true);
    const w5 = t.find((x) => x.workload === 'W5-200')!;
    expect(w5.bound).to.equal('lower');
    expect(w5.value).to.be.closeTo(601.33 / 26.875, 0.01);
    expect(w5.met).to.equal(true);
  });
});
