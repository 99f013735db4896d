// One host's root filesystem: an overlay over the base image, plus what makes the host itself
// (hostname, address, machine-id, host key, lab key).
import { mkdir, readFile, writeFile, rm, stat, chmod, chown } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { LabHost } from './hosts.js';
import { hostPaths, type HostPaths } from './paths.js';
import { hostNetwork, HOST_NETWORK_FILE } from './host-files.js';
import { ensureHostKey } from './keys.js';
import { isMountPoint, unmountUnder } from './mounts.js';
import { run } from './run.js';

async function readText(p: string): Promise<string | undefined> {
  try {
    return (await readFile(p, 'utf8')).trim();
  } catch {
    return undefined;
  }
}

/**
 * Mounts the host's overlay (a fresh upper dir when the host was made against another base
 * image, since an upper dir only makes sense over its own lower) and writes its identity.
 * Returns the host's ed25519 public key.
 */
export async function prepareHostRoot(
  host: LabHost,
  baseDir: string,
  labPubKey: string,
  log: (line: string) => void = () => {},
): Promise<string> {
  const p = hostPaths(host.name);
  const madeOn = await readText(p.baseFile);
  if (madeOn !== baseDir) {
    if (madeOn) log(`${host.name} was made on ${madeOn}: starting it fresh on ${baseDir}`);
    await wipeHost(p);
  }
  await mkdir(p.upper, { recursive: true, mode: 0o755 });
  await mkdir(p.work, { recursive: true, mode: 0o700 });
  await mkdir(p.root, { recursive: true, mode: 0o755 });
  await writeFile(p.baseFile, baseDir + '\n');
  if (!(await isMountPoint(p.root))) {
    const opts = `lowerdir=${baseDir},upperdir=${p.upper},workdir=${p.work}`;
    await run(['mount', '-t', 'overlay', 'overlay', '-o', opts, p.root]);
  }
  await writeIdentity(p.root, host, labPubKey);
  return ensureHostKey(p.root, host);
}

async function writeIdentity(root: string, host: LabHost, labPubKey: string): Promise<void> {
  await writeFile(join(root, 'etc/hostname'), host.name + '\n');
  await writeFile(join(root, HOST_NETWORK_FILE), hostNetwork(host));
  const machineId = join(root, 'etc/machine-id');
  if (!/^[0-9a-f]{32}$/.test((await readText(machineId)) ?? '')) {
    await writeFile(machineId, randomBytes(16).toString('hex') + '\n', { mode: 0o444 });
  }
  await writeAuthorizedKey(root, 'root/.ssh', labPubKey, 0, 0);
  const deploy = await stat(join(root, 'home/deploy'));
  await writeAuthorizedKey(root, 'home/deploy/.ssh', labPubKey, deploy.uid, deploy.gid);
}

async function writeAuthorizedKey(root: string, sshDir: string, pubKey: string, uid: number, gid: number) {
  const dir = join(root, sshDir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, 'authorized_keys');
  const current = (await readText(file)) ?? '';
  if (!current.split('\n').includes(pubKey)) {
    await writeFile(file, (current ? current + '\n' : '') + pubKey + '\n', { mode: 0o600 });
  }
  await chmod(file, 0o600);
  await chown(dir, uid, gid);
  await chown(file, uid, gid);
}

export async function unmountHostRoot(name: string): Promise<void> {
  await unmountUnder(hostPaths(name).root);
}

/** Forgets everything the host did: next boot starts from the base image again. */
export async function wipeHost(p: HostPaths): Promise<void> {
  await unmountUnder(p.root);
  await rm(p.dir, { recursive: true, force: true });
}
