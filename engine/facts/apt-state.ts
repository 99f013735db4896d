// apt: installed versions (one dpkg-query), candidates (apt-cache policy, only when needed)
// and the age of the package lists, in one round trip.
import type { Fact } from './types.js';
import { sh } from '../transport/quote.js';
import { splitSections, SECTION_MARK } from './gather-sections.js';

export interface AptPackageState {
  /** installed version, undefined when not installed */
  installed?: string;
  /** dpkg's status abbreviation, e.g. "ii ", "rc " (removed, config files left) */
  status?: string;
  /** apt-cache policy candidate; undefined when unknown or not asked */
  candidate?: string;
  /** apt-cache policy knows the package */
  known?: boolean;
}

export interface AptState {
  /** apt-get exists on the host */
  available: boolean;
  packages: Record<string, AptPackageState>;
  /**
   * seconds since the package lists were last updated; undefined when never (a lists directory
   * without any Packages index, as on a fresh image, is not a fresh cache whatever its mtime)
   */
  cacheAge?: number;
}

export interface AptStateArgs {
  names: string[];
  policy: boolean;
}

const FORMAT = '${Package}\t${Version}\t${db:Status-Abbrev}\n';

/** "Package: ... Installed: X Candidate: Y" blocks of `apt-cache policy` */
export function parseAptPolicy(text: string): Record<string, { installed?: string; candidate?: string }> {
  const out: Record<string, { installed?: string; candidate?: string }> = {};
  let cur: { installed?: string; candidate?: string } | undefined;
  for (const line of text.split('\n')) {
    const head = /^(\S+):$/.exec(line);
    if (head) {
      cur = {};
      out[head[1].replace(/:[a-z0-9]+$/, '')] = cur;
      continue;
    }
    const m = /^\s+(Installed|Candidate):\s*(\S+)/.exec(line);
    if (m && cur) {
      const v = m[2] === '(none)' ? undefined : m[2];
      if (m[1] === 'Installed') cur.installed = v;
      else cur.candidate = v;
    }
  }
  return out;
}

export function parseAptState(stdout: string, names: string[]): AptState {
  const s = splitSections(stdout);
  const packages: Record<string, AptPackageState> = {};
  for (const n of names) packages[n] = {};
  for (const line of (s.get('dpkg') ?? '').split('\n')) {
    const [pkg, version, status] = line.split('\t');
    if (!pkg || !(pkg in packages) || status === undefined) continue;
    packages[pkg].status = status;
    // second letter of the abbreviation: i = installed (configured)
    if (status[1] === 'i') packages[pkg].installed = version;
  }
  if (s.has('policy')) {
    const pol = parseAptPolicy(s.get('policy') ?? '');
    for (const n of names) {
      const p = pol[n];
      packages[n].known = p !== undefined;
      if (p?.candidate) packages[n].candidate = p.candidate;
    }
  }
  const times = (s.get('cache') ?? '').split('\n').map((l) => Number(l.trim())).filter((n) => Number.isFinite(n) && n > 0);
  const now = times.pop();
  const cacheAge = now !== undefined && times.length ? Math.max(0, now - times.reduce((a, b) => Math.max(a, b))) : undefined;
  return { available: (s.get('tools') ?? '').trim() !== '', packages, cacheAge };
}

export const aptState: Fact<AptState, AptStateArgs> = {
  name: 'apt_state',
  command: ({ names, policy }) =>
    sh`echo ${SECTION_MARK + 'dpkg'}; ${names.length ? sh`dpkg-query -W -f=${FORMAT} ${names} 2>/dev/null` : sh`:`}
${policy && names.length ? sh`echo ${SECTION_MARK + 'policy'}; LC_ALL=C apt-cache policy ${names} 2>/dev/null` : sh`:`}
echo ${SECTION_MARK + 'cache'}; stat -c %Y /var/lib/apt/periodic/update-success-stamp 2>/dev/null; ls /var/lib/apt/lists/ 2>/dev/null | grep -q _Packages && stat -c %Y /var/lib/apt/lists; date +%s
echo ${SECTION_MARK + 'tools'}; command -v apt-get
exit 0`,
  parse: (r, args) => parseAptState(r.stdout, args.names),
};
