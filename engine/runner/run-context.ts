// Shared state of one run: options, inventory, modules, hosts, reporters. No globals.
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { ValidateFunction, Ajv } from 'ajv';
import type { Inventory } from '../inventory/index.js';
import type { Module } from '../modules/types.js';
import type { Reporter } from '../report/types.js';
import type { RoleContext } from '../playbook/model.js';
import { InputError, type ErrorWhere } from '../errors.js';
import { LocalTransport } from '../transport/local.js';
import { Validators } from '../schema/validators.js';
import { ChannelLimit } from '../transport/channel-limit.js';
import { localConnection, openTransport, type ConnectionSpec } from '../transport/factory.js';
import { tracedTransport } from '../transport/traced.js';
import { HostState, type Endpoint } from './host-state.js';
import { plainLayer } from './lazy-vars.js';
import { RunMetrics } from './run-metrics.js';
import { ReadAhead } from './read-ahead/read-ahead.js';
import { noReadAhead, type ReadStrategy } from './read-ahead/strategy.js';
import type { RunOptions } from './options.js';
import type { TemplateEngine } from './template-engine.js';
import type { SecretVars } from './secret-vars.js';
import { allHooks, type RunHooks } from './run-hooks.js';

export class RunContext {
  readonly hosts = new Map<string, HostState>();
  readonly controller: LocalTransport;
  private invVars = new Map<string, Record<string, unknown>>();
  /**
   * validates rendered parameters, converting scalar types as Ansible does. It gets only
   * schemas the loader already checked against the meta-schema (module and role schemas), so
   * it skips that check: compiling the meta-schema costs more than most runs.
   */
  readonly renderSchemas = new Validators('render', false);
  /** SSH handshakes in progress at once, over all hosts (each costs the controller a key exchange) */
  readonly handshakes = new ChannelLimit(32);
  /** the run's counters: its write clock, whether anything changed, each host's recap and reads */
  readonly metrics = new RunMetrics();
  /** how tasks' reads are made: ahead of their turn (the default), or each at its turn */
  readonly reads: ReadStrategy;
  /** the names listed in tsplay_secret_vars, whose values are learned as hosts' variables resolve */
  secretVars?: SecretVars;
  /** the vault keys and redactor the inputs were read with, for files read during the run (include_vars) */
  secrets?: import('../secrets/inputs.js').SecretInputs;
  /** the caller's hooks (run-hooks.ts) */
  readonly hooks: Required<RunHooks>;

  constructor(
    readonly opts: RunOptions,
    readonly inventory: Inventory,
    readonly templater: TemplateEngine,
    /** resolves at once for the modules the playbook named: the loader loaded them */
    readonly findModule: (name: string) => Promise<Module | undefined>,
    readonly reporter: Required<Reporter>,
    /** the loader's validators (schemas as written) */
    readonly schemas: Validators,
  ) {
    this.controller = new LocalTransport('localhost', opts.stopCommands);
    // values as typed (a password may hold "{{"): never rendered
    this.connectionDefaults = opts.connectionDefaults ? plainLayer({ ...opts.connectionDefaults }) : undefined;
    this.hooks = allHooks(opts.hooks);
    // a plan records (and apply checks) each task's own reads, made at its turn
    this.reads = opts.readAhead === false || opts.plan ? noReadAhead : new ReadAhead();
  }

  /** ansible_user, ansible_become… from the command line (-u, -b…), below every other layer */
  readonly connectionDefaults?: Record<string, unknown>;

  get check(): boolean {
    return !!this.opts.check;
  }
  get diff(): boolean {
    return !!this.opts.diff;
  }
  get forks(): number {
    return this.opts.forks ?? 25;
  }

  /** inventory variables of a host, cached */
  inventoryVars(host: string): Record<string, unknown> {
    let v = this.invVars.get(host);
    if (!v) {
      // the inventory also answers for the implicit localhost (local connection, `all` vars)
      if (this.inventory.hasHost(host) || this.inventory.isImplicitLocalhost(host)) v = this.inventory.hostVars(host);
      else v = { inventory_hostname: host, group_names: [] };
      this.invVars.set(host, v);
    }
    return v;
  }

  /** add_host/group_by changed the inventory: every host's inventory variables are read again (group_names, groups) */
  inventoryChanged(): void {
    this.invVars.clear();
  }

  /** the host of that name; it reads no variable (how it is reached is each task's: endpoint()) */
  hostState(name: string): HostState {
    let h = this.hosts.get(name);
    if (!h) {
      h = new HostState(name, this.metrics);
      this.hosts.set(name, h);
    }
    return h;
  }

  /** the host's transport (and fact cache) for these resolved connection options, made once per host and options */
  endpoint(h: HostState, spec: ConnectionSpec): Endpoint {
    return h.endpoint(spec.key, () => {
      const t = openTransport(spec, { stop: this.opts.stopCommands, handshakes: this.handshakes });
      // -vvv: what each connection does, told through the (redacting) reporters
      return (this.opts.verbosity ?? 0) >= 3 ? tracedTransport(t, (text) => this.reporter.onHostDetail({ host: h.name, text })) : t;
    });
  }

  /** the controller as the local host `localhost`: its fact cache holds the predictions of tasks run there */
  get controllerEndpoint(): Endpoint {
    // asked for by every task item: made once
    return (this.controllerEp ??= this.endpoint(this.hostState('localhost'), localConnection('localhost')));
  }
  private controllerEp?: Endpoint;

  /** a controller-side file for `src:`: role dirs (site first), then the playbook's */
  findFile(kind: 'files' | 'templates', name: string, role: RoleContext | undefined, playDir: string, where: ErrorWhere): string {
    if (isAbsolute(name)) {
      if (existsSync(name)) return name;
      throw new InputError(`${kind === 'templates' ? 'template' : 'file'} not found: ${name}`, where);
    }
    const candidates: string[] = [];
    for (const d of role?.searchDirs ?? []) candidates.push(join(d, kind, name), join(d, name));
    candidates.push(join(playDir, kind, name), join(playDir, name));
    for (const c of candidates) if (existsSync(c)) return c;
    throw new InputError(`${kind === 'templates' ? 'template' : 'file'} "${name}" not found; searched: ${candidates.join(', ')}`, where);
  }

  async closeAll(): Promise<void> {
    await Promise.allSettled([...this.hosts.values()].flatMap((h) => [...h.allEndpoints].map((e) => e.transport.close())));
  }
}
