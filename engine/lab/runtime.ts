// What systemd-nspawn needs on a controller without systemd as PID 1 (lab.md): a tmpfs at
// /run/systemd/nspawn (else "propagate … we can't allow that") and a running system D-Bus.
import { mkdir } from 'node:fs/promises';
import { connect } from 'node:net';
import { isMountPoint } from './mounts.js';
import { run } from './run.js';

const NSPAWN_RUN_DIR = '/run/systemd/nspawn';
const DBUS_SOCKET = '/run/dbus/system_bus_socket';

function socketAnswers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export async function ensureNspawnRuntime(log: (line: string) => void): Promise<void> {
  if (!(await isMountPoint(NSPAWN_RUN_DIR))) {
    await mkdir(NSPAWN_RUN_DIR, { recursive: true });
    await run(['mount', '-t', 'tmpfs', '-o', 'mode=0755', 'tmpfs', NSPAWN_RUN_DIR]);
    log(`mounted tmpfs on ${NSPAWN_RUN_DIR}`);
  }
  if (!(await socketAnswers(DBUS_SOCKET))) {
    await mkdir('/run/dbus', { recursive: true });
    await run(['dbus-daemon', '--system', '--fork']);
    log('started the system D-Bus');
  }
}
