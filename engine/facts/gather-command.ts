// The one shell command behind gather_facts: every probe in one round trip, each in its own
// section. Only POSIX sh, coreutils and iproute2 are assumed; a missing tool leaves its
// section empty (and so its facts missing), never fails the whole gather.
import { ShellCommand } from '../transport/quote.js';
import { SECTION_MARK } from './gather-sections.js';

// Fixed text, no interpolated values: nothing here comes from a user.
const PROBES: Array<[string, string]> = [
  ['hostname', 'hostname 2>/dev/null || cat /proc/sys/kernel/hostname'],
  // `hostname -f` asks the resolver; a dead name server must not stall the gather.
  ['fqdn', 'command -v timeout >/dev/null && timeout 2 hostname -f 2>/dev/null'],
  ['nodename', 'uname -n'],
  ['os_release', 'cat /etc/os-release 2>/dev/null || cat /usr/lib/os-release'],
  ['debian_version', 'cat /etc/debian_version'],
  ['system', 'uname -s'],
  ['kernel', 'uname -r'],
  ['kernel_version', 'uname -v'],
  ['architecture', 'uname -m'],
  ['nproc', 'nproc 2>/dev/null || getconf _NPROCESSORS_ONLN'],
  ['cpuinfo', "grep -E '^(processor|physical id|cpu cores)[[:space:]]*:' /proc/cpuinfo"],
  ['meminfo', "grep -E '^(MemTotal|MemFree|SwapTotal|SwapFree):' /proc/meminfo"],
  ['ip_link', 'ip -o link show'],
  ['ip_addr', 'ip -o addr show'],
  ['route4_default', 'ip -4 route show default'],
  // A route lookup only: no packet is sent. Gives the source address Ansible reports.
  ['route4_get', 'ip -4 route get 1.1.1.1'],
  ['init_comm', 'cat /proc/1/comm'],
  ['systemd_booted', '[ -d /run/systemd/system ] && echo yes'],
  ['pkg_mgr', 'for p in apt-get dnf yum apk zypper pacman; do if command -v "$p" >/dev/null 2>&1; then echo "$p"; break; fi; done'],
  ['user', 'id -u; id -un; id -g; echo "${HOME:-}"'],
  ['machine_id', 'cat /etc/machine-id'],
  ['uptime', 'cat /proc/uptime'],
];

export function gatherCommand(): ShellCommand {
  const text = PROBES.map(([name, probe]) => `echo '${SECTION_MARK}${name}'; { ${probe}; } 2>/dev/null`).join('\n');
  return new ShellCommand(`${text}\nexit 0`);
}
