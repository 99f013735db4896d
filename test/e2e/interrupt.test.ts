// SIGINT/SIGTERM during a run: the running task finishes, nothing after it starts, the recap
// shows what was applied, exit 99 as ansible-playbook.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile, rm, access, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI } from './run-tsplay.js';

const exists = (p: string) => access(p).then(() => true, () => false);

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
});
