// A package's dpkg selection (install, hold, deinstall, purge), as `dpkg --get-selections` shows it.
import type { Fact } from './types.js';
import { sh } from '../transport/quote.js';

export interface DpkgSelection {
  /** dpkg-query exists on the host */
  available: boolean;
  /** install | hold | deinstall | purge; undefined: dpkg does not know the package */
  selection?: string;
}

export function parseDpkgSelection(stdout: string, name: string): DpkgSelection {
  const lines = stdout.split('\n');
  const available = lines.includes('dpkg-query');
  for (const line of lines) {
    const [pkg, want] = line.split('\t');
    // db:Status-Want says "unknown" for a package dpkg has only heard of
    if (pkg === name && want && want !== 'unknown') return { available, selection: want };
  }
  return { available };
}

export const dpkgSelection: Fact<DpkgSelection, { name: string }> = {
  name: 'dpkg_selection',
  command: ({ name }) => sh`dpkg-query -W -f=${'${Package}\t${db:Status-Want}\n'} -- ${name} 2>/dev/null; command -v dpkg-query >/dev/null && echo dpkg-query; exit 0`,
  parse: (r, args) => parseDpkgSelection(r.stdout, args.name),
};
