// The counters of one run in one place: the write clock the read-ahead and the fact caches check
// their reads against, whether anything changed, and per host the recap counts and the round trips
// its fact reads took. The run owns it; the recap, the API's result, tests and the bench read it.
// Each host's counters are made once, when the host is first met, and handed to the objects that
// count into them (the host's state, its fact caches' batches): counting costs no lookup.
import type { WriteClock } from '../facts/cache.js';
import { emptyStats, type HostStats } from '../report/types.js';

/** fact reads sent to a host: round trips (execs), and the reads (commands) they carried */
export interface ReadCounts {
  execs: number;
  commands: number;
}

export interface HostMetrics {
  /** the recap's counts (ok, changed, failed…) */
  readonly recap: HostStats;
  /** over every way the host was reached (each connection its tasks resolved to) */
  readonly reads: ReadCounts;
}

export class RunMetrics implements WriteClock {
  /** every write to any host (apply, counted before and after) and check-mode prediction: reads made before one are stale */
  writes = 0;
  /** a change was predicted (check mode) or made */
  anyChange = false;
  private readonly hosts = new Map<string, HostMetrics>();

  /** the counters of this host, made the first time */
  host(name: string): HostMetrics {
    let m = this.hosts.get(name);
    if (!m) this.hosts.set(name, (m = { recap: emptyStats(), reads: { execs: 0, commands: 0 } }));
    return m;
  }

  /** the recap: every host that counted anything, as the reporters and the exit code see it */
  recap(): Record<string, HostStats> {
    const out: Record<string, HostStats> = {};
    for (const [name, m] of this.hosts) if (Object.values(m.recap).some((n) => n > 0)) out[name] = m.recap;
    return out;
  }

  /** per host that read anything: its fact reads' round trips and how many reads they carried */
  reads(): Record<string, ReadCounts> {
    const out: Record<string, ReadCounts> = {};
    for (const [name, m] of this.hosts) if (m.reads.commands) out[name] = { ...m.reads };
    return out;
  }
}
