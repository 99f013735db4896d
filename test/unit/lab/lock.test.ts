import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withLabLock } from '../../../engine/lab/lock.js';

const exists = (p: string) => stat(p).then(() => true, () => false);

describe('lab lock', () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(join(tmpdir(), 'lab-lock-'))));
  after(async () => rm(dir, { recursive: true, force: true }));

  it('holds the lock during the work and frees it after, also on failure', async () => {
    const file = join(dir, 'a');
    expect(await withLabLock(async () => exists(file), file)).to.equal(true);
    expect(await exists(file)).to.equal(false);
    await withLabLock(async () => { throw new Error('boom'); }, file).catch(() => {});
    expect(await exists(file)).to.equal(false);
  });
  it('refuses while a live process owns the lock, naming it', async () => {
    const file = join(dir, 'b');
    const owner = spawn('sleep', ['30'], { stdio: 'ignore' });
    await new Promise((r) => owner.once('spawn', r));
    await writeFile(file, `${owner.pid}\n`);
    try {
      let ran = false;
      const err = await withLabLock(async () => { ran = true; }, file).catch((e: Error) => e);
      expect(ran).to.equal(false);
      expect((err as Error).message).to.include(`pid ${owner.pid}`);
    } finally {
      owner.kill('SIGKILL');
    }
  });
  it('takes over a lock whose owner is gone', async () => {
    const file = join(dir, 'c');
    const gone = spawn('true', { stdio: 'ignore' });
    await new Promise((r) => gone.once('exit', r));
    await writeFile(file, `${gone.pid}\n`);
    expect(await withLabLock(async () => 'ok', file)).to.equal('ok');
  });
});
