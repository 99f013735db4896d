// Inventories the harness writes: the lab's running hosts, or N names all served by one loopback sshd.
// Every host gets its own root directory (bench_root) so engines and hosts never share files.
import { dump } from 'js-yaml';

export interface BenchHost {
  name: string;
  address: string;
  port: number;
  root: string;
}

export interface Connection {
  user: string;
  keyFile: string;
  knownHosts: string;
}

/** YAML inventory with one group `bench`; the same for both engines apart from knownHosts and roots. */
export function inventoryYaml(
  hosts: BenchHost[],
  conn: Connection,
  perHost: (h: BenchHost) => Record<string, unknown> = () => ({}),
): string {
  const entries: Record<string, Record<string, unknown>> = {};
  for (const h of hosts) entries[h.name] = { ansible_host: h.address, ansible_port: h.port, bench_root: h.root, ...perHost(h) };
  const vars = {
    ansible_user: conn.user,
    ansible_ssh_private_key_file: conn.keyFile,
    ansible_ssh_known_hosts_file: conn.knownHosts,
    ansible_ssh_common_args: `-o UserKnownHostsFile=${conn.knownHosts} -o StrictHostKeyChecking=yes`,
    ansible_python_interpreter: '/usr/bin/python3',
  };
  return dump({ all: { vars, children: { bench: { hosts: entries } } } }, { lineWidth: -1 });
}

/** Lab hosts, each with a root directory for one engine: /srv/tsplay-bench-<engine>. */
export function labHosts(lab: { name: string; ip: string }[], engine: string): BenchHost[] {
  return lab.map((h) => ({ name: h.name, address: h.ip, port: 22, root: `/srv/tsplay-bench-${engine}` }));
}

/** n inventory hosts h0001…, all reaching one sshd at address:port, each with its own root directory. */
export function loopbackHosts(n: number, address: string, port: number, engine: string): BenchHost[] {
  const hosts: BenchHost[] = [];
  for (let i = 1; i <= n; i++) {
    const name = `h${String(i).padStart(4, '0')}`;
    hosts.push({ name, address, port, root: `/srv/tsplay-bench-w5/${engine}/${name}` });
  }
  return hosts;
}
