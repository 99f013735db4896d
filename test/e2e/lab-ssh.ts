// A command on a lab host through OpenSSH, with the lab's key and pinned host keys (as a person
// would check a host, independent of tsplay's own transport).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';

export const LAB = '/var/lib/tsplay-lab';
const run = promisify(execFile);

export function labSsh(ip: string, cmd: string, timeoutMs = 60_000) {
  return run(
    'ssh',
    ['-i', `${LAB}/id_ed25519`, '-o', `UserKnownHostsFile=${LAB}/known_hosts`, '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=5', `root@${ip}`, cmd],
    { timeout: timeoutMs },
  );
}

/**
 * A lab test's private directories: one on the host (`root`, made by mktemp there) and one on the
 * controller (`dir`), both named after the test. Called from the suite's `before`: it skips the
 * suite, saying why, when the lab is not up or the host does not answer.
 */
export async function labTempDirs(ctx: Mocha.Context, ip: string, name: string): Promise<{ root: string; dir: string }> {
  if (!existsSync(`${LAB}/id_ed25519`) || !existsSync(`${LAB}/known_hosts`)) {
    console.log('      (skipped: the lab is not up)');
    ctx.skip();
  }
  let root: string;
  try {
    root = (await labSsh(ip, `mktemp -d /tmp/tsplay-${name}.XXXXXX`, 15_000)).stdout.trim();
  } catch (e) {
    console.log(`      (skipped: the lab is not reachable: ${(e as Error).message.split('\n')[0]})`);
    ctx.skip();
  }
  expect(root).to.match(new RegExp(`^/tmp/tsplay-${name}\\.`));
  return { root, dir: await mkdtemp(join(tmpdir(), `tsplay-${name}-`)) };
}

/** Removes what labTempDirs made (either may be empty: a skipped suite made nothing). */
export async function removeLabTempDirs(ip: string, root: string, dir: string): Promise<void> {
  if (root) await labSsh(ip, `rm -rf -- ${root}`).catch(() => undefined);
  if (dir) await rm(dir, { recursive: true, force: true });
}
