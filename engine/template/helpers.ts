// Helpers a config author needs, named after the Ansible/Jinja filters people know.
// Each takes its positional arguments and the hash (key=value) arguments; a thrown Error
// becomes a TemplateError naming the helper and its position.

import { isDeepStrictEqual } from 'node:util';
import path from 'node:path';
import yaml from 'js-yaml';
import { quote } from '../transport/quote.js';
import { ansibleBoolean } from '../ansible-bool.js';
import { isPlainObject, kindOf, truthy } from './value-kind.js';
import { ipv4NthHost, ipv4Subnet } from '../net/ipv4-math.js';

export type Helper = (args: unknown[], hash: Record<string, unknown>) => unknown;

/** Helpers whose arguments may be undefined: the strict check does not apply to them. */
export const LENIENT_HELPERS: ReadonlySet<string> = new Set(['default', 'defined']);

function str(helper: string, v: unknown, what = 'argument'): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new Error(`${helper}: ${what} must be a string, got ${kindOf(v)}`);
}

function list(helper: string, v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  throw new Error(`${helper}: argument must be a list, got ${kindOf(v)}`);
}

function int(helper: string, v: unknown, what: string): number {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n === 'number' && Number.isInteger(n)) return n;
  throw new Error(`${helper}: ${what} must be an integer, got ${kindOf(v)}`);
}

function arity(helper: string, args: unknown[], min: number, max = min): void {
  if (args.length < min || args.length > max) {
    const want = min === max ? `${min}` : `${min} to ${max}`;
    throw new Error(`${helper}: takes ${want} argument(s), got ${args.length}`);
  }
}

