// One lab command at a time (up and down change shared state). The lock file holds the
// owner's pid; a lock whose owner is gone is taken over.
import { open, readFile, unlink } from 'node:fs/promises';
import { LAB_LOCK_FILE } from './paths.js';
import { parsePid } from './pidfile.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function withLabLock<T>(fn: () => Promise<T>, file = LAB_LOCK_FILE): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      const fh = await open(file, 'wx', 0o600);
      await fh.write(`${process.pid}\n`);
      await fh.close();
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 3) throw e;
      const owner = parsePid(await readFile(file, 'utf8').catch(() => ''));
      if (owner && owner !== process.pid && alive(owner)) {
        throw new Error(`another tsplay lab command (pid ${owner}) holds ${file}`);
      }
      await unlink(file).catch(() => {});
    }
  }
  try {
    return await fn();
  } finally {
    await unlink(file).catch(() => {});
  }
}
