import type { HostStats } from './types.js';

/** Ansible's recap line: `h1 : ok=12 changed=3 unreachable=0 failed=0 skipped=1 rescued=0 ignored=0` */
export function recapLine(host: string, s: HostStats, width = 0): string {
  return `${host.padEnd(width)} : ok=${s.ok} changed=${s.changed} unreachable=${s.unreachable} failed=${s.failed} skipped=${s.skipped} rescued=${s.rescued} ignored=${s.ignored}`;
}