function ordered(helper: string, a: unknown, b: unknown): [number | string, number | string] {
  if ((typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string')) return [a, b];
  throw new Error(`${helper}: cannot compare ${kindOf(a)} with ${kindOf(b)}`);
}

/** Own keys only: a template must never reach a prototype through lookup. */
function ownGet(obj: unknown, key: unknown): unknown {
  if (Array.isArray(obj)) {
    const i = typeof key === 'number' ? key : Number(key);
    return Number.isInteger(i) && i >= 0 && i < obj.length ? obj[i] : undefined;
  }
  if (typeof obj === 'object' && obj !== null) {
    const k = String(key);
    return Object.prototype.hasOwnProperty.call(obj, k) ? (obj as Record<string, unknown>)[k] : undefined;
  }
  return undefined;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) Object.defineProperty(out, k, { value: sortKeys(v[k]), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return v;
}

function get(args: unknown[], name: string): unknown {
  arity(name, args, 2, 3);
  const [obj, key, fallback] = args;
  if (typeof obj !== 'object' || obj === null) throw new Error(`${name}: first argument must be a map or list, got ${kindOf(obj)}`);
  const v = ownGet(obj, key);
  if (v !== undefined) return v;
  if (args.length === 3) return fallback;
  throw new Error(`${name}: ${kindOf(obj)} has no key ${JSON.stringify(String(key))}`);
}

export const HELPERS: Record<string, Helper> = {
  // default(value, fallback, [alsoFalsy]): like Jinja, replaces undefined only unless the third argument is true.
  default(args) {
    arity('default', args, 2, 3);
    const [v, fallback, boolean] = args;
    if (v === undefined || (boolean === true && !truthy(v))) return fallback;
    return v;
  },
  defined(args) {
    arity('defined', args, 1);
    return args[0] !== undefined;
  },
  eq: (args) => (arity('eq', args, 2), isDeepStrictEqual(args[0], args[1])),
  ne: (args) => (arity('ne', args, 2), !isDeepStrictEqual(args[0], args[1])),
  lt: (args) => (arity('lt', args, 2), ((a, b) => a < b)(...ordered('lt', args[0], args[1]))),
  le: (args) => (arity('le', args, 2), ((a, b) => a <= b)(...ordered('le', args[0], args[1]))),
  gt: (args) => (arity('gt', args, 2), ((a, b) => a > b)(...ordered('gt', args[0], args[1]))),
  ge: (args) => (arity('ge', args, 2), ((a, b) => a >= b)(...ordered('ge', args[0], args[1]))),
  and: (args) => (arity('and', args, 1, Infinity), args.every(truthy)),
  or: (args) => (arity('or', args, 1, Infinity), args.some(truthy)),
  not: (args) => (arity('not', args, 1), !truthy(args[0])),

  join(args) {
    arity('join', args, 1, 2);
    const sep = args.length > 1 ? str('join', args[1], 'separator') : '';
    return list('join', args[0])
      .map((x) => (typeof x === 'object' && x !== null ? JSON.stringify(x) : String(x)))
      .join(sep);
  },
  // indent(text, n): like Ansible's indent filter, the first line and blank lines stay as they are
  // (first=true / blank=true change that), because the template already places the first line.
  indent(args, hash) {
    arity('indent', args, 1, 2);
    const text = str('indent', args[0]);
    const pad = ' '.repeat(args.length > 1 ? int('indent', args[1], 'width') : 4);
    const first = hash.first === true;
    const blank = hash.blank === true;
    return text
      .split('\n')
      .map((line, i) => ((i > 0 || first) && (blank || line.trim() !== '') ? pad + line : line))
      .join('\n');
  },
  to_yaml(args) {
    arity('to_yaml', args, 1);
    return yaml.dump(args[0], { lineWidth: -1, noRefs: true });
  },
  to_nice_yaml(args, hash) {
    arity('to_nice_yaml', args, 1);
    const indent = hash.indent === undefined ? 2 : int('to_nice_yaml', hash.indent, 'indent');
    return yaml.dump(args[0], { lineWidth: -1, noRefs: true, indent });
  },
  to_json(args) {
    arity('to_json', args, 1);
    return JSON.stringify(args[0] ?? null);
  },
  // Ansible's to_nice_json: indent 4, keys sorted.
  to_nice_json(args, hash) {
    arity('to_nice_json', args, 1);
    const indent = hash.indent === undefined ? 4 : int('to_nice_json', hash.indent, 'indent');
    return JSON.stringify(sortKeys(args[0] ?? null), null, indent);
  },
  from_json(args) {
    arity('from_json', args, 1);
    try {
      return JSON.parse(str('from_json', args[0]));
    } catch (e) {
      // JSON.parse's message quotes the text's first characters, and the text may be a secret
      // that only its whole is redacted as: say where, never what
      if (!(e instanceof SyntaxError)) throw e;
      const at = /position (\d+)/.exec(e.message)?.[1];
      throw new Error(`from_json: the value is not valid JSON${at !== undefined ? ` (at character ${Number(at) + 1})` : ''}`);
    }
  },
  b64encode: (args) => (arity('b64encode', args, 1), Buffer.from(str('b64encode', args[0]), 'utf8').toString('base64')),
  b64decode: (args) => (arity('b64decode', args, 1), Buffer.from(str('b64decode', args[0]), 'base64').toString('utf8')),
  upper: (args) => (arity('upper', args, 1), str('upper', args[0]).toUpperCase()),
  lower: (args) => (arity('lower', args, 1), str('lower', args[0]).toLowerCase()),
  trim: (args) => (arity('trim', args, 1), str('trim', args[0]).trim()),
  first(args) {
    arity('first', args, 1);
    const v = args[0];
    if (typeof v === 'string') return v[0];
    return list('first', v)[0];
  },
  last(args) {
    arity('last', args, 1);
    const v = args[0];
    if (typeof v === 'string') return v[v.length - 1];
    const l = list('last', v);
    return l[l.length - 1];
  },
  length(args) {
    arity('length', args, 1);
    const v = args[0];
    if (typeof v === 'string' || Array.isArray(v)) return v.length;
    if (isPlainObject(v)) return Object.keys(v).length;
    throw new Error(`length: argument must be a string, list or map, got ${kindOf(v)}`);
  },
  // replace(text, old, new): every occurrence, like Python's str.replace.
  replace(args) {
    arity('replace', args, 3);
    return str('replace', args[0]).split(str('replace', args[1], 'old')).join(str('replace', args[2], 'new'));
  },
  // split(text, [sep]): without a separator, on runs of whitespace, like Python's str.split().
  split(args) {
    arity('split', args, 1, 2);
    const text = str('split', args[0]);
    if (args.length === 1) return text.split(/\s+/).filter((s) => s !== '');
    return text.split(str('split', args[1], 'separator'));
  },
  basename: (args) => (arity('basename', args, 1), path.posix.basename(str('basename', args[0]))),
  dirname: (args) => (arity('dirname', args, 1), path.posix.dirname(str('dirname', args[0]))),
  // quote(value): one shell word; a list becomes several quoted words.
  quote(args) {
    arity('quote', args, 1);
    const v = args[0];
    if (Array.isArray(v)) return v.map((x) => quote(str('quote', x, 'list item'))).join(' ');
    return quote(str('quote', v));
  },
  lookup: (args) => get(args, 'lookup'),
  get: (args) => get(args, 'get'),
  // concat(a, b, ...): lists are joined into one list (other values appended as items); all strings -> one string.
  concat(args) {
    arity('concat', args, 1, Infinity);
    if (args.some(Array.isArray)) return args.flatMap((a) => (Array.isArray(a) ? a : [a]));
    return args.map((a) => str('concat', a)).join('');
  },
  // range([start,] end, [step]): Python's range, end excluded.
  range(args) {
    arity('range', args, 1, 3);
    const [start, end] = args.length === 1 ? [0, int('range', args[0], 'end')] : [int('range', args[0], 'start'), int('range', args[1], 'end')];
    const step = args.length === 3 ? int('range', args[2], 'step') : 1;
    if (step === 0) throw new Error('range: step must not be 0');
    if (Math.abs((end - start) / step) > 100_000) throw new Error('range: more than 100000 items');
    const out: number[] = [];
    for (let i = start; step > 0 ? i < end : i > end; i += step) out.push(i);
    return out;
  },
  includes(args) {
    arity('includes', args, 2);
    const [container, item] = args;
    if (typeof container === 'string') return container.includes(str('includes', item, 'item'));
    if (Array.isArray(container)) return container.some((x) => isDeepStrictEqual(x, item));
    if (isPlainObject(container)) return Object.prototype.hasOwnProperty.call(container, String(item));
    throw new Error(`includes: first argument must be a string, list or map, got ${kindOf(container)}`);
  },
  int(args) {
    arity('int', args, 1);
    const v = args[0];
    const n = typeof v === 'string' ? Number(v.trim()) : v;
    if (typeof n === 'number' && Number.isFinite(n) && (typeof v !== 'string' || v.trim() !== '')) return Math.trunc(n);
    throw new Error(`int: cannot convert ${kindOf(v)} ${JSON.stringify(v)} to an integer`);
  },
  // extract(names, container, [key]): Ansible's `names | map('extract', container, key)`, e.g.
  // `extract ansible_play_hosts hostvars "result"`: what each host registered, in play order.
  extract(args) {
    arity('extract', args, 2, 3);
    return list('extract', args[0]).map((name) => {
      const v = get([args[1], name], 'extract');
      return args.length === 3 ? get([v, args[2]], 'extract') : v;
    });
  },
  // bool(value): Ansible's bool filter: yes/no, on/off, true/false, 1/0, y/n, t/f; anything else is false
  bool: (args) => (arity('bool', args, 1), ansibleBoolean(args[0]) ?? false),
  // dict2items(map): Ansible's filter, [{key, value}, ...] in the map's order (for loop:)
  dict2items(args) {
    arity('dict2items', args, 1);
    if (!isPlainObject(args[0])) throw new Error(`dict2items: argument must be a map, got ${kindOf(args[0])}`);
    return Object.entries(args[0]).map(([key, value]) => ({ key, value }));
  },
  // difference(a, b): Ansible's filter, the items of list a that are not in list b, in a's order
  // (`difference groups.etcd cluster_removed_nodes`: the members that stay)
  difference(args) {
    arity('difference', args, 2);
    const drop = list('difference', args[1]);
    return list('difference', args[0]).filter((x) => !drop.some((y) => isDeepStrictEqual(x, y)));
  },
  // index_of(list, item): the position of item in list (Python's list.index), an error when absent:
  // `index_of groups.k8s_cluster inventory_hostname`
  index_of(args) {
    arity('index_of', args, 2);
    const i = list('index_of', args[0]).findIndex((x) => isDeepStrictEqual(x, args[1]));
    if (i < 0) throw new Error(`index_of: ${JSON.stringify(args[1])} is not in the list`);
    return i;
  },
  // ipsubnet(cidr, prefix, index): ansible.utils.ipsubnet: the index-th /prefix inside cidr
  // (`ipsubnet "10.233.64.0/18" 24 1` is 10.233.65.0/24; a negative index counts from the end)
  ipsubnet(args) {
    arity('ipsubnet', args, 3);
    return ipv4Subnet(str('ipsubnet', args[0]), int('ipsubnet', args[1], 'prefix'), int('ipsubnet', args[2], 'index'));
  },
  // nthhost(cidr, n): ansible.utils.nthhost: the n-th address of cidr (`nthhost "10.233.0.0/18" 1` is 10.233.0.1)
  nthhost(args) {
    arity('nthhost', args, 2);
    return ipv4NthHost(str('nthhost', args[0]), int('nthhost', args[1], 'n'));
  },
  keys(args) {
    arity('keys', args, 1);
    if (!isPlainObject(args[0])) throw new Error(`keys: argument must be a map, got ${kindOf(args[0])}`);
    return Object.keys(args[0]);
  },
};
