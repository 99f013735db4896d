// Per-host fact cache. Invalidated by the runner after any task changed the host.
import type { Fact, Prediction, PredictionRead } from './types.js';
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
  /**
   * check mode: what earlier planned changes would have made (kept across invalidation), per
   * fact and path: a whole value and the patches made on top of it since, oldest first
   */
  private predictions = new Map<string, Prediction[]>();
  /** check mode: predictions that hold for a path and everything under it (removals, links) */
  private subtrees = new Map<string, Prediction>();
  /**
   * check mode: an earlier change did more than its predictions say (a command, a package), so
   * a path that no prediction names may exist by now although the host does not have it yet
   */
  unpredicted = false;
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
    /** where the batch counts its round trips (the run's counters for the host) */
    reads?: { execs: number; commands: number },
  ) {
    this.batch = new BatchExec(transport, reads);
  }

  /** a plan being recorded: the task whose predictions come next (see predictedBy) */
  origin?: string;
  /** a plan being recorded: the task whose change first did more than it predicts (see `unpredicted`) */
  unpredictedBy?: string;

  predict(p: Prediction): void {
    this.generation++;
    if (this.origin !== undefined) p = { ...p, origin: this.origin };
    const id = `${p.fact.name}\0${p.key}`;
    if (p.subtree) {
      // what was predicted under the path is gone with it
      const under = p.key.endsWith('/') ? p.key : `${p.key}/`;
      for (const m of [this.predictions, this.subtrees]) {
        for (const k of [...m.keys()]) {
          const key = k.slice(p.fact.name.length + 1);
          if (k.startsWith(`${p.fact.name}\0`) && (key === p.key || key.startsWith(under))) m.delete(k);
        }
      }
      this.subtrees.set(id, p);
    } else if (p.value) this.predictions.set(id, [p]);
    else this.predictions.set(id, [...(this.predictions.get(id) ?? []), p]);
  }

  /** check mode: mark that a change made more than its predictions say (see `unpredicted`) */
  unpredictedChange(): void {
    if (this.unpredicted) return;
    this.unpredicted = true;
    this.unpredictedBy = this.origin;
    // what was read before may be judged differently now (a missing file is no longer a sure failure)
    this.generation++;
  }

  /** the predicted layers for a read: the prediction giving the whole value, and the patches after it */
  private layers(fact: Fact<unknown, never>, key: string): { base?: Prediction; patches: Prediction[] } | undefined {
    if (!this.predictions.size && !this.subtrees.size) return undefined;
    const own = this.predictions.get(`${fact.name}\0${key}`) ?? [];
    let i = own.length - 1;
    while (i >= 0 && !own[i].value) i--;
    // a subtree prediction over the path is older than any made at the path (those it removed)
    const base = i >= 0 ? own[i] : this.covering(fact.name, key);
    const patches = own.slice(i + 1);
    return base || patches.length ? { base, patches } : undefined;
  }

  /** the nearest subtree prediction at the path or above it: the newest one that holds there */
  private covering(factName: string, key: string): Prediction | undefined {
    for (let k = key; ; ) {
      const p = this.subtrees.get(`${factName}\0${k}`);
      if (p) return p;
      const i = k.lastIndexOf('/');
      if (i < 0 || k === '/') return undefined;
      k = i === 0 ? '/' : k.slice(0, i);
    }
  }

  /** check mode: the value an earlier planned change predicts for this read, or undefined when none does */
  predicted<T, A>(fact: Fact<T, A>, args: A): T | undefined {
    if (!fact.overlayKey) return undefined;
    const l = this.layers(fact as Fact<unknown, never>, fact.overlayKey(args));
    if (!l?.base) return undefined;
    const v = l.base.value!(args, (f, a) => this.get(f, a));
    // a value that depends on another read (a link's target) is not known without a read
    if (v === undefined || v instanceof Promise) return undefined;
    let out: unknown = v;
    for (const p of l.patches) out = p.patch!(out, args);
    return out as T;
  }

  /** check mode: an earlier planned change predicts this read (whether or not it knows the value) */
  hasPrediction<T, A>(fact: Fact<T, A>, args: A): boolean {
    return !!fact.overlayKey && !!this.layers(fact as Fact<unknown, never>, fact.overlayKey(args));
  }

  /**
   * check mode: an earlier planned change rewrites this path with content not known yet (a
   * certificate it re-issues): a prediction is there, but it gives no value
   */
  predictedUnknown<T, A>(fact: Fact<T, A>, args: A): boolean {
    if (!fact.overlayKey) return false;
    const l = this.layers(fact as Fact<unknown, never>, fact.overlayKey(args));
    return !!l?.base && this.predicted(fact, args) === undefined;
  }

  /** a plan being recorded: the task whose prediction this read sees, when one does (its newest layer) */
  predictedBy<T, A>(fact: Fact<T, A>, args: A): string | undefined {
    if (!fact.overlayKey) return undefined;
    const l = this.layers(fact as Fact<unknown, never>, fact.overlayKey(args));
    if (!l) return undefined;
    return (l.patches.at(-1) ?? l.base)?.origin;
  }

  /**
   * A fact's value, read once per generation. `ahead` marks a read-ahead's read: what it leaves
   * in the cache serves a task only if nothing was written anywhere since, because another
   * inventory name may reach the same machine (local connections, aliases) and its writes do
   * not invalidate this cache. In check mode, predictions come first.
   */
  get<T, A>(fact: Fact<T, A>, args: A, become?: Become, ahead = false): Promise<T> {
    return this.getAt(fact, args, become, ahead, 0);
  }

  private getAt<T, A>(fact: Fact<T, A>, args: A, become: Become | undefined, ahead: boolean, depth: number): Promise<T> {
    // links that point at each other end as the host would see them (ELOOP), not in a loop here
    const l = fact.overlayKey && depth < 40 ? this.layers(fact as Fact<unknown, never>, fact.overlayKey(args)) : undefined;
    if (!l) return this.readHost(fact, args, become, ahead);
    const read: PredictionRead = (f, a) => this.getAt(f, a, become, ahead, depth + 1);
    return (async () => {
      // a prediction of undefined says "not known": the read goes to the host
      let v = l.base ? await l.base.value!(args, read) : undefined;
      if (v === undefined) v = await this.readHost(fact, args, become, ahead);
      for (const p of l.patches) v = p.patch!(v, args);
      return v as T;
    })();
  }

  private readHost<T, A>(fact: Fact<T, A>, args: A, become: Become | undefined, ahead: boolean): Promise<T> {
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
