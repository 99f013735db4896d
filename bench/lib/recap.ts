// Both engines end with Ansible's recap: `host : ok=12 changed=3 unreachable=0 failed=0 skipped=1 rescued=0 ignored=0`.
// The harness reads it to prove each timed run did the expected work (a fast run that did nothing proves nothing).

export interface RecapCounts {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
  rescued: number;
  ignored: number;
}

const KEYS = ['ok', 'changed', 'unreachable', 'failed', 'skipped', 'rescued', 'ignored'] as const;
// Ansible pads the host name and may colour the line; strip ANSI codes first.
const LINE = /^(\S+)\s+:\s+((?:\w+=\d+\s*)+)$/;
const ANSI = /\x1b\[[0-9;]*m/g;

/** Recap counts per host from an engine's text output; hosts without a recap line are absent. */
export function parseRecap(output: string): Map<string, RecapCounts> {
  const out = new Map<string, RecapCounts>();
  for (const rawLine of output.split('\n')) {
    const m = LINE.exec(rawLine.replace(ANSI, '').trim());
    if (!m) continue;
    const fields = new Map(m[2].trim().split(/\s+/).map((kv) => kv.split('=') as [string, string]));
    if (!fields.has('ok') || !fields.has('changed')) continue;
    const c = {} as RecapCounts;
    for (const k of KEYS) c[k] = Number(fields.get(k) ?? 0);
    out.set(m[1], c);
  }
  return out;
}

/** What a run must show on every host; undefined fields are not checked. */
export type RecapExpectation = Partial<RecapCounts>;

/** Problems with a run's recap: missing hosts, or counts that differ from the expectation. Empty when it did the work. */
export function checkRecap(recap: Map<string, RecapCounts>, hosts: string[], expect: RecapExpectation): string[] {
  const problems: string[] = [];
  for (const h of hosts) {
    const c = recap.get(h);
    if (!c) {
      problems.push(`${h}: no recap line`);
      continue;
    }
    for (const [k, v] of Object.entries(expect) as [keyof RecapCounts, number][])
      if (c[k] !== v) problems.push(`${h}: ${k}=${c[k]}, expected ${v}`);
  }
  if (recap.size !== hosts.length) problems.push(`recap has ${recap.size} hosts, expected ${hosts.length}`);
  // Keep the report short when every host fails the same way.
  return problems.length > 6 ? [...problems.slice(0, 5), `… and ${problems.length - 5} more`] : problems;
}

/** Sum of a count over all hosts. */
export function total(recap: Map<string, RecapCounts>, key: keyof RecapCounts): number {
  let n = 0;
  for (const c of recap.values()) n += c[key];
  return n;
}
