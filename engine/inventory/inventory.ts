// The loaded inventory: groups, hosts, and the variables each host gets from the inventory.
import { InputError, type SourcePos } from '../errors.js';
import { mergeHostVars, shortHostname } from './host-vars.js';
import { newDict } from './safe-keys.js';
import type { GroupData, HostData, Vars, VarsDir } from './types.js';

/** Names Ansible treats as the controller when no inventory host has that name. */
export const LOCALHOST_NAMES: readonly string[] = ['localhost', '127.0.0.1', '::1'];

export interface InventoryData {
  groups: Map<string, GroupData>;
  hosts: Map<string, HostData>;
  varsDirs: VarsDir[];
  sources: string[];
  warnings: string[];
}

function deepFreeze(v: unknown): void {
  if (typeof v !== 'object' || v === null || Object.isFrozen(v)) return;
  Object.freeze(v);
  for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k]);
}

export class Inventory {
  readonly sources: readonly string[];
  /** things Ansible would warn about (a group and a host with one name, …) */
  readonly warnings: readonly string[];
  private readonly groupData: Map<string, GroupData>;
  private readonly hostData: Map<string, HostData>;
  private readonly varsDirs: readonly VarsDir[];
  private readonly depth = new Map<string, number>();
  private readonly groupHostsCache = new Map<string, readonly string[]>();
  private readonly sortedGroupsCache = new Map<string, readonly GroupData[]>();
  private groupsMapCache?: Readonly<Record<string, readonly string[]>>;
  /** the implicit localhost, once group_by put it in a group: in that group, still not in `all` (Ansible) */
  private readonly implicitJoined = new Set<string>();

  constructor(data: InventoryData) {
    this.groupData = data.groups;
    this.hostData = data.hosts;
    this.varsDirs = data.varsDirs;
    this.sources = data.sources;
    this.warnings = data.warnings;
    // values are shared between hosts' merged vars: freeze them so no caller can change another host's view
    for (const g of this.groupData.values()) deepFreeze(g.vars);
    for (const h of this.hostData.values()) deepFreeze(h.vars);
    for (const d of this.varsDirs) {
      for (const v of d.groupVars.values()) deepFreeze(v);
      for (const v of d.hostVars.values()) deepFreeze(v);
    }
  }

  /** Every host, in inventory order (the order of the `all` group). */
  hosts(): string[] {
    return [...this.groupHosts('all')];
  }

  /** Every group, `all` and `ungrouped` first, then in the order they were declared. */
  groupNames(): string[] {
    return [...this.groupData.keys()];
  }

  hasHost(name: string): boolean {
    return this.hostData.has(name);
  }

  hasGroup(name: string): boolean {
    return this.groupData.has(name);
  }

  group(name: string): Readonly<GroupData> | undefined {
    return this.groupData.get(name);
  }

  host(name: string): Readonly<HostData> | undefined {
    return this.hostData.get(name);
  }

  /** Host names in the order they were first declared (Ansible matches host patterns in this order). */
  declaredHosts(): IterableIterator<string> {
    return this.hostData.keys();
  }

  /** `localhost`, `127.0.0.1` or `::1` used without being in the inventory: Ansible's implicit local host. */
  isImplicitLocalhost(name: string): boolean {
    return LOCALHOST_NAMES.includes(name) && !this.hostData.has(name);
  }

  /** Longest path from `all` (0) to the group; parents sort before children when vars merge. */
  depthOf(group: string): number {
    const known = this.depth.get(group);
    if (known !== undefined) return known;
    const g = this.groupData.get(group);
    if (!g) throw new InputError(`no group named "${group}" in the inventory`);
    let d = 0;
    if (group !== 'all') for (const p of g.parents) d = Math.max(d, this.depthOf(p) + 1);
    this.depth.set(group, d);
    return d;
  }

