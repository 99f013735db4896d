// Everything the runner knows about one host during a run. A host is created knowing only its
// name: how it is reached depends on each task's rendered variables (resolved-task.ts), and each
// way of reaching it is an Endpoint, opened on first use and kept for the run.
import type { Transport } from '../transport/types.js';
import { FactCache, type WriteClock } from '../facts/cache.js';
import type { HostStats } from '../report/types.js';
import type { ReadCounts, RunMetrics } from './run-metrics.js';

/** one way of reaching a host (its transport) with what was read through it */
export class Endpoint {
  private factCache?: FactCache;
  private connected?: Promise<void>;

  constructor(
    readonly transport: Transport,
    private clock: WriteClock,
    /** the host's read counters, shared by all its endpoints */
    private reads: ReadCounts,
  ) {}

  get factsCache(): FactCache {
    return (this.factCache ??= new FactCache(this.transport, this.clock, this.reads));
  }

  /** connect once; later calls share the same connection */
  connect(): Promise<void> {
    return (this.connected ??= this.transport.connect());
  }

  /** the fact cache if anything made one */
  get existingCache(): FactCache | undefined {
    return this.factCache;
  }
}

export class HostState {
  /** gathered facts (ansible_facts) */
  facts: Record<string, unknown> = {};
  /** ansible_* variables derived from facts */
  factVars: Record<string, unknown> = {};
  /** set_fact and register results: they outlive plays, like Ansible's host facts */
  hostFacts: Record<string, unknown> = {};
  /** include_vars: above task vars, below set_fact/register (Ansible's precedence); they outlive plays too */
  includedVars: Record<string, unknown> = {};
  /** the recap's counts: the run's (run-metrics.ts), counted here */
  readonly stats: HostStats;
  failed = false;
  unreachable = false;
  /** handler names notified and not yet run */
  notified = new Set<string>();
  /** the last failed task, for rescue (ansible_failed_task / ansible_failed_result) */
  lastFailure?: { task: string; result: Record<string, unknown> };
  /** by the key of the resolved connection options (factory.ts connectionSpec) */
  private readonly endpoints = new Map<string, Endpoint>();

  private readonly reads: ReadCounts;

  constructor(
    readonly name: string,
    private metrics: RunMetrics,
  ) {
    ({ recap: this.stats, reads: this.reads } = metrics.host(name));
  }

  /** the endpoint for these connection options, its transport made by `open` the first time */
  endpoint(key: string, open: () => Transport): Endpoint {
    let e = this.endpoints.get(key);
    if (!e) this.endpoints.set(key, (e = new Endpoint(open(), this.metrics, this.reads)));
    return e;
  }

  get allEndpoints(): IterableIterator<Endpoint> {
    return this.endpoints.values();
  }

  /**
   * bumped whenever any of the host's fact caches is invalidated or gets a prediction: a value
   * read (or a read started) under an older generation may no longer be what the host holds
   */
  get generation(): number {
    let g = 0;
    for (const e of this.endpoints.values()) g += e.existingCache?.generation ?? 0;
    return g;
  }

  /** the host changed: whichever way it is reached, what was read of it is stale */
  invalidate(): void {
    for (const e of this.endpoints.values()) e.existingCache?.invalidate();
  }

  get alive(): boolean {
    return !this.failed && !this.unreachable;
  }
}
