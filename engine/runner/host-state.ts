// Everything the runner knows about one host during a run.
import type { Transport } from '../transport/types.js';
import { FactCache, type WriteClock } from '../facts/cache.js';
import { emptyStats, type HostStats } from '../report/types.js';
import { HostReadAhead } from './host-read-ahead.js';

export class HostState {
  /** gathered facts (ansible_facts) */
  facts: Record<string, unknown> = {};
  /** ansible_* variables derived from facts */
  factVars: Record<string, unknown> = {};
  /** set_fact and register results: they outlive plays, like Ansible's host facts */
  hostFacts: Record<string, unknown> = {};
  stats: HostStats = emptyStats();
  failed = false;
  unreachable = false;
  /** handler names notified and not yet run */
  notified = new Set<string>();
  /** the last failed task, for rescue (ansible_failed_task / ansible_failed_result) */
  lastFailure?: { task: string; result: Record<string, unknown> };
  /** reads started ahead of their task (read-ahead.ts) */
  readonly readAhead = new HostReadAhead();
  private factCache?: FactCache;
  private connected?: Promise<void>;

  constructor(
    readonly name: string,
    readonly transport: Transport,
    private clock?: WriteClock,
  ) {}

  get factsCache(): FactCache {
    return (this.factCache ??= new FactCache(this.transport, this.clock));
  }

  /** connect once; later calls share the same connection */
  connect(): Promise<void> {
    return (this.connected ??= this.transport.connect());
  }

  get alive(): boolean {
    return !this.failed && !this.unreachable;
  }
}
