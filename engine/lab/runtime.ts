// What systemd-nspawn needs on a controller without systemd as PID 1 (lab.md): a tmpfs at
// /run/systemd/nspawn (else "propagate … we can't allow that") and a running system D-Bus.
import { mkdir, unlink } from 'node:fs/promises';
import { connect } from 'node:net';
import { isMountPoint } from './mounts.js';
import { livePid } from './pidfile.js';
import { pathExists } from '../path-exists.js';
import { run } from './run.js';

const NSPAWN_RUN_DIR = '/run/systemd/nspawn';
const DBUS_SOCKET = '/run/dbus/system_bus_socket';
const DBUS_PID_FILE = '/run/dbus/pid';

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

/** True when the pid's argv[0] is dbus-daemon (a recycled pid of something else never counts). */
export function isDbusDaemon(cmdline: string): boolean {
  const argv0 = cmdline.split('\0')[0] ?? '';
  return /(^|\/)dbus-daemon$/.test(argv0);
}

/**
 * A bus ended by SIGKILL (as when a session's processes are ended) leaves its pid file and socket,
 * and dbus-daemon then refuses to start. They are removed only when the pid named is no live
 * dbus-daemon.
 */
export async function removeStaleDbusFiles(pidFile = DBUS_PID_FILE, socket = DBUS_SOCKET): Promise<boolean> {
  if (!(await pathExists(pidFile)) || (await livePid(pidFile, isDbusDaemon))) return false;
  await unlink(pidFile).catch(() => {});
  await unlink(socket).catch(() => {});
  return true;
}

export async function ensureNspawnRuntime(log: (line: string) => void): Promise<void> {
  if (!(await isMountPoint(NSPAWN_RUN_DIR))) {
    await mkdir(NSPAWN_RUN_DIR, { recursive: true });
    await run(['mount', '-t', 'tmpfs', '-o', 'mode=0755', 'tmpfs', NSPAWN_RUN_DIR]);
    log(`mounted tmpfs on ${NSPAWN_RUN_DIR}`);
  }
  if (await socketAnswers(DBUS_SOCKET)) return;
  await mkdir('/run/dbus', { recursive: true });
  if (await removeStaleDbusFiles()) log('removed the pid file and socket of a system D-Bus that is gone');
  else if (await pathExists(DBUS_PID_FILE)) {
    // a live dbus-daemon that does not answer yet (just starting): give it a moment
    for (let i = 0; i < 50 && !(await socketAnswers(DBUS_SOCKET)); i++) await new Promise((r) => setTimeout(r, 100));
    if (await socketAnswers(DBUS_SOCKET)) return;
    throw new Error(`the system D-Bus named in ${DBUS_PID_FILE} runs but does not answer on ${DBUS_SOCKET}`);
  }
  await run(['dbus-daemon', '--system', '--fork']);
  log('started the system D-Bus');
}
