import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile, rm, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDbusDaemon, removeStaleDbusFiles } from '../../../engine/lab/runtime.js';

const exists = (p: string) => access(p).then(() => true, () => false);

describe('lab runtime: stale system D-Bus files', () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(join(tmpdir(), 'lab-dbus-'))));
  after(async () => rm(dir, { recursive: true, force: true }));

  it('recognises dbus-daemon by argv[0] only', () => {
    expect(isDbusDaemon('dbus-daemon\0--system\0--fork\0')).to.equal(true);
    expect(isDbusDaemon('/usr/bin/dbus-daemon\0--system\0')).to.equal(true);
    expect(isDbusDaemon('sleep\0dbus-daemon\0')).to.equal(false);
    expect(isDbusDaemon('')).to.equal(false);
  });

  it('removes the pid file and socket when the pid is gone or is another program', async () => {
    for (const pid of ['999999999', String(process.pid), 'junk']) {
      const pidFile = join(dir, 'pid');
      const sock = join(dir, 'sock');
      await writeFile(pidFile, `${pid}\n`);
      await writeFile(sock, '');
      expect(await removeStaleDbusFiles(pidFile, sock), pid).to.equal(true);
      expect(await exists(pidFile)).to.equal(false);
      expect(await exists(sock)).to.equal(false);
    }
  });

  it('keeps the files of a live dbus-daemon, and does nothing without a pid file', async () => {
    const child = spawn('sleep', ['30'], { argv0: 'dbus-daemon', stdio: 'ignore' });
    await new Promise((r) => child.once('spawn', r));
    const pidFile = join(dir, 'live.pid');
    await writeFile(pidFile, `${child.pid}\n`);
    try {
      expect(await removeStaleDbusFiles(pidFile, join(dir, 'nosock'))).to.equal(false);
      expect(await exists(pidFile)).to.equal(true);
    } finally {
      child.kill('SIGKILL');
    }
    expect(await removeStaleDbusFiles(join(dir, 'missing.pid'), join(dir, 'nosock'))).to.equal(false);
  });
});
