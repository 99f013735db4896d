// How much garbage the controller may let pile up between major collections. V8 grows the heap to
// up to 4× what survived the last one; a converged run on 500 hosts keeps about 100 MB alive and
// peaked at 340–370 MB of RSS (bench W5). On plays that large the growth is held to 1.5×
// (measured: 238–253 MB, about 10% more CPU on the controller, the same wall time, since the
// hosts' side dominates). Smaller runs keep V8's default: they are short and memory is no issue.
// The setting is process-wide, so the CLI (which owns the process) applies it, not the API.
import { setFlagsFromString } from 'node:v8';
import type { Reporter } from '../report/types.js';
import { HOSTS_AT_MIN_WINDOW } from '../runner/read-ahead.js';

/** from this many hosts in one play on (256): where the read-ahead can no longer cut its window to save memory */
export const MANY_HOSTS = HOSTS_AT_MIN_WINDOW;
export const HEAP_GROWING_PERCENT = 50;

/** the V8 flag a play of this many hosts needs, if any (pure) */
export function heapFlagFor(hosts: number): string | undefined {
  return hosts >= MANY_HOSTS ? `--heap-growing-percent=${HEAP_GROWING_PERCENT}` : undefined;
}

/**
 * Watches play sizes and applies the flag once, when the first large play starts: V8 reads it
 * whenever it sets the next collection's limit, so it holds from the next major collection on.
 */
export function heapPolicy(apply: (flag: string) => void = setFlagsFromString): Reporter & { applied?: string } {
  const policy: Reporter & { applied?: string } = {
    onPlayStart(play) {
      const flag = heapFlagFor(play.hosts.length);
      if (flag && !policy.applied) {
        apply(flag);
        policy.applied = flag;
      }
    },
  };
  return policy;
}
