// How much garbage the controller may let pile up between major collections. V8 lets the heap grow
// to several times what survived the last collection; a converged run over hundreds of hosts keeps
// enough alive that this growth, not the live data, sets the controller's peak memory. On plays
// that large the growth is held down: it costs some CPU on the controller and no wall time, since
// the hosts' side dominates (figures: bench/README.md). Smaller runs keep V8's default: they are
// short and memory is no issue. The setting is process-wide, so the CLI (which owns the process)
// applies it as a run hook (engine/runner/run-hooks.ts), not the API.
import { setFlagsFromString } from 'node:v8';
import type { RunHooks } from '../runner/run-hooks.js';
import { HOSTS_AT_MIN_WINDOW } from '../runner/read-ahead/read-ahead.js';

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
export function heapPolicy(apply: (flag: string) => void = setFlagsFromString): Required<RunHooks> & { applied?: string } {
  const policy: Required<RunHooks> & { applied?: string } = {
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
