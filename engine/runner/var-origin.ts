// Where an inventory variable of a host was set: the host_vars/ or group_vars/ file (with its
// line, as the inventory kept it when loading), or the inventory file. Used only to point an error
// at the line to fix.
import { readFileSync, existsSync, statSync } from 'node:fs';
import type { SourcePos } from '../errors.js';
import type { Inventory } from '../inventory/index.js';
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
