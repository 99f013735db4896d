import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePid, isHostNspawn, runningPid } from '../../../engine/lab/pidfile.js';

describe('lab pid files', () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(join(tmpdir(), 'lab-pid-'))));
  after(async () => rm(dir, { recursive: true, force: true }));

  it('parses pids and refuses junk, 0 and 1', () => {
    expect(parsePid('1234\n')).to.equal(1234);
    for (const t of ['', 'abc', '0', '1', '-5', '12.5']) expect(parsePid(t)).to.equal(undefined);
  });
  it('recognises only the nspawn of that machine', () => {
    expect(isHostNspawn('systemd-nspawn\0-D\0/r\0--machine=master1\0', 'master1')).to.equal(true);
    expect(isHostNspawn('/usr/bin/systemd-nspawn\0--machine=master1\0', 'master1')).to.equal(true);
    expect(isHostNspawn('systemd-nspawn\0--machine=master10\0', 'master1')).to.equal(false);
    expect(isHostNspawn('sleep\0--machine=master1\0', 'master1')).to.equal(false);
  });
  it('treats a pid file naming another program (a recycled pid) as not running', async () => {
    const file = join(dir, 'self.pid');
    await writeFile(file, `${process.pid}\n`);
    expect(await runningPid(file, 'master1')).to.equal(undefined);
    expect(await runningPid(join(dir, 'missing.pid'), 'master1')).to.equal(undefined);
  });
  it('follows a live process that looks like the host nspawn, and notices when it ends', async () => {
    // argv0 makes /proc/PID/cmdline read "systemd-nspawn … --machine=labtest" for a real process
    const child = spawn('sh', ['-c', 'sleep 30', '--machine=labtest'], { argv0: 'systemd-nspawn', stdio: 'ignore' });
    await new Promise((r) => child.once('spawn', r));
    const file = join(dir, 'fake.pid');
    await writeFile(file, `${child.pid}\n`);
    try {
      expect(await runningPid(file, 'labtest')).to.equal(child.pid);
      expect(await runningPid(file, 'other')).to.equal(undefined);
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    }
    expect(await runningPid(file, 'labtest')).to.equal(undefined);
  });
});
