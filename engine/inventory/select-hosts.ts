// selectHosts: the hosts a play's `hosts:` (and --limit) select, as Ansible evaluates them: unions
// first, then intersections, then exclusions; results in the order the patterns produce them.
import { readFileSync, statSync } from 'node:fs';
import { InputError } from '../errors.js';
import type { Inventory } from './inventory.js';
import { parsePattern, splitPatterns, type ParsedPattern } from './pattern-parse.js';
import { utf8Text } from '../utf8.js';

export interface SelectOptions {
  /** called for each pattern that matches nothing (Ansible warns and goes on) */
  onWarning?: (message: string) => void;
}

/** Expands `@file` entries: one pattern per line (blank lines and # comments skipped). */
function expandFiles(patterns: string[]): string[] {
  const out: string[] = [];
  for (const p of patterns) {
    if (p[0] !== '@') {
      out.push(p);
      continue;
    }
    const file = p.slice(1);
    let text: string;
    try {
      if (!statSync(file).isFile()) throw new InputError(`host pattern file "${file}" is not a file`, { file });
      text = utf8Text(readFileSync(file), file);
    } catch (e) {
      if (e instanceof InputError) throw e;
      throw new InputError(`cannot read host pattern file "${file}": ${(e as Error).message}`, { file });
    }
    for (const line of text.split('\n')) {
      const t = line.trim();
      if (t && !t.startsWith('#')) out.push(t);
    }
  }
  return out;
}

function toList(pattern: string | string[], inv: Inventory): string[] {
  const isHost = (n: string) => inv.hasHost(n);
  const pieces = Array.isArray(pattern) ? pattern.flatMap((p) => splitPatterns(String(p), isHost)) : splitPatterns(pattern, isHost);
  return expandFiles(pieces);
}

/** Ansible's order_patterns: unions, then intersections, then exclusions; no union means `all`. */
function ordered(patterns: ParsedPattern[]): ParsedPattern[] {
  const union = patterns.filter((p) => p.op === 'union');
  const rest = [...patterns.filter((p) => p.op === 'intersection'), ...patterns.filter((p) => p.op === 'exclusion')];
  return [...(union.length ? union : [parsePattern('all')]), ...rest];
}

function matchOne(inv: Inventory, p: ParsedPattern, warn: (m: string) => void): string[] {
  const { expr, regex } = p;
  const results: string[] = [];
  let groupMatched = false;
  for (const g of inv.groupNames()) {
    if (regex ? regex.test(g) : g === expr) {
      groupMatched = true;
      // a loop, not push(...): a spread of 100,000 hosts overflows the stack
      for (const h of inv.groupHosts(g)) results.push(h);
    }
  }
  if (!groupMatched || regex || expr.includes('.')) {
    if (regex) {
      for (const h of inv.declaredHosts()) if (regex.test(h)) results.push(h);
    } else if (inv.hasHost(expr)) results.push(expr);
  }
  if (results.length === 0 && inv.isImplicitLocalhost(expr)) results.push(expr);
  if (results.length === 0 && !groupMatched && expr !== 'all') warn(`could not match host pattern, ignoring: ${expr}`);
  if (!p.subscript || results.length === 0) return results;
  const unique = [...new Set(results)];
  const { start, end } = p.subscript;
  if (end === undefined) {
    const i = start < 0 ? unique.length + start : start;
    if (i < 0 || i >= unique.length) {
      throw new InputError(`no hosts matched the subscripted pattern "${p.text}" (${unique.length} hosts)`);
    }
    return [unique[i]!];
  }
  return unique.slice(start, end === -1 ? undefined : end + 1);
}

function evaluate(inv: Inventory, patterns: ParsedPattern[], warn: (m: string) => void): string[] {
  let hosts: string[] = [];
  for (const p of ordered(patterns)) {
    if (p.op === 'union' && inv.hasHost(p.text)) {
      // a plain host name wins over a group of the same name, as in Ansible
      if (!hosts.includes(p.text)) hosts.push(p.text);
      continue;
    }
    const that = matchOne(inv, p, warn);
    if (p.op === 'exclusion') {
      const drop = new Set(that);
      hosts = hosts.filter((h) => !drop.has(h));
    } else if (p.op === 'intersection') {
      const keep = new Set(that);
      hosts = hosts.filter((h) => keep.has(h));
    } else {
      const have = new Set(hosts);
      for (const h of that) {
        if (!have.has(h)) {
          have.add(h);
          hosts.push(h);
        }
      }
    }
  }
  return hosts;
}

/**
 * The hosts selected by `pattern` (a string such as "web:&prod:!web3", or a list of patterns),
 * restricted to `limit` when given. A pattern that matches nothing is not an error (onWarning is
 * called); a malformed one (unbalanced brackets, bad regex, unreadable @file) is an InputError.
 */
export function selectHosts(inv: Inventory, pattern: string | string[], limit?: string, options: SelectOptions = {}): string[] {
  const warn = options.onWarning ?? (() => {});
  let hosts = evaluate(inv, toList(pattern, inv).map(parsePattern), warn);
  if (limit !== undefined && limit !== '') {
    const allowed = new Set(evaluate(inv, toList(limit, inv).map(parsePattern), warn));
    hosts = hosts.filter((h) => allowed.has(h));
  }
  return hosts;
}
