// Per-host fact cache. Invalidated by the runner after any task changed the host.
import type { Fact, Prediction } from './types.js';
import type { Transport, Become } from '../transport/types.js';

export class FactCache {
  private cache = new Map<string, Promise<unknown>>();
  /** check mode: what earlier planned changes would have made (kept across invalidation) */
  private predictions = new Map<string, Prediction>();
  constructor(private transport: Transport) {}

  predict(p: Prediction): void {
    this.predictions.set(`${p.fact.name}\0${p.key}`, p);
  }

  get<T, A>(fact: Fact<T, A>, args: A, become?: Become): Promise<T> {
    if (fact.overlayKey && this.predictions.size) {
      const p = this.predictions.get(`${fact.name}\0${fact.overlayKey(args)}`);
      if (p) return Promise.resolve(p.value(args) as T);
    }
    const key = `${fact.name}\0${JSON.stringify(args ?? null)}\0${become ? become.user : ''}`;
    let p = this.cache.get(key) as Promise<T> | undefined;
    if (!p) {
      p = this.transport.exec(fact.command(args), { become }).then((r) => fact.parse(r, args));
      this.cache.set(key, p);
      p.catch(() => this.cache.delete(key));
    }
    return p;
  }

  invalidate(): void {
    this.cache.clear();
  }
}
