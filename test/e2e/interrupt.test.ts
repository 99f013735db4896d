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
