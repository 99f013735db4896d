// Collects groups, hosts and inventory-file variables from every source in order, then applies
// Ansible's reconcile rules: parentless groups go under `all`, hosts in no group go to `ungrouped`.
import { InputError, type SourcePos } from '../errors.js';
import { assertSafeKey, newDict } from './safe-keys.js';
import type { GroupData, HostData } from './types.js';
import { MAX_INVENTORY_RANGE_HOSTS, withCommas } from './host-range.js';

/** Where something was written; a function when finding the position costs time and is only needed on error. */
export type Where = SourcePos | (() => SourcePos);

function at(where: Where): SourcePos {
  return typeof where === 'function' ? where() : where;
}

export class InventoryBuilder {
  readonly groups = new Map<string, GroupData>();
  readonly hosts = new Map<string, HostData>();
  readonly warnings: string[] = [];
  /** the file being read: recorded as inventory_file of the hosts it introduces */
  currentFile = '';
  /** hosts made by ranges so far: each entry is bounded, and so is their sum */
  private rangeHosts = 0;

  constructor() {
    this.addGroup('all', {});
    this.addGroup('ungrouped', {});
    this.addChild('all', 'ungrouped', {});
  }

  addGroup(name: string, where: Where): GroupData {
    let g = this.groups.get(name);
    if (!g) {
      if (!name) throw new InputError('empty group name', at(where));
      assertSafeKey(name, where, 'group name');
      g = { name, hosts: [], children: [], parents: [], vars: newDict(), priority: 1 };
      this.groups.set(name, g);
    }
    return g;
  }

  addHost(name: string, group: string | undefined, where: Where): HostData {
    let h = this.hosts.get(name);
    if (!h) {
      if (!name) throw new InputError('empty host name', at(where));
      assertSafeKey(name, where, 'host name');
      h = { name, vars: newDict(), groups: [], inventoryFile: this.currentFile };
      this.hosts.set(name, h);
    }
    if (group !== undefined) {
      const g = this.addGroup(group, where);
      if (!h.groups.includes(group)) {
        h.groups.push(group);
        g.hosts.push(name);
      }
    }
    return h;
  }

  /** an entry with ranges expanded to `hosts` names (counted before they are added) */
  countRangeHosts(entry: string, hosts: number, where: Where): void {
    this.rangeHosts += hosts;
    if (this.rangeHosts > MAX_INVENTORY_RANGE_HOSTS) {
      throw new InputError(
        `host range "${entry}" brings the hosts made by ranges in this inventory to ${withCommas(this.rangeHosts)}; at most ${withCommas(MAX_INVENTORY_RANGE_HOSTS)} in all`,
        at(where),
      );
    }
  }

  addChild(parent: string, child: string, where: Where): void {
    if (child === 'all') throw new InputError(`group "all" cannot be a child of "${parent}"`, at(where));
    if (parent === child) throw new InputError(`group "${parent}" cannot be a child of itself`, at(where));
    const p = this.addGroup(parent, where);
    const c = this.addGroup(child, where);
    if (p.children.includes(child)) return;
    if (this.isDescendant(child, parent)) {
      throw new InputError(`adding group "${child}" as a child of "${parent}" makes a loop`, at(where));
    }
    p.children.push(child);
    c.parents.push(parent);
  }

  setGroupVar(group: string, key: string, value: unknown, where: Where): void {
    assertSafeKey(key, where, 'variable name');
    const g = this.addGroup(group, where);
    if (key === 'ansible_group_priority') {
      const n = Number(value);
      if (!Number.isInteger(n)) throw new InputError(`ansible_group_priority must be an integer, got ${JSON.stringify(value)}`, at(where));
      g.priority = n;
      return;
    }
    g.vars[key] = value;
  }

  setHostVar(host: string, key: string, value: unknown, where: Where): void {
    assertSafeKey(key, where, 'variable name');
    this.addHost(host, undefined, where).vars[key] = value;
  }

  /** Is `maybe` equal to or below `group` in the child graph? */
  private isDescendant(group: string, maybe: string): boolean {
    const seen = new Set<string>();
    const stack = [group];
    while (stack.length) {
      const g = stack.pop()!;
      if (g === maybe) return true;
      if (seen.has(g)) continue;
      seen.add(g);
      for (const c of this.groups.get(g)?.children ?? []) stack.push(c);
    }
    return false;
  }

  /** Ansible's reconcile_inventory, run once after all sources are read. */
  reconcile(): void {
    for (const g of this.groups.values()) {
      if (g.name !== 'all' && g.parents.length === 0) this.addChild('all', g.name, {});
    }
    const ungrouped = this.groups.get('ungrouped')!;
    const leaveUngrouped = new Set<string>();
    for (const h of this.hosts.values()) {
      const others = h.groups.filter((g) => g !== 'all' && g !== 'ungrouped');
      if (others.length > 0) {
        if (h.groups.includes('ungrouped')) leaveUngrouped.add(h.name);
      } else if (!h.groups.includes('ungrouped')) {
        h.groups.push('ungrouped');
        ungrouped.hosts.push(h.name);
      }
    }
    if (leaveUngrouped.size) {
      ungrouped.hosts = ungrouped.hosts.filter((n) => !leaveUngrouped.has(n));
      for (const n of leaveUngrouped) {
        const h = this.hosts.get(n)!;
        h.groups = h.groups.filter((g) => g !== 'ungrouped');
      }
    }
    for (const name of this.hosts.keys()) {
      if (this.groups.has(name)) this.warnings.push(`found both a group and a host named "${name}"`);
    }
  }
}
