// The lab recovers a host whose nspawn process was killed (as a stopped session does): the
// orphaned container is ended through the host's cgroup and the host boots again; a system D-Bus
// killed the same way (its pid file left behind, so dbus-daemon refuses to start) is started anew.
import { expect } from 'chai';
import { readFile, access } from 'node:fs/promises';
import { tsplay } from './run-tsplay.js';

const PIDFILE = '/var/lib/tsplay-lab/hosts/worker2/nspawn.pid';
const DBUS_PIDFILE = '/run/dbus/pid';

describe('e2e: lab up after an nspawn was killed', function () {
  this.timeout(180_000);
  before(async function () {
    if (process.getuid?.() !== 0) return this.skip();
    try {
      // a pid file left by a lab that is down is not a running host
      process.kill(Number((await readFile(PIDFILE, 'utf8')).trim()), 0);
    } catch {
      console.log('      (skipped: the lab is not up)');
      this.skip();
    }
  });

  it('ends the orphaned container, restarts a killed D-Bus and boots the host again', async () => {
    const pid = Number((await readFile(PIDFILE, 'utf8')).trim());
    process.kill(pid, 'SIGKILL');
    const dbusPid = Number((await readFile(DBUS_PIDFILE, 'utf8').catch(() => '')).trim());
    if (dbusPid > 1) process.kill(dbusPid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 500));
    if (dbusPid > 1) await access(DBUS_PIDFILE); // left behind, as after a stopped session
    const down = await tsplay(['lab', 'status']);
    expect(JSON.parse(down.stdout).hosts.find((h: { name: string }) => h.name === 'worker2').running).to.equal(false);
    const up = await tsplay(['lab', 'up']);
    expect(up.code, up.stderr).to.equal(0);
    if (dbusPid > 1) {
      expect(up.stderr).to.match(/removed the pid file and socket of a system D-Bus that is gone/);
      expect(up.stderr).to.match(/started the system D-Bus/);
    }
    expect(up.stderr).to.match(/worker2: ending the processes left in .*tsplay-lab\/worker2/);
    const host = JSON.parse(up.stdout).hosts.find((h: { name: string }) => h.name === 'worker2');
    expect(host.running).to.equal(true);
    expect(host.reachable).to.equal(true);
    expect(Number((await readFile(PIDFILE, 'utf8')).trim())).to.not.equal(pid);
  });
});
