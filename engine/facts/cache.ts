// Per-host fact cache. Invalidated by the runner after any task changed the host.
import type { Fact, Prediction } from './types.js';
import type { Transport, Become } from '../transport/types.js';
import { BatchExec } from './batch-exec.js';
import { readFact } from './read-fact.js';

/** counts the run's writes (apply, check-mode predictions), on every host */
export interface WriteClock {
  writes: number;
}

interface CacheEntry {
  value: Promise<unknown>;
  /** set while the entry comes from a read-ahead: the clock then; it is kept only if unchanged */
  ahead?: number;
}

export class FactCache {
  private cache = new Map<string, CacheEntry>();
  /** check mode: what earlier planned changes would have made (kept across invalidation) */
  private predictions = new Map<string, Prediction>();
  /** reads asked for together share one exec */
  readonly batch: BatchExec;
  /**
   * bumped by every invalidation and prediction: a value read (or a read started) under an
   * older generation may no longer be what the host holds
   */
  generation = 0;

  constructor(
    private transport: Transport,
    private clock: WriteClock = { writes: 0 },
  ) {
    this.batch = new BatchExec(transport);
  }

  predict(p: Prediction): void {
    this.generation++;
    this.predictions.set(`${p.fact.name}\0${p.key}`, p);
  }

  /** check mode: the value an earlier planned change predicts for this read, or undefined when none does */
  predicted<T, A>(fact: Fact<T, A>, args: A): T | undefined {
    if (!fact.overlayKey || !this.predictions.size) return undefined;
    return this.predictions.get(`${fact.name}\0${fact.overlayKey(args)}`)?.value(args) as T | undefined;
  }

  /**
   * A fact's value, read once per generation. `ahead` marks a read-ahead's read: what it leaves
   * in the cache serves a task only if nothing was written anywhere since, because another
   * inventory name may reach the same machine (local connections, aliases) and its writes do
   * not invalidate this cache.
   */
  get<T, A>(fact: Fact<T, A>, args: A, become?: Become, ahead = false): Promise<T> {
    if (fact.overlayKey && this.predictions.size) {
      // a prediction of undefined says "not known": the read goes to the host
      const v = this.predictions.get(`${fact.name}\0${fact.overlayKey(args)}`)?.value(args);
      if (v !== undefined) return Promise.resolve(v as T);
    }
    const key = `${fact.name}\0${JSON.stringify(args ?? null)}\0${become ? become.user : ''}`;
    const e = this.cache.get(key);
    if (e && e.ahead !== undefined && !ahead) {
      if (e.ahead === this.clock.writes) e.ahead = undefined;
      else this.cache.delete(key);
    }
    const hit = this.cache.get(key);
    if (hit) return hit.value as Promise<T>;
    const read = readFact(fact, args, this.transport, become, (cmd) => this.batch.exec(cmd, become));
    const entry: CacheEntry = { value: read, ...(ahead ? { ahead: this.clock.writes } : {}) };
    this.cache.set(key, entry);
    // a failed read is not cached; only this read's entry goes (a newer one may be there)
    read.catch(() => {
      if (this.cache.get(key) === entry) this.cache.delete(key);
    });
    return read;
  }

  invalidate(): void {
    this.generation++;
    this.cache.clear();
  }
}
