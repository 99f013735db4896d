// Ansible's YAML inventory format: top-level groups, each `{hosts, children, vars}`, nested freely.
import { InputError } from '../errors.js';
import type { InventoryBuilder } from './builder.js';
import { expandHostPattern, HostRangeError } from './host-range.js';
import { validateInventoryYaml } from './schema.js';
import { posAt, type LoadedYaml } from '../yaml/source.js';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `hosts: web1` and `children: web` are shorthands for a one-key mapping */
function section(v: unknown): Obj {
  if (typeof v === 'string') return { [v]: null };
  return isObj(v) ? v : {};
}

export function parseYamlInventory(source: LoadedYaml, inv: InventoryBuilder): void {
  const data = source.data;
  if (data === null || data === undefined) throw new InputError('the inventory file is empty', { file: source.file, line: 1, col: 1 });
  if (isObj(data) && 'plugin' in data) {
    throw new InputError('this is an inventory plugin configuration (has "plugin:"), which tsplay does not run', posAt(source, ['plugin'], true));
  }
  if (!isObj(data)) {
    throw new InputError('a YAML inventory must be a mapping of group names (usually "all:")', posAt(source, []));
  }
  validateInventoryYaml(source);
  for (const [name, group] of Object.entries(data)) readGroup(name, group, [name]);

  function readGroup(name: string, body: unknown, path: string[]): void {
    inv.addGroup(name, () => posAt(source, path, true));
    if (!isObj(body)) return;
    // sections in the order written, as Ansible reads them (this decides declaration order)
    for (const key of Object.keys(body)) {
      if (key === 'vars' && isObj(body.vars)) {
        for (const [k, v] of Object.entries(body.vars)) inv.setGroupVar(name, k, v, () => posAt(source, [...path, 'vars', k], true));
      } else if (key === 'children') {
        for (const [child, childBody] of Object.entries(section(body.children))) {
          const childPath = [...path, 'children', child];
          readGroup(child, childBody, childPath);
          inv.addChild(name, child, () => posAt(source, childPath, true));
        }
      } else if (key === 'hosts') {
        for (const [hostKey, hostBody] of Object.entries(section(body.hosts))) readHosts(name, hostKey, hostBody, [...path, 'hosts', hostKey]);
      }
    }
  }

  function readHosts(group: string, key: string, body: unknown, path: string[]): void {
    const where = () => posAt(source, path, true);
    let pattern;
    try {
      pattern = expandHostPattern(key);
    } catch (e) {
      if (e instanceof HostRangeError) throw new InputError(e.message, where());
      throw e;
    }
    if (key.includes('[')) inv.countRangeHosts(key, pattern.hostnames.length, where);
    for (const host of pattern.hostnames) {
      inv.addHost(host, group, where);
      if (pattern.port !== undefined) inv.setHostVar(host, 'ansible_port', pattern.port, where);
      if (isObj(body)) {
        for (const [k, v] of Object.entries(body)) inv.setHostVar(host, k, v, () => posAt(source, [...path, k], true));
      }
    }
  }
}
