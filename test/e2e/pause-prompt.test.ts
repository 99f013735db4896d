// pause's prompt needs someone at a terminal: the real CLI with its input not a terminal fails
// the task at once with a clear message (and does not hang waiting for an answer).
import { expect } from 'chai';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tsplay, recapOf } from './run-tsplay.js';

describe('e2e: pause without a terminal', function () {
  this.timeout(60_000);
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tsplay-pause-'));
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  for (const [what, args] of [
    ['prompt', '{ prompt: "Continue?" }'],
    ['neither seconds nor minutes', '{}'],
  ] as const) {
    it(`${what}: the task fails saying the input is not a terminal`, async () => {
      await writeFile(join(dir, 'site.yml'), `- hosts: localhost\n  gather_facts: false\n  tasks:\n    - pause: ${args}\n    - debug: { msg: not reached }\n`);
      const r = await tsplay(['run', join(dir, 'site.yml'), '-i', 'localhost,', '--no-lock'], { timeoutMs: 30_000 });
      expect(r.code, r.stdout + r.stderr).to.equal(2);
      expect(r.stdout).to.contain('asks on the terminal, and the input is not a terminal; give seconds or minutes instead');
      expect(recapOf(r.stdout, 'localhost')).to.include({ failed: 1, ok: 0 });
    });
  }
});
