// SIGINT/SIGTERM during a run: the running task finishes, nothing after it starts, the recap
// shows what was applied, exit 99 as ansible-playbook.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtemp, writeFile, rm, access, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../engine/paths.js';
import { CLI, recapOf } from './run-tsplay.js';
import { LAB, labSsh } from './lab-ssh.js';

const exists = (p: string) => access(p).then(() => true, () => false);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** pids on this machine whose command line is exactly argv */
async function localPids(argv: string[]): Promise<number[]> {
  const want = argv.join('\0') + '\0';
  const out: number[] = [];
  for (const e of await readdir('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    if ((await readFile(`/proc/${e}/cmdline`, 'utf8').catch(() => '')) === want) out.push(Number(e));
  }
  return out;
}

/**
 * `tsplay run` with a `sleep 300.N` task (N makes it this test's own), interrupted twice once the
 * sleep runs: the first SIGINT gives a long grace, the second must stop the sleep at once.
 */
async function interruptTwice(args: string[], sleeping: () => Promise<boolean>, second: NodeJS.Signals = 'SIGINT'): Promise<{ code: number | null; out: string; secondToExit: number }> {
  const child = spawn(process.execPath, [CLI, 'run', ...args, '--interrupt-grace', '120'], { env: { ...process.env, CI: 'true' } });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const closed = new Promise<number | null>((res) => child.on('close', res));
  const kill = setTimeout(() => child.kill('SIGKILL'), 200_000);
  try {
    for (let i = 0; i < 600 && !(await sleeping()); i++) await sleep(50);
    expect(await sleeping(), `the sleep started\n${out}`).to.equal(true);
    child.kill('SIGINT');
    // two signals close together may reach the process as one: send the second once the first is seen
    for (let i = 0; i < 200 && !out.includes('[interrupted:'); i++) await sleep(25);
    expect(out).to.include('the running tasks get 120 s to finish');
    const t0 = Date.now();
    child.kill(second);
    const code = await closed;
    return { code, out, secondToExit: Date.now() - t0 };
  } finally {
    clearTimeout(kill);
  }
}

/** what the run printed and logged: the recap, one run-log line, exit 99 */
async function expectStoppedRun(r: { code: number | null; out: string; secondToExit: number }, host: string, log: string) {
  expect(r.code, r.out).to.equal(99);
  expect(recapOf(r.out, host), `the recap\n${r.out}`).to.include({ ok: 0, changed: 0, failed: 1 });
  const lines = (await readFile(log, 'utf8').catch(() => '')).trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  expect(lines, 'the run-log lines').to.have.length(1);
  expect(lines[0].exit_code).to.equal(99);
  expect(lines[0].hosts[host].failed_tasks).to.have.length(1);
  expect(r.secondToExit, 'ended soon after the second SIGINT, not after the 120 s grace').to.be.lessThan(20_000);
  expect(r.out).to.include('[interrupted again: stopping the running commands now');
  expect(r.out).to.match(new RegExp(`fatal: \\[${host}\\]: FAILED!`));
  expect(r.out).to.include('interrupted: commands still running at the second interrupt were stopped');
}

describe('e2e: interrupting a run', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tsplay-int-'));
    await writeFile(join(dir, 'hosts.yml'), 'all:\n  hosts:\n    localhost: { ansible_connection: local }\n');
    await writeFile(
      join(dir, 'site.yml'),
      `- hosts: all\n  gather_facts: false\n  tasks:\n    - copy: { dest: "${dir}/first", content: "one" }\n    - command: sleep 2\n      args: { creates: "${dir}/never" }\n    - copy: { dest: "${dir}/second", content: "two" }\n`,
    );
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('a task still running after --interrupt-grace has its command stopped (its children too); exit 99', async () => {
    await writeFile(
      join(dir, 'long.yml'),
      `- hosts: all\n  gather_facts: false\n  tasks:\n    - shell: "echo $$ > ${dir}/pid; sleep 300; touch ${dir}/slept"\n    - copy: { dest: "${dir}/second", content: "two" }\n`,
    );
    const child = spawn(process.execPath, [CLI, 'run', join(dir, 'long.yml'), '-i', join(dir, 'hosts.yml'), '--interrupt-grace', '1'], { env: { ...process.env, CI: 'true' } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const closed = new Promise<number | null>((res) => child.on('close', res));
    for (let i = 0; i < 200 && !(await exists(join(dir, 'pid'))); i++) await new Promise((r) => setTimeout(r, 50));
    const pid = Number((await readFile(join(dir, 'pid'), 'utf8')).trim());
    const t0 = Date.now();
    child.kill('SIGINT');
    const code = await closed;
    expect(code, out).to.equal(99);
    expect(Date.now() - t0, 'stopped after the 1 s grace, not after the 300 s sleep').to.be.lessThan(15_000);
    expect(out).to.match(/the running tasks get 1 s to finish/);
    expect(out).to.match(/fatal: \[localhost\]: FAILED! .*stopped: the run was interrupted/);
    expect(out).to.match(/commands still running after the grace period were stopped/);
    expect(out).to.match(/^localhost\s+: ok=0 changed=0 unreachable=0 failed=1/m);
    expect(await exists(join(dir, 'second'))).to.equal(false);
    expect(await exists(join(dir, 'slept'))).to.equal(false);
    // the shell and its sleep are gone (a zombie waiting for its reaper counts as gone)
    const running = async () => !/\) Z /.test(await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => ') Z '));
    for (let i = 0; i < 50 && (await running()); i++) await new Promise((r) => setTimeout(r, 100));
    expect(await running(), `pid ${pid} still runs`).to.equal(false);
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal}: finishes the running task, applies nothing after it, exits 99`, async () => {
      const child = spawn(process.execPath, [CLI, 'run', join(dir, 'site.yml'), '-i', join(dir, 'hosts.yml')], { env: { ...process.env, CI: 'true' } });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      const closed = new Promise<number | null>((res) => child.on('close', res));
      // wait until the first task is done and the sleep is running
      for (let i = 0; i < 200 && !(await exists(join(dir, 'first'))); i++) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 300));
      child.kill(signal);
      const code = await closed;
      expect(code, out).to.equal(99);
      expect(await readFile(join(dir, 'first'), 'utf8')).to.equal('one');
      expect(await exists(join(dir, 'second'))).to.equal(false);
      expect(out).to.match(/changed: \[localhost\]/);
      expect(out).to.match(/interrupted: the tasks that were running finished/);
      expect(out).to.match(/^localhost\s+: ok=2 changed=2 unreachable=0 failed=0/m);
    });
  }

  for (const second of ['SIGINT', 'SIGTERM'] as const) {
    it(`a second signal (${second}) stops the running command at once (its process group), then the recap, the run-log line, exit 99`, async () => {
      const n = `300.${randomInt(1e6, 1e7)}`;
      await writeFile(join(dir, 'long.yml'), `- hosts: all\n  gather_facts: false\n  tasks:\n    - shell: "echo $$ > ${dir}/pid; sleep ${n}; touch ${dir}/slept"\n    - copy: { dest: "${dir}/second", content: "two" }\n`);
      const log = join(dir, 'run.log');
      try {
        const r = await interruptTwice([join(dir, 'long.yml'), '-i', join(dir, 'hosts.yml'), '--run-log', log], async () => (await localPids(['sleep', n])).length > 0, second);
        // the sleep and its shell are gone (the kill was sent before the run ended; allow it to land)
        const pid = Number((await readFile(join(dir, 'pid'), 'utf8')).trim());
        const running = async () => (await localPids(['sleep', n])).length > 0 || !/\) Z /.test(await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => ') Z '));
        for (let i = 0; i < 50 && (await running()); i++) await sleep(100);
        expect(await localPids(['sleep', n]), `sleep ${n} still runs`).to.deep.equal([]);
        expect(await running(), `pid ${pid} still runs`).to.equal(false);
        await expectStoppedRun(r, 'localhost', log);
        expect(await exists(join(dir, 'second'))).to.equal(false);
        expect(await exists(join(dir, 'slept'))).to.equal(false);
      } finally {
        for (const p of await localPids(['sleep', n])) process.kill(p, 'SIGKILL');
      }
    });
  }

  describe('on a lab host over SSH', () => {
    const IP = '10.77.0.22';
    before(async function () {
      try {
        await access(`${LAB}/id_ed25519`);
        await labSsh(IP, 'true', 30_000);
      } catch {
        console.log('      (skipped: the lab is not up)');
        return this.skip();
      }
    });

    it('a second SIGINT stops the remote command at once: no sleep left on worker2, the recap, the run-log line, exit 99', async () => {
      const n = `300.${randomInt(1e6, 1e7)}`;
      const remote = async () => (await labSsh(IP, `pgrep -f -x ${JSON.stringify(`sleep ${n}`)} || true`)).stdout.trim();
      await writeFile(join(dir, 'lab.yml'), `- hosts: worker2\n  gather_facts: false\n  tasks:\n    - shell: "sleep ${n}; echo slept"\n    - command: "true"\n`);
      const log = join(dir, 'run.log');
      try {
        const r = await interruptTwice([join(dir, 'lab.yml'), '-i', join(projectRoot(), 'inventories', 'lab'), '--run-log', log], async () => (await remote()) !== '');
        // the run waited for the kill on worker2 before it ended: nothing left there now
        expect(await remote(), `sleep ${n} still runs on worker2`).to.equal('');
        await expectStoppedRun(r, 'worker2', log);
      } finally {
        const left = await remote().catch(() => '');
        if (left) await labSsh(IP, `kill ${left.split('\n').join(' ')}`).catch(() => undefined);
      }
    });
  });
});
