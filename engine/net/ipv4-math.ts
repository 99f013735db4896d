// IPv4 prefix arithmetic for interface facts (netmask, network, broadcast from address/prefix).

function toInt(addr: string): number | undefined {
  const parts = addr.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

function toDotted(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

export interface Ipv4Net {
  netmask: string;
  network: string;
  broadcast: string;
}

/** Netmask, network and broadcast of address/prefix; undefined for a malformed address. */
export function ipv4Net(address: string, prefix: number): Ipv4Net | undefined {
  const a = toInt(address);
  if (a === undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > 32) return undefined;
  const size = 2 ** (32 - prefix);
  const network = Math.floor(a / size) * size;
  return {
    netmask: toDotted(2 ** 32 - size),
    network: toDotted(network),
    broadcast: toDotted(network + size - 1),
  };
}

// CIDR arithmetic for the cluster's networks (pod, service and node CIDRs): Ansible's
// ansible.utils.ipsubnet / nthhost, and the overlap and containment checks of preflight.

export interface Ipv4Cidr {
  /** the network address as a number (host bits cleared) */
  network: number;
  prefix: number;
  /** host bits were set in the text (10.0.0.1/8): a host address, not a network */
  hostBits: boolean;
}

/** "10.233.64.0/18" as numbers; undefined for anything else (IPv6, a bare address, bad numbers). */
export function parseIpv4Cidr(text: string): Ipv4Cidr | undefined {
  const m = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(text);
  if (!m) return undefined;
  const a = toInt(m[1]);
  const prefix = Number(m[2]);
  if (a === undefined || prefix > 32) return undefined;
  const size = 2 ** (32 - prefix);
  const network = Math.floor(a / size) * size;
  return { network, prefix, hostBits: network !== a };
}

function cidrOrThrow(what: string, text: string): Ipv4Cidr {
  const c = parseIpv4Cidr(text);
  if (!c) throw new Error(`${what}: ${JSON.stringify(text)} is not an IPv4 CIDR (a.b.c.d/n)`);
  return c;
}

/** The index-th subnet of `prefix` bits inside cidr (negative: from the end), as ansible.utils.ipsubnet(prefix, index). */
export function ipv4Subnet(cidr: string, prefix: number, index: number): string {
  const c = cidrOrThrow('ipsubnet', cidr);
  if (!Number.isInteger(prefix) || prefix < c.prefix || prefix > 32) throw new Error(`ipsubnet: a /${prefix} subnet does not fit in ${cidr}`);
  const count = 2 ** (prefix - c.prefix);
  const i = index < 0 ? count + index : index;
  if (!Number.isInteger(index) || i < 0 || i >= count) throw new Error(`ipsubnet: ${cidr} has ${count} subnets of /${prefix}; there is no number ${index}`);
  return `${toDotted(c.network + i * 2 ** (32 - prefix))}/${prefix}`;
}

/** The n-th address of cidr (0 is the network address), as ansible.utils.nthhost. */
export function ipv4NthHost(cidr: string, n: number): string {
  const c = cidrOrThrow('nthhost', cidr);
  const size = 2 ** (32 - c.prefix);
  if (!Number.isInteger(n) || n < 0 || n >= size) throw new Error(`nthhost: ${cidr} has ${size} addresses; there is no number ${n}`);
  return toDotted(c.network + n);
}

/** Whether two CIDRs share any address. */
export function ipv4CidrsOverlap(a: string, b: string): boolean {
  const x = cidrOrThrow('cidr overlap', a);
  const y = cidrOrThrow('cidr overlap', b);
  const [wide, narrow] = x.prefix <= y.prefix ? [x, y] : [y, x];
  const size = 2 ** (32 - wide.prefix);
  return Math.floor(narrow.network / size) * size === wide.network;
}

/** Whether the address (a.b.c.d) is inside cidr. */
export function ipv4CidrContains(cidr: string, address: string): boolean {
  const c = cidrOrThrow('cidr contains', cidr);
  const a = toInt(address);
  if (a === undefined) throw new Error(`cidr contains: ${JSON.stringify(address)} is not an IPv4 address`);
  const size = 2 ** (32 - c.prefix);
  return Math.floor(a / size) * size === c.network;
}
