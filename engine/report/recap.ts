import type { HostStats } from './types.js';
import { palette as makePalette, type Palette } from './terminal-text.js';

const PLAIN = makePalette(false);

/** Ansible's recap line: `h1 : ok=12 changed=3 unreachable=0 failed=0 skipped=1 rescued=0 ignored=0` */
export function recapLine(host: string, s: HostStats, width = 0, paint: Palette = PLAIN): string {
  // as Ansible: the host in the colour of its worst outcome, a count coloured only when not 0
  const hostColour = s.failed || s.unreachable ? paint.failed : s.changed ? paint.changed : paint.ok;
  const n = (key: keyof HostStats, colour: (t: string) => string) => (s[key] ? colour(`${key}=${s[key]}`) : `${key}=${s[key]}`);
  // pad outside the colour codes, so the colons line up whatever the colours
  return `${hostColour(host)}${' '.repeat(Math.max(0, width - host.length))} : ${n('ok', paint.ok)} ${n('changed', paint.changed)} ${n('unreachable', paint.unreachable)} ${n('failed', paint.failed)} ${n('skipped', paint.skipped)} ${n('rescued', paint.rescued)} ${n('ignored', paint.ignored)}`;
}

/** the recap's lines, host names padded to one width */
export function recapLines(stats: Record<string, HostStats>, paint?: Palette): string[] {
  const hosts = Object.keys(stats);
  // no spread over the hosts: an inventory can hold more than the stack takes as arguments
  const width = hosts.reduce((w, h) => Math.max(w, h.length), 0);
  return hosts.map((h) => recapLine(h, stats[h], width, paint));
}
