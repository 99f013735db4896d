// Host names as written in inventories: `web[01:03]`, `db-[a:c]`, `n[1:10:2]`, with an optional `:port`
// (`host:2222`, `[fe80::1]:22`). Follows Ansible's expand_hostname_range.

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

export class HostRangeError extends Error {}

/** An IPv6 literal (`::1`, `fe80::1`, 8 groups), as opposed to a `[begin:end]` range or a `a:b` pattern. */
export function looksLikeIPv6(text: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return false;
  const colons = text.split(':').length - 1;
  return text.includes('::') ? colons >= 2 && colons <= 7 : colons === 7;
}

export interface HostPattern {
  hostnames: string[];
  port?: number;
}

/** Splits off a trailing `:port` (colons inside [] are range separators; bare IPv6 has no port). */
export function splitPort(pattern: string): { name: string; port?: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(pattern);
  if (bracketed && looksLikeIPv6(bracketed[1]!)) {
    // [fe80::1] or [fe80::1]:22 (an IPv6 address, not a range)
    return { name: bracketed[1]!, port: bracketed[2] ? Number(bracketed[2]) : undefined };
  }
  let depth = 0;
  const colons: number[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '[') depth++;
    else if (c === ']') depth--;
    else if (c === ':' && depth === 0) colons.push(i);
  }
  if (looksLikeIPv6(pattern)) return { name: pattern };
  if (colons.length === 1) {
    const at = colons[0]!;
    const port = pattern.slice(at + 1);
    if (/^\d+$/.test(port)) return { name: pattern.slice(0, at), port: Number(port) };
  }
  return { name: pattern };
}

/**
 * Hosts one inventory entry may expand to (its ranges multiplied). Each host costs memory for the
 * whole run, so a typo such as `web[0:99999999]` must be an error, not gigabytes; a real fleet
 * larger than this is written as several entries.
 */
export const MAX_RANGE_HOSTS = 10_000;
/** Hosts that all the ranges of one inventory may add together. */
export const MAX_INVENTORY_RANGE_HOSTS = 100_000;

/** 130000 as 130,000 */
export const withCommas = (n: number) => n.toLocaleString('en-US');

interface Range {
  count: number;
  item(i: number): string;
}

function parseRange(name: string, inner: string): Range {
  const bounds = inner.split(':');
  if (bounds.length !== 2 && bounds.length !== 3) {
    throw new HostRangeError(`host range in "${name}" must be [begin:end] or [begin:end:step]`);
  }
  const beg = bounds[0] || '0';
  const end = bounds[1]!;
  const stepText = bounds[2] ?? '1';
  if (!end) throw new HostRangeError(`host range in "${name}" must specify an end value`);
  if (!/^\d+$/.test(stepText) || Number(stepText) < 1) {
    throw new HostRangeError(`host range step in "${name}" must be a positive integer`);
  }
  if ([beg, end, stepText].some((t) => /^\d+$/.test(t) && !Number.isSafeInteger(Number(t)))) {
    throw new HostRangeError(`host range in "${name}" has a number larger than ${withCommas(Number.MAX_SAFE_INTEGER)}`);
  }
  const step = Number(stepText);
  const ib = beg.length === 1 ? LETTERS.indexOf(beg) : -1;
  const ie = end.length === 1 ? LETTERS.indexOf(end) : -1;
  if (ib >= 0 && ie >= 0) {
    if (ib > ie) throw new HostRangeError(`host range in "${name}" must have begin <= end`);
    return { count: Math.floor((ie - ib) / step) + 1, item: (i) => LETTERS[ib + i * step]! };
  }
  if (!/^\d+$/.test(beg) || !/^\d+$/.test(end)) {
    throw new HostRangeError(`host range in "${name}" must be numeric or single letters`);
  }
  // a leading zero asks for zero-padding to the width of begin, which end must share
  const width = beg.length > 1 && beg[0] === '0' ? beg.length : 0;
  if (width && end.length !== width) {
    throw new HostRangeError(`host range in "${name}" must have begin and end of equal length when zero-padded`);
  }
  const b = Number(beg);
  const e = Number(end);
  if (b > e) throw new HostRangeError(`host range in "${name}" must have begin <= end`);
  return { count: Math.floor((e - b) / step) + 1, item: (i) => (width ? String(b + i * step).padStart(width, '0') : String(b + i * step)) };
}

/** Expands every [begin:end(:step)] range, left to right (the first one varies slowest). */
export function expandHostRange(name: string): string[] {
  const parts: (string | Range)[] = [];
  let total = 1;
  let at = 0;
  for (let open = name.indexOf('['); open >= 0; open = name.indexOf('[', at)) {
    const close = name.indexOf(']', open);
    if (close < 0) throw new HostRangeError(`host range in "${name}" has no closing "]"`);
    parts.push(name.slice(at, open));
    const range = parseRange(name, name.slice(open + 1, close));
    parts.push(range);
    // counted before any name is made: the limit holds however large the numbers
    total *= range.count;
    if (total > MAX_RANGE_HOSTS) {
      throw new HostRangeError(
        `host range "${name}" gives ${withCommas(total)} hosts; at most ${withCommas(MAX_RANGE_HOSTS)} per entry: split it into several entries`,
      );
    }
    at = close + 1;
  }
  parts.push(name.slice(at));
  let out = [''];
  for (const part of parts) {
    if (typeof part === 'string') {
      if (part) out = out.map((prefix) => prefix + part);
      continue;
    }
    const next: string[] = [];
    for (const prefix of out) for (let i = 0; i < part.count; i++) next.push(prefix + part.item(i));
    out = next;
  }
  return out;
}

/** A host key from an inventory: ranges expanded, port separated. */
export function expandHostPattern(pattern: string): HostPattern {
  const trimmed = pattern.trim();
  if (!trimmed) throw new HostRangeError('empty host name');
  const { name, port } = splitPort(trimmed);
  if (port === undefined && trimmed.endsWith(':')) {
    throw new HostRangeError(`host "${trimmed}" ends in ":", which is reserved for a port`);
  }
  if (name === '---') throw new HostRangeError('host "---": this looks like a YAML file, not INI');
  return { hostnames: expandHostRange(name), port };
}
