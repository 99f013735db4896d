// Where an inventory variable of a host was set: the host_vars/ or group_vars/ file (with its
// line, as the inventory kept it when loading), or the inventory file. Used only to point an error
// at the line to fix; and, for a task, which layer gave it (taskVarOrigin).
import { readFileSync, existsSync, statSync } from 'node:fs';
import type { SourcePos } from '../errors.js';
import type { Inventory } from '../inventory/index.js';
import type { RoleContext } from '../playbook/model.js';
import { parseYamlText, SourceMap } from '../yaml/source.js';
import { utf8Text } from '../utf8.js';

/** the position of `key` in a YAML file at a path matched by `match` (last match wins), or the file */
function keyIn(file: string, key: string, match: (path: string[]) => boolean): SourcePos | undefined {
  let data: unknown;
  const sm = new SourceMap();
  try {
    data = parseYamlText(utf8Text(readFileSync(file), file), file, sm).data;
  } catch {
    return undefined; // INI inventory or unreadable: the caller names the file
  }
  let found: SourcePos | undefined;
  const walk = (v: unknown, path: string[], depth: number) => {
    if (depth > 30 || v === null || typeof v !== 'object' || Array.isArray(v)) return;
    for (const [k, child] of Object.entries(v)) {
      if (k === key && match(path)) found = sm.pos(v, k);
      walk(child, [...path, k], depth + 1);
    }
  };
  walk(data, [], 0);
  return found;
}

export function inventoryVarOrigin(inv: Inventory, host: string, key: string): SourcePos {
  const hd = inv.host(host);
  if (key in inv.hostOwnVars(host)) {
    const p = inv.varsFilePos('host', host, key);
    if (p) return p;
    if (hd?.inventoryFile) return keyIn(hd.inventoryFile, key, (path) => path.at(-1) === host) ?? { file: hd.inventoryFile };
  }
  const groups = hd ? [...inv.sortedGroupsOf(hd)].reverse().map((g) => g.name) : ['all'];
  for (const g of groups) {
    if (!(key in inv.groupOwnVars(g))) continue;
    const p = inv.varsFilePos('group', g, key);
    if (p) return p;
    for (const s of inv.sources) {
      if (!existsSync(s) || statSync(s).isDirectory()) continue;
      const p = keyIn(s, key, (path) => path.at(-1) === 'vars' && path.at(-2) === g);
      if (p) return p;
    }
    return { file: inv.sources[0] };
  }
  return { file: inv.sources[0] };
}

/** "file:line:col" of a position (the file alone without a line). */
export function formatPos(p: SourcePos): string {
  if (!p.file) return '';
  return p.line ? `${p.file}:${p.line}${p.col ? `:${p.col}` : ''}` : p.file;
}

/** The layers a task's variable can come from, highest precedence first (as taskVars merges them). */
export interface TaskVarLayers {
  extraVars?: Record<string, unknown>;
  role?: RoleContext;
  /** set_fact, register and include_vars: set while the run goes, no line to point at */
  runtime: Record<string, unknown>[];
  /** block and task vars, and where the task is */
  scoped: Record<string, unknown>[];
  taskPos?: SourcePos;
  playVars: Record<string, unknown>;
  playPos?: SourcePos;
  facts: Record<string, unknown>;
  inventory: { inv: Inventory; host: string; vars: Record<string, unknown> };
}

/**
 * Where the value a task sees for `name` was set, for an error to point at: -e, a role parameter,
 * block/task vars, role vars, play vars, the inventory's file and line, a role's defaults
 * (a dependency's too). Undefined for what the run itself set (facts, set_fact, register).
 */
export function taskVarOrigin(l: TaskVarLayers, name: string): string | undefined {
  const has = (o: Record<string, unknown> | undefined) => !!o && Object.prototype.hasOwnProperty.call(o, name);
  const role = l.role;
  if (has(l.extraVars)) return 'extra vars (-e)';
  if (role && has(role.params)) return formatPos(role.paramsPos?.[name] ?? role.usedAt ?? {}) || undefined;
  if (l.runtime.some(has)) return undefined;
  if (l.scoped.some(has)) return l.taskPos ? formatPos(l.taskPos) : undefined;
  if (role && has(role.vars)) return `${role.path}/vars`;
  if (has(l.playVars)) return l.playPos ? formatPos(l.playPos) : undefined;
  if (has(l.facts)) return undefined;
  if (has(l.inventory.vars)) return formatPos(inventoryVarOrigin(l.inventory.inv, l.inventory.host, name)) || undefined;
  if (role && has(role.defaults)) return formatPos(role.defaultsPos?.[name] ?? { file: role.path }) || undefined;
  return undefined;
}
