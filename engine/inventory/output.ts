// What `ansible-inventory --list`, `--graph` and `--host` print, as data (list, host) or text (graph).
import { InputError } from '../errors.js';
import type { Inventory } from './inventory.js';
import type { Vars } from './types.js';

// ansible-inventory leaves out the variables Ansible defines itself
const INTERNAL_VARS = new Set([
  'ansible_diff_mode', 'ansible_config_file', 'ansible_facts', 'ansible_forks', 'ansible_inventory_sources',
  'ansible_limit', 'ansible_playbook_python', 'ansible_run_tags', 'ansible_skip_tags', 'ansible_verbosity',
  'ansible_version', 'inventory_dir', 'inventory_file', 'inventory_hostname', 'inventory_hostname_short',
  'groups', 'group_names', 'omit', 'playbook_dir',
]);

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Python's json.dumps(sort_keys=True): keys sorted at every level, so JSON.stringify(x, null, 4) prints the same. */
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (typeof v !== 'object' || v === null) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort(byName)) {
    // defineProperty: a plain object, safe even for unusual keys
    Object.defineProperty(out, k, { value: sortKeys((v as Record<string, unknown>)[k]), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function withoutInternal(vars: Vars): Vars {
  const out: Vars = {};
  for (const k of Object.keys(vars)) if (!INTERNAL_VARS.has(k)) out[k] = vars[k];
  return out;
}

export interface ListOptions {
  /** like --export: group vars shown on groups, host vars not merged with group vars */
  export?: boolean;
}

export interface InventoryListJson {
  _meta: { hostvars: Record<string, Vars> };
  [group: string]: { hosts?: string[]; children?: string[]; vars?: Vars } | { hostvars: Record<string, Vars> };
}

/** The JSON of `ansible-inventory --list` (groups and hosts sorted by name, keys sorted). */
export function inventoryList(inv: Inventory, options: ListOptions = {}): InventoryListJson {
  const out: Record<string, unknown> = {};
  const seen = new Set<string>();
  const visit = (name: string) => {
    const g = inv.group(name)!;
    const entry: { hosts?: string[]; children?: string[]; vars?: Vars } = {};
    if (name !== 'all' && g.hosts.length) entry.hosts = [...g.hosts].sort(byName);
    const children = [...g.children].sort(byName);
    if (children.length) entry.children = children;
    if (options.export) {
      const vars = inv.groupOwnVars(name);
      if (Object.keys(vars).length) entry.vars = { ...vars };
    }
    if (Object.keys(entry).length) out[name] = entry;
    for (const c of children) {
      if (!seen.has(c)) {
        seen.add(c);
        visit(c);
      }
    }
  };
  visit('all');
  const hostvars: Record<string, Vars> = {};
  for (const h of inv.hosts()) {
    const vars = options.export ? withoutInternal(inv.hostOwnVars(h)) : inventoryHost(inv, h);
    if (Object.keys(vars).length) hostvars[h] = vars;
  }
  out._meta = { hostvars };
  return sortKeys(out) as InventoryListJson;
}

/** The text of `ansible-inventory --graph [group]`. */
export function inventoryGraph(inv: Inventory, group = 'all'): string {
  if (!inv.hasGroup(group)) throw new InputError(`--graph needs a group name; there is no group "${group}"`);
  const lines: string[] = [];
  const line = (text: string, depth: number) => lines.push(depth ? `${'  |'.repeat(depth)}--${text}` : text);
  const walk = (name: string, depth: number) => {
    const g = inv.group(name)!;
    line(`@${name}:`, depth);
    for (const c of [...g.children].sort(byName)) walk(c, depth + 1);
    if (name !== 'all') for (const h of [...g.hosts].sort(byName)) line(h, depth + 1);
  };
  walk(group, 0);
  return lines.join('\n');
}

/** `ansible-inventory --host NAME`: the host's merged inventory variables, without Ansible's own. */
export function inventoryHost(inv: Inventory, name: string): Vars {
  if (!inv.hasHost(name)) throw new InputError(`no host named "${name}" in the inventory`);
  return sortKeys(withoutInternal(inv.hostVars(name, { magic: false }))) as Vars;
}
