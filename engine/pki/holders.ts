// Pure: which services hold an old copy of a file. A service reads its certificates, keys and
// kubeconfigs when it starts and keeps them until it restarts, so it holds an old copy exactly
// when one of its files changed after its main process started. Comparing the two times (rather
// than remembering which copy task changed something) also restarts what an interrupted run
// left holding an old file, and a converged host restarts nothing.

/** One row of the holders table: a file on the host and the units that read it at start. */
export interface HolderRow {
  path: string;
  units: string[];
}

/** What the host said about a unit: whether it runs, and when its main process started. */
export interface UnitStart {
  /** active, activating, reloading: a process holds the files */
  running: boolean;
  /** nanoseconds since the epoch; undefined when systemd's time could not be read */
  startedNs?: bigint;
  /** the start time as systemd printed it */
  started: string;
}

export interface StaleUnit {
  unit: string;
  started: string;
  /** the files it holds that changed after it started (or that an earlier task changes, --check) */
  files: string[];
}

export interface HoldersVerdict {
  /** units to restart, in the order of the table's first mention */
  restart: string[];
  stale: StaleUnit[];
  /** running units whose start time could not be read: not restarted, named */
  unknown: string[];
}

const UTC_STAMP = /(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))? UTC$/;

/** "Sun 2026-12-06 13:26:23.249558 UTC" (systemctl show --timestamp=us+utc) in ns; undefined otherwise. */
export function parseSystemdUtc(text: string): bigint | undefined {
  const m = UTC_STAMP.exec(text.trim());
  if (!m) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  return BigInt(ms) * 1_000_000n + BigInt((m[7] ?? '').padEnd(9, '0'));
}

/** stat's "%.9Y" (seconds with nanoseconds) in ns; undefined for anything else (an absent file). */
export function parseMtime(text: string): bigint | undefined {
  const m = /^(\d+)(?:\.(\d{1,9}))?$/.exec(text.trim());
  if (!m) return undefined;
  return BigInt(m[1]) * 1_000_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'));
}

/** The units (all of the table's, or only `only`) in the order the table first names them. */
export function unitsOf(rows: HolderRow[], only?: string[]): string[] {
  const out: string[] = [];
  for (const r of rows) for (const u of r.units) if (!out.includes(u) && (!only || only.includes(u))) out.push(u);
  return out;
}

/**
 * mtimes: each row's file (absent: undefined); changing: files an earlier task of this run
 * changes (--check), which every running holder will then hold an old copy of.
 */
export function staleHolders(rows: HolderRow[], units: string[], starts: Map<string, UnitStart>, mtimes: Map<string, bigint | undefined>, changing: Set<string>): HoldersVerdict {
  const verdict: HoldersVerdict = { restart: [], stale: [], unknown: [] };
  for (const unit of units) {
    const st = starts.get(unit);
    if (!st?.running) continue;
    const files: string[] = [];
    let unknown = false;
    for (const r of rows) {
      if (!r.units.includes(unit) || files.includes(r.path)) continue;
      if (changing.has(r.path)) files.push(r.path);
      else {
        const mtime = mtimes.get(r.path);
        if (mtime === undefined) continue;
        if (st.startedNs === undefined) unknown = true;
        else if (mtime > st.startedNs) files.push(r.path);
      }
    }
    if (files.length) {
      verdict.restart.push(unit);
      verdict.stale.push({ unit, started: st.started, files });
    } else if (unknown) verdict.unknown.push(unit);
  }
  return verdict;
}
