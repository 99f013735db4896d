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
