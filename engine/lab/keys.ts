// SSH identity of the lab: one controller key pair (made once), one ed25519 host key per host
// (made on the controller before boot), and a known_hosts that pins exactly those host keys.
import { readFile, writeFile, rename, mkdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { LAB_KEY_FILE, LAB_KNOWN_HOSTS_FILE } from './paths.js';
import { knownHostsLine } from './host-files.js';
import type { LabHost } from './hosts.js';
import { run } from './run.js';
import { pathExists } from '../path-exists.js';

/** The lab's public key text, generating the pair on first use. */
export async function ensureLabKey(): Promise<string> {
  if (!(await pathExists(LAB_KEY_FILE)) || !(await pathExists(`${LAB_KEY_FILE}.pub`))) {
    await unlink(LAB_KEY_FILE).catch(() => {});
    await unlink(`${LAB_KEY_FILE}.pub`).catch(() => {});
    await run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', 'tsplay-lab', '-f', LAB_KEY_FILE]);
  }
  return (await readFile(`${LAB_KEY_FILE}.pub`, 'utf8')).trim();
}

export const HOST_KEY_FILE = 'etc/ssh/ssh_host_ed25519_key';

/** Makes the host's ed25519 key inside its root unless it already has one; returns the .pub text. */
export async function ensureHostKey(root: string, host: LabHost): Promise<string> {
  const key = join(root, HOST_KEY_FILE);
  if (!(await pathExists(key)) || !(await pathExists(`${key}.pub`))) {
    await mkdir(join(root, 'etc/ssh'), { recursive: true });
    await unlink(key).catch(() => {});
    await unlink(`${key}.pub`).catch(() => {});
    await run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', `root@${host.name}`, '-f', key]);
  }
  return readFile(`${key}.pub`, 'utf8');
}

/** Rewrites known_hosts (atomically) with one pinned line per host. */
export async function writeKnownHosts(entries: readonly { host: LabHost; pubKey: string }[]): Promise<void> {
  const text = entries.map((e) => knownHostsLine(e.host, e.pubKey)).join('\n') + '\n';
  const tmp = `${LAB_KNOWN_HOSTS_FILE}.tmp`;
  await writeFile(tmp, text, { mode: 0o644 });
  await rename(tmp, LAB_KNOWN_HOSTS_FILE);
}
