// gather_facts: the common host facts in one round trip, in Ansible's shape
// (`ansible_facts` keys without the `ansible_` prefix), and the `ansible_*` variables they give.
import type { Fact } from './types.js';
import type { ExecResult } from '../transport/types.js';
import { gatherCommand } from './gather-command.js';
import { splitSections } from './gather-sections.js';
import { parseOsRelease, distributionFacts } from './os-release.js';
import { parseIpLink, addIpAddrs, type InterfaceFact } from './ip-addr.js';
import { ipv4Net } from '../net/ipv4-math.js';

export type GatheredFacts = Record<string, unknown>;

const PKG_MGR: Record<string, string> = { 'apt-get': 'apt', dnf: 'dnf', yum: 'yum', apk: 'apk', zypper: 'zypper', pacman: 'pacman' };

/** Interface name as a variable-name suffix: Ansible turns '-' (and '.', ':') into '_'. */
export function interfaceFactKey(device: string): string {
  return device.replace(/[^A-Za-z0-9_]/g, '_');
}

function kbToMb(meminfo: string, key: string): number | undefined {
  const m = new RegExp(`^${key}:\\s+(\\d+)\\s*kB`, 'm').exec(meminfo);
  return m ? Math.floor(Number(m[1]) / 1024) : undefined;
}

function cpuFacts(cpuinfo: string, nproc: string, facts: GatheredFacts): void {
  const vcpus = /^\d+$/.test(nproc) ? Number(nproc) : undefined;
  const processors = (cpuinfo.match(/^processor\s*:/gm) ?? []).length;
  const sockets = new Set((cpuinfo.match(/^physical id\s*:\s*(\d+)/gm) ?? []).map((l) => l.split(':')[1].trim())).size;
  const cores = /^cpu cores\s*:\s*(\d+)/m.exec(cpuinfo);
  if (vcpus !== undefined) facts.processor_vcpus = vcpus;
  else if (processors) facts.processor_vcpus = processors;
  // Ansible: sockets when /proc/cpuinfo names them, else one "processor" per entry.
  if (sockets) facts.processor_count = sockets;
  else if (processors || vcpus) facts.processor_count = processors || vcpus;
  if (cores) facts.processor_cores = Number(cores[1]);
  if (facts.processor_count !== undefined && facts.processor_vcpus !== undefined && facts.processor_cores) {
    facts.processor_threads_per_core = Math.max(1, Math.round(Number(facts.processor_vcpus) / Number(facts.processor_count) / Number(facts.processor_cores)));
  }
}

/** `ip -4 route show default` / `ip -4 route get` -> default_ipv4 (Ansible gives {} without a route) */
function defaultIpv4(routeDefault: string, routeGet: string, ifaces: Map<string, InterfaceFact>): Record<string, unknown> {
  const words = (s: string) => s.split(/\s+/).filter(Boolean);
  const after = (w: string[], key: string) => (w.indexOf(key) >= 0 ? w[w.indexOf(key) + 1] : undefined);
  const def = words(routeDefault.split('\n')[0] ?? '');
  const get = words(routeGet.split('\n')[0] ?? '');
  const device = after(get, 'dev') ?? after(def, 'dev');
  if (!device) return {};
  const gateway = after(def, 'via') ?? after(get, 'via');
  const iface = ifaces.get(device);
  const src = after(get, 'src');
  const all = iface ? [iface.ipv4, ...(iface.ipv4_secondaries ?? [])].filter((a) => a !== undefined) : [];
  const addr = all.find((a) => a.address === src) ?? all[0];
  const out: Record<string, unknown> = { interface: device, alias: device };
  if (gateway) out.gateway = gateway;
  if (addr) Object.assign(out, addr);
  else if (src) {
    out.address = src;
  }
  if (iface?.macaddress) out.macaddress = iface.macaddress;
  if (iface?.mtu !== undefined) out.mtu = iface.mtu;
  if (iface) out.type = iface.type;
  return out;
}

