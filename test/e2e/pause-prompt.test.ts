// pause through the real CLI: a prompt needs someone at a terminal, so with its input not a
// terminal the task fails at once with a clear message (and does not hang waiting for an answer);
// a long pause is a sleep the run's stop signal ends, as any running command.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtemp, writeFile, rm, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, tsplay, recapOf } from './run-tsplay.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** whether a process with exactly this command line runs on this machine */
async function running(argv: string[]): Promise<boolean> {
  const want = argv.join('\0') + '\0';
  for (const e of await readdir('/proc')) {
    if (/^\d+$/.test(e) && (await readFile(`/proc/${e}/cmdline`, 'utf8').catch(() => '')) === want) return true;
  }
  return false;
}

describe('e2e: pause', function () {
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

  it('a long pause ends on the second SIGINT (exit 99), not after the interrupt grace', async () => {
    // a unique sleep to find among the machine's processes (whole milliseconds, as pause runs it)
    const secs = String(Number(`300.${randomInt(100, 999)}`));
    await writeFile(join(dir, 'long.yml'), `- hosts: localhost\n  gather_facts: false\n  tasks:\n    - pause: { seconds: ${secs} }\n    - debug: { msg: not reached }\n`);
    const child = spawn(process.execPath, [CLI, 'run', join(dir, 'long.yml'), '-i', 'localhost,', '--no-lock', '--interrupt-grace', '120'], { env: { ...process.env, CI: 'true' } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const closed = new Promise<number | null>((res) => child.on('close', res));
    const kill = setTimeout(() => child.kill('SIGKILL'), 50_000);
    try {
      for (let i = 0; i < 400 && !(await running(['sleep', secs])); i++) await sleep(50);
      expect(await running(['sleep', secs]), `the pause started\n${out}`).to.equal(true);
      child.kill('SIGINT');
      for (let i = 0; i < 200 && !out.includes('[interrupted:'); i++) await sleep(25);
      child.kill('SIGINT');
      expect(await closed, out).to.equal(99);
      expect(out).to.not.contain('not reached');
      expect(await running(['sleep', secs]), 'the sleep is gone').to.equal(false);
    } finally {
      clearTimeout(kill);
    }
  });
});