  /** Hosts of a group and of its descendants: its own first, then breadth-first through children. */
  groupHosts(group: string): readonly string[] {
    const cached = this.groupHostsCache.get(group);
    if (cached) return cached;
    const start = this.groupData.get(group);
    if (!start) return [];
    const out: string[] = [];
    const seenHosts = new Set<string>();
    const seenGroups = new Set<string>([group]);
    const queue: GroupData[] = [start];
    for (let i = 0; i < queue.length; i++) {
      for (const h of queue[i]!.hosts) {
        if (!seenHosts.has(h)) {
          seenHosts.add(h);
          out.push(h);
        }
      }
      for (const c of queue[i]!.children) {
        if (!seenGroups.has(c)) {
          seenGroups.add(c);
          queue.push(this.groupData.get(c)!);
        }
      }
    }
    if (group === 'all' && this.implicitJoined.size) {
      const kept = out.filter((h) => !this.implicitJoined.has(h));
      out.length = 0;
      out.push(...kept);
    }
    Object.freeze(out);
    this.groupHostsCache.set(group, out);
    return out;
  }

  /** The `groups` magic variable: every group (with all and ungrouped) -> its hosts, in inventory order. */
  groupsMap(): Readonly<Record<string, readonly string[]>> {
    if (!this.groupsMapCache) {
      const map = newDict<readonly string[]>();
      for (const name of this.groupData.keys()) map[name] = this.groupHosts(name);
      this.groupsMapCache = Object.freeze(map);
    }
    return this.groupsMapCache;
  }

  /** The host's groups and all their ancestors, in the order their vars merge. */
  sortedGroupsOf(host: HostData): readonly GroupData[] {
    const key = host.groups.join('\0');
    const cached = this.sortedGroupsCache.get(key);
    if (cached) return cached;
    const found = new Map<string, GroupData>();
    const stack = ['all', ...host.groups];
    while (stack.length) {
      const name = stack.pop()!;
      if (found.has(name)) continue;
      const g = this.groupData.get(name)!;
      found.set(name, g);
      for (const p of g.parents) stack.push(p);
    }
    const sorted = [...found.values()].sort(
      (a, b) => this.depthOf(a.name) - this.depthOf(b.name) || a.priority - b.priority || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
    );
    this.sortedGroupsCache.set(key, sorted);
    return sorted;
  }

  private hostOrImplicit(name: string): HostData {
    const h = this.hostData.get(name);
    if (h) return h;
    if (LOCALHOST_NAMES.includes(name)) {
      // Ansible's implicit localhost: in no group, runs locally, still gets `all` vars
      return { name, vars: Object.freeze(Object.assign(newDict(), { ansible_connection: 'local' })), groups: [], inventoryFile: '' };
    }
    throw new InputError(`no host named "${name}" in the inventory`);
  }

  /**
   * The host's inventory variables with Ansible's precedence (see host-vars.ts), plus
   * inventory_hostname, inventory_hostname_short, group_names and groups.
   * Values are shared and frozen; the returned top-level object is the caller's.
   */
  hostVars(name: string, options: { magic?: boolean } = {}): Vars {
    const host = this.hostOrImplicit(name);
    const implicit = !this.hostData.has(name);
    const groups = implicit ? [this.groupData.get('all')!] : this.sortedGroupsOf(host);
    const vars = mergeHostVars({
      host,
      groups,
      allGroup: this.groupData.get('all')!,
      varsDirs: this.varsDirs,
      groupsMap: this.groupsMap(),
      noMagic: options.magic === false,
    });
    if (implicit && options.magic !== false) vars.inventory_hostname_short = shortHostname(name);
    return vars;
  }

  /** Whether any group or host sets this variable anywhere (inventory files, group_vars/, host_vars/). */
  definesVar(name: string): boolean {
    const has = (v: Vars | undefined) => !!v && Object.hasOwn(v, name);
    for (const g of this.groupData.values()) if (has(g.vars)) return true;
    for (const h of this.hostData.values()) if (has(h.vars)) return true;
    for (const d of this.varsDirs) {
      for (const v of d.groupVars.values()) if (has(v)) return true;
      for (const v of d.hostVars.values()) if (has(v)) return true;
    }
    return false;
  }

  /** A group's own variables: inventory-file vars, then group_vars/ files (what --export shows). */
  groupOwnVars(group: string): Vars {
    const g = this.groupData.get(group);
    if (!g) throw new InputError(`no group named "${group}" in the inventory`);
    const out = Object.assign(newDict(), g.vars);
    for (const d of this.varsDirs) Object.assign(out, d.groupVars.get(group));
    if (g.priority !== 1) out.ansible_group_priority = g.priority;
    return out;
  }

