// Ansible's INI inventory format: [group], [group:children], [group:vars], `host key=value ...`.
// Values are Python literals when they are one (see python-literal.ts). Errors name file:line.
import { InputError, type SourcePos } from '../errors.js';
import type { InventoryBuilder } from './builder.js';
import { expandHostPattern, HostRangeError } from './host-range.js';
import { iniValue } from './python-literal.js';
import { splitShellWords, ShellWordsError } from '../shell-words.js';

const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$/;
const GROUP_NAME = /^([^:\]\s]+)\s*(?:#.*)?$/;

interface Pending {
  state: 'vars' | 'children';
  where: SourcePos;
  parent?: string;
}

export function parseIniInventory(text: string, file: string, inv: InventoryBuilder): void {
  let group = 'ungrouped';
  let state: 'hosts' | 'vars' | 'children' = 'hosts';
  // [x:vars] or a child x named before x itself is declared: must be declared by the end
  const pending = new Map<string, Pending>();
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const where: SourcePos = { file, line: n + 1 };
    const raw = lines[n]!;
    const line = raw.trim();
    if (!line || line[0] === ';' || line[0] === '#') continue;
    where.col = raw.indexOf(line[0]!) + 1;

    if (line[0] === '[') {
      const m = SECTION.exec(line);
      if (!m) {
        throw new InputError(`invalid section "${line}": expected [group], [group:vars] or [group:children], without spaces`, where);
      }
      group = m[1]!;
      const kind = m[2] ?? 'hosts';
      if (kind !== 'hosts' && kind !== 'vars' && kind !== 'children') {
        throw new InputError(`section [${group}:${kind}] has unknown type "${kind}" (expected vars or children)`, where);
      }
      state = kind;
      const known = inv.groups.has(group);
      if (!known && state === 'vars' && !pending.has(group)) pending.set(group, { state: 'vars', where: { ...where } });
      inv.addGroup(group, where);
      if (state !== 'vars') pending.delete(group);
      continue;
    }

    if (state === 'hosts') {
      let words: string[];
      try {
        words = splitShellWords(line, { comments: true });
      } catch (e) {
        if (e instanceof ShellWordsError) throw new InputError(`cannot read host line "${line}": ${e.message}`, where);
        throw e;
      }
      if (words.length === 0) continue; // only a comment after all
      let pattern;
      try {
        pattern = expandHostPattern(words[0]!);
      } catch (e) {
        if (e instanceof HostRangeError) throw new InputError(e.message, where);
        throw e;
      }
      const vars: [string, unknown][] = [];
      for (const word of words.slice(1)) {
        const eq = word.indexOf('=');
        if (eq <= 0) throw new InputError(`expected key=value host variable, got "${word}"`, where);
        vars.push([word.slice(0, eq), iniValue(word.slice(eq + 1))]);
      }
      if (words[0]!.includes('[')) inv.countRangeHosts(words[0]!, pattern.hostnames.length, where);
      for (const host of pattern.hostnames) {
        inv.addHost(host, group, where);
        if (pattern.port !== undefined) inv.setHostVar(host, 'ansible_port', pattern.port, where);
        for (const [k, v] of vars) inv.setHostVar(host, k, v, where);
      }
    } else if (state === 'vars') {
      const eq = line.indexOf('=');
      if (eq < 0) throw new InputError(`expected key=value in [${group}:vars], got "${line}"`, where);
      const key = line.slice(0, eq).trim();
      if (!key) throw new InputError(`missing variable name in "${line}"`, where);
      inv.setGroupVar(group, key, iniValue(line.slice(eq + 1).trim()), where);
    } else {
      const m = GROUP_NAME.exec(line);
      if (!m) throw new InputError(`expected a group name in [${group}:children], got "${line}"`, where);
      const child = m[1]!;
      if (!inv.groups.has(child) && !pending.has(child)) {
        pending.set(child, { state: 'children', where: { ...where }, parent: group });
      }
      inv.addChild(group, child, where);
    }
  }
  for (const [name, p] of pending) {
    if (p.state === 'vars') throw new InputError(`section [${name}:vars] names a group that is never declared`, p.where);
    throw new InputError(`section [${p.parent}:children] names group "${name}", which is never declared`, p.where);
  }
}
