// Output of `ip -o link` and `ip -o addr show` (iproute2, one line per record) as Ansible's
// per-interface facts.
import { ipv4Net } from '../net/ipv4-math.js';

export interface Ipv4Fact {
  address: string;
  broadcast: string;
  netmask: string;
  network: string;
  /** a string, as in Ansible ("24") */
  prefix: string;
}

export interface Ipv6Fact {
  address: string;
  prefix: string;
  scope: string;
}

export interface InterfaceFact {
  device: string;
  active: boolean;
  type: string;
  mtu?: number;
  macaddress?: string;
  /** the first (primary) IPv4 address, as Ansible's `ipv4` */
  ipv4?: Ipv4Fact;
  /** further IPv4 addresses on the device (Ansible's `ipv4_secondaries`) */
  ipv4_secondaries?: Ipv4Fact[];
  ipv6?: Ipv6Fact[];
}

/** "eth0@if12" -> "eth0" (veth and nspawn host0 peers) */
function deviceName(field: string): string {
  return field.replace(/:$/, '').replace(/@.*$/, '');
}

function linkType(kind: string): string {
  const t = kind.replace(/^link\//, '');
  return t === 'loopback' ? 'loopback' : t === 'ether' ? 'ether' : t || 'unknown';
}

/** `ip -o link`: "2: eth0: <BROADCAST,UP,LOWER_UP> mtu 1500 ... \    link/ether 02:.. brd ff:.." */
export function parseIpLink(text: string): Map<string, InterfaceFact> {
  const out = new Map<string, InterfaceFact>();
  for (const line of text.split('\n')) {
    const m = /^\d+:\s+(\S+)\s+<([^>]*)>(.*)$/.exec(line);
    if (!m) continue;
    const device = deviceName(m[1]);
    const flags = m[2].split(',');
    const rest = m[3].replace(/\\/g, ' ').split(/\s+/).filter(Boolean);
    const iface: InterfaceFact = { device, active: flags.includes('UP'), type: 'unknown' };
    for (let i = 0; i < rest.length; i++) {
      if (rest[i] === 'mtu') iface.mtu = Number(rest[i + 1]);
      if (rest[i].startsWith('link/')) {
        iface.type = linkType(rest[i]);
        const mac = rest[i + 1];
        if (mac && /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(mac)) iface.macaddress = mac.toLowerCase();
      }
    }
    out.set(device, iface);
  }
  return out;
}

/**
 * `ip -o addr show`: "4: eth0    inet 192.0.2.2/24 brd 192.0.2.255 scope global eth0\ ..." and
 * "inet 10.0.0.1 peer 10.0.0.2/32" (point-to-point). Adds the addresses to `ifaces`, creating an
 * entry for devices that `ip -o link` did not list.
 */
export function addIpAddrs(text: string, ifaces: Map<string, InterfaceFact>): void {
  for (const line of text.split('\n')) {
    const f = line.replace(/\\/g, ' ').trim().split(/\s+/);
    if (f.length < 4 || !/^\d+:$/.test(f[0])) continue;
    const device = deviceName(f[1]);
    const family = f[2];
    let iface = ifaces.get(device);
    if (!iface) {
      iface = { device, active: true, type: 'unknown' };
      ifaces.set(device, iface);
    }
    const [addr, pfx] = f[3].split('/');
    const scopeAt = f.indexOf('scope');
    const scope = scopeAt > 0 ? f[scopeAt + 1] : 'global';
    if (family === 'inet') {
      const prefix = pfx ?? (f[4] === 'peer' ? '32' : '32');
      const net = ipv4Net(addr, Number(prefix));
      if (!net) continue;
      const brdAt = f.indexOf('brd');
      const v4: Ipv4Fact = {
        address: addr,
        broadcast: brdAt > 0 ? f[brdAt + 1] : Number(prefix) >= 31 ? '' : net.broadcast,
        netmask: net.netmask,
        network: net.network,
        prefix,
      };
      if (!iface.ipv4) iface.ipv4 = v4;
      else (iface.ipv4_secondaries ??= []).push(v4);
    } else if (family === 'inet6') {
      (iface.ipv6 ??= []).push({ address: addr, prefix: pfx ?? '128', scope });
    }
  }
}
