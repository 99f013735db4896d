// /etc/os-release (freedesktop format: KEY=value, values optionally quoted) and the
// Ansible distribution facts derived from it.

export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (!m) continue;
    let v = m[2];
    if (/^".*"$/.test(v)) v = v.slice(1, -1).replace(/\\(["\\$`])/g, '$1');
    else if (/^'.*'$/.test(v)) v = v.slice(1, -1);
    out[m[1]] = v;
  }
  return out;
}

// os-release ID -> Ansible's distribution name and os_family.
const DISTRIBUTIONS: Record<string, [string, string]> = {
  debian: ['Debian', 'Debian'],
  ubuntu: ['Ubuntu', 'Debian'],
  raspbian: ['Debian', 'Debian'],
  linuxmint: ['Linux Mint', 'Debian'],
  pop: ['Pop!_OS', 'Debian'],
  kali: ['Kali', 'Debian'],
  devuan: ['Devuan', 'Debian'],
  rhel: ['RedHat', 'RedHat'],
  centos: ['CentOS', 'RedHat'],
  fedora: ['Fedora', 'RedHat'],
  rocky: ['Rocky', 'RedHat'],
  almalinux: ['AlmaLinux', 'RedHat'],
  ol: ['OracleLinux', 'RedHat'],
  amzn: ['Amazon', 'RedHat'],
  alpine: ['Alpine', 'Alpine'],
  arch: ['Archlinux', 'Archlinux'],
  opensuse: ['openSUSE', 'Suse'],
  'opensuse-leap': ['openSUSE Leap', 'Suse'],
  'opensuse-tumbleweed': ['openSUSE Tumbleweed', 'Suse'],
  sles: ['SLES', 'Suse'],
};

export interface DistributionFacts {
  distribution: string;
  os_family: string;
  distribution_version: string;
  distribution_major_version: string;
  distribution_release: string;
}

/**
 * Ansible's distribution facts. On Debian the point release comes from /etc/debian_version
 * ("12.7"), as Ansible does, because os-release only says "12".
 */
export function distributionFacts(osRelease: Record<string, string>, debianVersion?: string): DistributionFacts | undefined {
  const id = (osRelease.ID ?? '').toLowerCase();
  if (!id) return undefined;
  const known = DISTRIBUTIONS[id];
  const like = (osRelease.ID_LIKE ?? '').toLowerCase().split(/\s+/);
  const family = known?.[1] ?? (like.map((l) => DISTRIBUTIONS[l]?.[1]).find(Boolean) || (osRelease.NAME ?? id));
  let version = osRelease.VERSION_ID ?? '';
  const dv = debianVersion?.trim();
  if (id === 'debian' && dv && /^\d+(\.\d+)*$/.test(dv)) version = dv;
  return {
    distribution: known?.[0] ?? (osRelease.NAME ?? id),
    os_family: family,
    distribution_version: version,
    distribution_major_version: version.split('.')[0] ?? '',
    distribution_release: osRelease.VERSION_CODENAME ?? osRelease.UBUNTU_CODENAME ?? '',
  };
}
