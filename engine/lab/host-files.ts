// Text of the files the lab writes into the image and into each host. Pure: no I/O.
import { LAB_GATEWAY, LAB_PREFIX, type LabHost } from './hosts.js';

/** Every lab host by name, so lookups (hostname -f, etcd peers) never reach DNS. */
export function etcHosts(hosts: readonly LabHost[]): string {
  const lines = [
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'ff02::1\tip6-allnodes',
    'ff02::2\tip6-allrouters',
    '',
    '# tsplay lab hosts',
    ...hosts.map((h) => `${h.ip}\t${h.name}`),
  ];
  return lines.join('\n') + '\n';
}

/**
 * No name server is reachable from the lab; 127.0.0.1 refuses at once (nothing listens),
 * so a lookup that misses /etc/hosts fails in milliseconds instead of waiting 10 s.
 */
export function resolvConf(): string {
  return 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n';
}

/** Named 10-… so it sorts before the image's 80-container-host0.network, which would win otherwise. */
export const HOST_NETWORK_FILE = 'etc/systemd/network/10-host0.network';

export function hostNetwork(host: LabHost): string {
  return [
    '# tsplay lab: static address on the controller bridge',
    '[Match]',
    'Name=host0',
    '',
    '[Network]',
    `Address=${host.ip}/${LAB_PREFIX}`,
    `Gateway=${LAB_GATEWAY}`,
    'LinkLocalAddressing=no',
    'IPv6AcceptRA=no',
    '',
  ].join('\n');
}

/**
 * sshd offers only the per-host ed25519 key, the one pinned in known_hosts. It also probes idle
 * clients, so a session whose controller vanished (link cut) ends within seconds and the
 * upload's shell removes its temp file; without it sshd would wait on TCP keepalive (2 h).
 */
export const SSHD_DROPIN_FILE = 'etc/ssh/sshd_config.d/10-tsplay-lab.conf';

export function sshdDropin(): string {
  return [
    '# tsplay lab: one host key, pinned by the controller; dead clients noticed within ~15 s',
    'HostKey /etc/ssh/ssh_host_ed25519_key',
    'UseDNS no',
    'ClientAliveInterval 5',
    'ClientAliveCountMax 3',
    '',
  ].join('\n');
}

/** known_hosts line: "name,ip keytype base64" from a .pub file's text. */
export function knownHostsLine(host: LabHost, pubKey: string): string {
  const [type, b64] = pubKey.trim().split(/\s+/);
  if (!type || !b64) throw new Error(`host key of ${host.name} is not an OpenSSH public key`);
  return `${host.name},${host.ip} ${type} ${b64}`;
}

/** Where every host sees the lab's package repository (bind-mounted read-only by nspawn). */
export const HOST_REPO_DIR = '/srv/tsplay-lab-repo';
export const HOST_APT_SOURCE_FILE = 'etc/apt/sources.list.d/tsplay-lab.list';

/**
 * The hosts' only apt source: the flat repository on the controller, made from the
 * controller's Debian mirror with signatures checked there (so trusted here).
 */
export function hostAptSource(): string {
  return `# tsplay lab: the role packages, from the controller (engine/lab/repo.ts)\ndeb [trusted=yes] file:${HOST_REPO_DIR} ./\n`;
}