/** Pure: the gather command's output -> ansible_facts. */
export function parseGatherOutput(stdout: string): GatheredFacts {
  const s = splitSections(stdout);
  const get = (k: string) => s.get(k) ?? '';
  const facts: GatheredFacts = {};

  const hostname = get('hostname').split('\n')[0].trim();
  const nodename = get('nodename').split('\n')[0].trim();
  if (hostname) facts.hostname = hostname.split('.')[0];
  if (nodename) facts.nodename = nodename;
  const fqdn = get('fqdn').split('\n')[0].trim();
  // Ansible falls back to the plain host name when the resolver has no answer.
  if (fqdn || hostname) facts.fqdn = fqdn || hostname;
  if (facts.fqdn && facts.hostname && String(facts.fqdn).startsWith(`${facts.hostname}.`)) {
    facts.domain = String(facts.fqdn).slice(String(facts.hostname).length + 1);
  } else if (facts.fqdn) facts.domain = '';

  const osr = parseOsRelease(get('os_release'));
  const dist = distributionFacts(osr, get('debian_version'));
  if (dist) Object.assign(facts, dist);

  for (const k of ['system', 'kernel', 'kernel_version', 'architecture'] as const) {
    const v = get(k).split('\n')[0].trim();
    if (v) facts[k] = v;
  }
  if (facts.architecture) facts.machine = facts.architecture;
  cpuFacts(get('cpuinfo'), get('nproc').trim(), facts);

  const meminfo = get('meminfo');
  const mem = { memtotal_mb: 'MemTotal', memfree_mb: 'MemFree', swaptotal_mb: 'SwapTotal', swapfree_mb: 'SwapFree' };
  for (const [fact, key] of Object.entries(mem)) {
    const v = kbToMb(meminfo, key);
    if (v !== undefined) facts[fact] = v;
  }

  const linkText = get('ip_link');
  const addrText = get('ip_addr');
  if (linkText || addrText) {
    const ifaces = parseIpLink(linkText);
    addIpAddrs(addrText, ifaces);
    facts.interfaces = [...ifaces.keys()];
    for (const [name, iface] of ifaces) facts[interfaceFactKey(name)] = iface;
    const v4: string[] = [];
    const v6: string[] = [];
    for (const iface of ifaces.values()) {
      for (const a of [iface.ipv4, ...(iface.ipv4_secondaries ?? [])]) if (a && !a.address.startsWith('127.')) v4.push(a.address);
      for (const a of iface.ipv6 ?? []) if (a.address !== '::1') v6.push(a.address);
    }
    facts.all_ipv4_addresses = v4;
    facts.all_ipv6_addresses = v6;
    facts.default_ipv4 = defaultIpv4(get('route4_default'), get('route4_get'), ifaces);
  }

  const comm = get('init_comm').trim();
  if (get('systemd_booted').trim() === 'yes' || comm === 'systemd') facts.service_mgr = 'systemd';
  else if (comm === 'init') facts.service_mgr = 'sysvinit';
  else if (comm) facts.service_mgr = comm;

  const pm = get('pkg_mgr').trim();
  if (pm) facts.pkg_mgr = PKG_MGR[pm] ?? pm;

  const [uid, uname, gid, home] = get('user').split('\n').map((l) => l.trim());
  if (uname) facts.user_id = uname;
  if (uid && /^\d+$/.test(uid)) facts.user_uid = Number(uid);
  if (gid && /^\d+$/.test(gid)) facts.user_gid = Number(gid);
  if (home) facts.user_dir = home;

  const mid = get('machine_id').trim();
  if (/^[0-9a-f]{32}$/.test(mid)) facts.machine_id = mid;
  const up = /^([\d.]+)/.exec(get('uptime'));
  if (up) facts.uptime_seconds = Math.floor(Number(up[1]));
  return facts;
}

/** The gather_facts fact: one command, one pure parse. */
export const gatherFacts: Fact<GatheredFacts> = {
  name: 'gather_facts',
  command: () => gatherCommand(),
  parse: (result: ExecResult) => parseGatherOutput(result.stdout),
};

/**
 * The variables Ansible injects from facts: `ansible_facts` itself and `ansible_<key>` for
 * every key (`ansible_hostname`, `ansible_default_ipv4`, `ansible_eth0`, ...).
 */
export function factsToVars(facts: GatheredFacts): Record<string, unknown> {
  const vars: Record<string, unknown> = { ansible_facts: facts };
  for (const [k, v] of Object.entries(facts)) vars[`ansible_${k}`] = v;
  return vars;
}

export { ipv4Net };
