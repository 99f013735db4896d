// One host's inventory variables, merged in Ansible's order (lowest first; ansible-core's default
// VARIABLE_PRECEDENCE for the inventory stage):
//   1. inventory-file vars of `all`, then of each of the host's groups (by depth, priority, name)
//   2. group_vars/all, for each inventory source in order, then beside the playbook
//   3. group_vars/<group> for each of the host's groups (same order), for each source in order,
//      then beside the playbook
//   4. inventory-file host vars, then host_vars/<host> for each source in order, then beside the playbook
//   5. magic vars: inventory_hostname(_short), group_names, groups
// Dictionaries are replaced, not merged. Note: all inventory-file group vars rank below group_vars/all.
import { dirname } from 'node:path';
import { newDict } from './safe-keys.js';
import type { GroupData, HostData, Vars, VarsDir } from './types.js';

const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

export function shortHostname(name: string): string {
  if (IPV4.test(name) || name.includes(':')) return name;
  return name.split('.')[0]!;
}

export interface HostVarsInput {
  host: HostData;
  /** the host's groups with their ancestors, sorted by (depth, priority, name); `all` first */
  groups: readonly GroupData[];
  allGroup: GroupData;
  varsDirs: readonly VarsDir[];
  groupsMap: Readonly<Record<string, readonly string[]>>;
  /** without inventory_hostname, group_names, groups, inventory_file, inventory_dir (as ansible-inventory shows) */
  noMagic?: boolean;
}

function put(into: Vars, layer: Vars | undefined): void {
  if (!layer) return;
  for (const k of Object.keys(layer)) into[k] = layer[k];
}

export function mergeHostVars(input: HostVarsInput): Vars {
  const { host, groups, allGroup, varsDirs } = input;
  const out = newDict();
  put(out, allGroup.vars);
  for (const g of groups) put(out, g.vars);
  for (const d of varsDirs) put(out, d.groupVars.get('all'));
  // `all` is not one of the groups here (as in Ansible): its group_vars ranked below every group's above
  for (const d of varsDirs) for (const g of groups) if (g !== allGroup) put(out, d.groupVars.get(g.name));
  if (!input.noMagic) {
    out.inventory_file = host.inventoryFile || null;
    out.inventory_dir = host.inventoryFile ? dirname(host.inventoryFile) : null;
  }
  put(out, host.vars);
  for (const d of varsDirs) put(out, d.hostVars.get(host.name));
  if (!input.noMagic) {
    out.inventory_hostname = host.name;
    out.inventory_hostname_short = shortHostname(host.name);
    out.group_names = groups.map((g) => g.name).filter((n) => n !== 'all'); // already sorted by name within depth: re-sort below
    (out.group_names as string[]).sort();
    out.groups = input.groupsMap;
  }
  return out;
}
