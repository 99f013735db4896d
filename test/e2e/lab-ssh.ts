// A command on a lab host through OpenSSH, with the lab's key and pinned host keys (as a person
// would check a host, independent of tsplay's own transport).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

export const LAB = '/var/lib/tsplay-lab';
const run = promisify(execFile);

export function labSsh(ip: string, cmd: string, timeoutMs = 60_000) {
  return run(
    'ssh',
    ['-i', `${LAB}/id_ed25519`, '-o', `UserKnownHostsFile=${LAB}/known_hosts`, '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=5', `root@${ip}`, cmd],
    { timeout: timeoutMs },
  );
}
