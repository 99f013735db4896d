// Per-host fact cache. Invalidated by the runner after any task changed the host.
import type { Fact } from './types.js';
import type { Transport, Become } from '../transport/types.js';

export class FactCache {
  private cache = new Map<string, Promise<unknown>>();
  constructor(private transport: Transport) {}

  get<T, A>(fact: Fact<T, A>, args: A, become?: Become): Promise<T> {
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