  /** Where a group_vars/ or host_vars/ file sets this variable of a group or host (the one that wins), if one does. */
  varsFilePos(kind: 'group' | 'host', name: string, key: string): SourcePos | undefined {
    for (const d of [...this.varsDirs].reverse()) {
      const at = (kind === 'group' ? d.groupVarsAt : d.hostVarsAt).get(name)?.get(key);
      if (at) return at;
    }
    return undefined;
  }

  /**
   * add_host: the host (created in `all` when new) joins these groups (created under `all` when
   * new) and gets these variables on top of its own, as Ansible's add_dynamic_host. Whether the
   * inventory changed.
   */
  addDynamicHost(name: string, groups: string[], vars: Vars): boolean {
    let changed = false;
    let h = this.hostData.get(name);
    if (!h) {
      h = { name, vars: Object.freeze(newDict()), groups: [], inventoryFile: '' };
      this.hostData.set(name, h);
      changed = true;
    }
    const merged = Object.assign(newDict(), h.vars, vars);
    if (JSON.stringify(merged) !== JSON.stringify(h.vars)) {
      deepFreeze(merged);
      h.vars = merged;
      changed = true;
    }
    for (const g of groups) if (this.joinGroup(h, this.dynamicGroup(g))) changed = true;
    if (changed) this.reconcile();
    return changed;
  }

  /** group_by: the host joins the group, which becomes a child of each parent (groups created when new). Whether the inventory changed. */
  addDynamicGroup(host: string, group: string, parents: string[]): boolean {
    let h = this.hostData.get(host);
    if (!h && this.isImplicitLocalhost(host)) {
      // the implicit localhost joins the group as Ansible's does, and is in the inventory from now on
      h = { ...this.hostOrImplicit(host), groups: [] };
      this.hostData.set(host, h);
      this.implicitJoined.add(host);
    }
    if (!h) throw new InputError(`group_by: no host named "${host}" in the inventory`);
    const had = this.groupData.has(group);
    const g = this.dynamicGroup(group, parents.length ? [] : ['all']);
    let changed = !had;
    for (const name of parents) {
      const p = this.dynamicGroup(name);
      if (!p.children.includes(g.name) && g.name !== p.name) {
        p.children.push(g.name);
        g.parents.push(p.name);
        changed = true;
      }
    }
    if (this.joinGroup(h, g)) changed = true;
    if (changed) this.reconcile();
    return changed;
  }

  private dynamicGroup(name: string, parents = ['all']): GroupData {
    let g = this.groupData.get(name);
    if (!g) {
      g = { name, hosts: [], children: [], parents: [], vars: Object.freeze(newDict()), priority: 1 };
      this.groupData.set(name, g);
      for (const p of parents) {
        this.groupData.get(p)!.children.push(name);
        g.parents.push(p);
      }
    }
    return g;
  }

  private joinGroup(h: HostData, g: GroupData): boolean {
    if (g.name === 'all' || g.hosts.includes(h.name)) return false;
    g.hosts.push(h.name);
    h.groups.push(g.name);
    return true;
  }

  /** Ansible's reconcile_inventory after a change: a host in no group is in ungrouped, and only then; caches go */
  private reconcile(): void {
    const ungrouped = this.groupData.get('ungrouped')!;
    for (const h of this.hostData.values()) {
      const grouped = h.groups.some((g) => g !== 'all' && g !== 'ungrouped');
      if (grouped && h.groups.includes('ungrouped')) {
        h.groups = h.groups.filter((g) => g !== 'ungrouped');
        ungrouped.hosts = ungrouped.hosts.filter((n) => n !== h.name);
      } else if (!grouped && !h.groups.includes('ungrouped')) {
        h.groups.push('ungrouped');
        ungrouped.hosts.push(h.name);
      }
    }
    this.depth.clear();
    this.groupHostsCache.clear();
    this.sortedGroupsCache.clear();
    this.groupsMapCache = undefined;
  }

  /** A host's own variables: inventory-file vars, then host_vars/ files (what --export shows). */
  hostOwnVars(host: string): Vars {
    const h = this.hostOrImplicit(host);
    const out = Object.assign(newDict(), h.vars);
    for (const d of this.varsDirs) Object.assign(out, d.hostVars.get(host));
    return out;
  }
}
