// Jinja expressions as Ansible writes them (`x | default('a')`, `x is defined`, `a and not b`,
// `d['k']`), parsed and written again in tsplay's syntax: a Handlebars expression for templates,
// a CEL expression for conditions. Used for the hints shown when Jinja is found where a template
// or condition is read, and by `tsplay migrate`. What has no equivalent throws Unconvertible,
// whose message says what to write instead: every filter and test has its own.

export type JNode =
  | { t: 'name'; name: string }
  | { t: 'lit'; value: string | number | boolean | null }
  | { t: 'attr'; obj: JNode; name: string }
  | { t: 'index'; obj: JNode; key: JNode }
  | { t: 'filter'; arg: JNode; name: string; args: JNode[]; kwargs: Record<string, JNode> }
  | { t: 'test'; arg: JNode; name: string; args: JNode[]; negated: boolean }
  | { t: 'not'; arg: JNode }
  | { t: 'neg'; arg: JNode }
  | { t: 'bin'; op: string; l: JNode; r: JNode }
  | { t: 'cond'; then: JNode; test: JNode; else?: JNode }
  | { t: 'call'; fn: JNode; args: JNode[]; kwargs: Record<string, JNode> }
  | { t: 'list'; items: JNode[] }
  | { t: 'dict'; pairs: Array<[JNode, JNode]> };

/** Jinja that tsplay's syntax cannot say; the message is what to do instead. */
export class Unconvertible extends Error {}

type Tok = { k: 'name' | 'num' | 'str' | 'op' | 'end'; v: string; n?: number };

const OPS = ['//', '**', '==', '!=', '<=', '>=', '|', '.', '[', ']', '(', ')', '{', '}', ',', ':', '<', '>', '+', '-', '*', '/', '%', '~', '='];

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))!;
      out.push({ k: 'name', v: m[0] });
      i += m[0].length;
      continue;
    }
    // after a dot, digits are an attribute (x.0), never a float
    if (/[0-9]/.test(c)) {
      const afterDot = out.length > 0 && out[out.length - 1].v === '.' && out[out.length - 1].k === 'op';
      const m = (afterDot ? /^[0-9]+/ : /^[0-9]+(\.[0-9]+)?/).exec(src.slice(i))!;
      out.push(afterDot ? { k: 'name', v: m[0] } : { k: 'num', v: m[0], n: Number(m[0]) });
      i += m[0].length;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let s = '';
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\\' && j + 1 < src.length) {
          const e = src[j + 1];
          s += e === 'n' ? '\n' : e === 't' ? '\t' : e;
          j += 2;
        } else s += src[j++];
      }
      if (j >= src.length) throw new SyntaxError('unterminated string');
      out.push({ k: 'str', v: s });
      i = j + 1;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new SyntaxError(`unexpected character ${JSON.stringify(c)}`);
    out.push({ k: 'op', v: op });
    i += op.length;
  }
  out.push({ k: 'end', v: '' });
  return out;
}

class Parser {
  private i = 0;
  constructor(private readonly toks: Tok[]) {}

  private peek(): Tok {
    return this.toks[this.i];
  }
  private isOp(v: string): boolean {
    const t = this.peek();
    return t.k === 'op' && t.v === v;
  }
  private isWord(v: string): boolean {
    const t = this.peek();
    return t.k === 'name' && t.v === v;
  }
  private next(): Tok {
    return this.toks[this.i++];
  }
  private expectOp(v: string): void {
    if (!this.isOp(v)) throw new SyntaxError(`expected ${v}`);
    this.i++;
  }
  private name(): string {
    const t = this.next();
    if (t.k !== 'name') throw new SyntaxError('expected a name');
    return t.v;
  }

  whole(): JNode {
    const e = this.expr();
    if (this.peek().k !== 'end') throw new SyntaxError(`unexpected ${this.peek().v}`);
    return e;
  }

  /** for `{% for a, b in x %}`: the names before `in` */
  targets(): string[] {
    const names = [this.name()];
    while (this.isOp(',')) {
      this.i++;
      names.push(this.name());
    }
    if (!this.isWord('in')) throw new SyntaxError('expected in');
    this.i++;
    return names;
  }

  atEnd(): boolean {
    return this.peek().k === 'end';
  }
  word(v: string): boolean {
    if (!this.isWord(v)) return false;
    this.i++;
    return true;
  }

  expr(): JNode {
    const then = this.or();
    if (this.isWord('if')) {
      this.i++;
      const test = this.or();
      if (this.isWord('else')) {
        this.i++;
        return { t: 'cond', then, test, else: this.expr() };
      }
      return { t: 'cond', then, test };
    }
    return then;
  }
  private or(): JNode {
    let l = this.and();
    while (this.isWord('or')) {
      this.i++;
      l = { t: 'bin', op: 'or', l, r: this.and() };
    }
    return l;
  }
  private and(): JNode {
    let l = this.not();
    while (this.isWord('and')) {
      this.i++;
      l = { t: 'bin', op: 'and', l, r: this.not() };
    }
    return l;
  }
  private not(): JNode {
    if (this.isWord('not')) {
      this.i++;
      return { t: 'not', arg: this.not() };
    }
    return this.compare();
  }
  private compare(): JNode {
    let l = this.add();
    for (;;) {
      const t = this.peek();
      if (t.k === 'op' && ['==', '!=', '<', '<=', '>', '>='].includes(t.v)) {
        this.i++;
        l = { t: 'bin', op: t.v, l, r: this.add() };
      } else if (this.isWord('in')) {
        this.i++;
        l = { t: 'bin', op: 'in', l, r: this.add() };
      } else if (this.isWord('not') && this.toks[this.i + 1].k === 'name' && this.toks[this.i + 1].v === 'in') {
        this.i += 2;
        l = { t: 'bin', op: 'not in', l, r: this.add() };
      } else return l;
    }
  }
  private add(): JNode {
    let l = this.concat();
    while (this.isOp('+') || this.isOp('-')) {
      const op = this.next().v;
      l = { t: 'bin', op, l, r: this.concat() };
    }
    return l;
  }
  private concat(): JNode {
    let l = this.mul();
    while (this.isOp('~')) {
      this.i++;
      l = { t: 'bin', op: '~', l, r: this.mul() };
    }
    return l;
  }
  private mul(): JNode {
    let l = this.unary();
    while (['*', '/', '//', '%'].some((o) => this.isOp(o))) {
      const op = this.next().v;
      l = { t: 'bin', op, l, r: this.unary() };
    }
    return l;
  }
  private unary(): JNode {
    if (this.isOp('-')) {
      this.i++;
      return { t: 'neg', arg: this.unary() };
    }
    return this.filters(this.postfix(this.primary()));
  }
  private filters(node: JNode): JNode {
    for (;;) {
      if (this.isOp('|')) {
        this.i++;
        const name = this.name();
        const { args, kwargs } = this.isOp('(') ? this.callArgs() : { args: [], kwargs: {} };
        node = { t: 'filter', arg: node, name, args, kwargs };
      } else if (this.isWord('is')) {
        this.i++;
        const negated = this.word('not');
        const name = this.name();
        let args: JNode[] = [];
        if (this.isOp('(')) args = this.callArgs().args;
        else if (!this.atEnd() && ['str', 'num'].includes(this.peek().k)) args = [this.primary()];
        node = { t: 'test', arg: node, name, args, negated };
      } else return node;
    }
  }
  private callArgs(): { args: JNode[]; kwargs: Record<string, JNode> } {
    this.expectOp('(');
    const args: JNode[] = [];
    const kwargs: Record<string, JNode> = {};
    while (!this.isOp(')')) {
      if (this.peek().k === 'name' && this.toks[this.i + 1].k === 'op' && this.toks[this.i + 1].v === '=') {
        const k = this.name();
        this.i++;
        kwargs[k] = this.expr();
      } else args.push(this.expr());
      if (!this.isOp(')')) this.expectOp(',');
    }
    this.i++;
    return { args, kwargs };
  }
  private postfix(node: JNode): JNode {
    for (;;) {
      if (this.isOp('.')) {
        this.i++;
        node = { t: 'attr', obj: node, name: this.name() };
      } else if (this.isOp('[')) {
        this.i++;
        const key = this.expr();
        this.expectOp(']');
        node = { t: 'index', obj: node, key };
      } else if (this.isOp('(')) {
        const { args, kwargs } = this.callArgs();
        node = { t: 'call', fn: node, args, kwargs };
      } else return node;
    }
  }
  private primary(): JNode {
    const t = this.next();
    if (t.k === 'num') return { t: 'lit', value: t.n! };
    if (t.k === 'str') {
      let s = t.v;
      while (this.peek().k === 'str') s += this.next().v; // 'a' 'b' is 'ab' in Jinja
      return { t: 'lit', value: s };
    }
    if (t.k === 'name') {
      if (t.v === 'true' || t.v === 'True') return { t: 'lit', value: true };
      if (t.v === 'false' || t.v === 'False') return { t: 'lit', value: false };
      if (t.v === 'none' || t.v === 'None') return { t: 'lit', value: null };
      return { t: 'name', name: t.v };
    }
    if (t.k === 'op' && t.v === '(') {
      const e = this.expr();
      this.expectOp(')');
      return e;
    }
    if (t.k === 'op' && t.v === '[') {
      const items: JNode[] = [];
      while (!this.isOp(']')) {
        items.push(this.expr());
        if (!this.isOp(']')) this.expectOp(',');
      }
      this.i++;
      return { t: 'list', items };
    }
    if (t.k === 'op' && t.v === '{') {
      const pairs: Array<[JNode, JNode]> = [];
      while (!this.isOp('}')) {
        const k = this.expr();
        this.expectOp(':');
        pairs.push([k, this.expr()]);
        if (!this.isOp('}')) this.expectOp(',');
      }
      this.i++;
      return { t: 'dict', pairs };
    }
    throw new SyntaxError(`unexpected ${t.v || 'end'}`);
  }
}

/** The expression, or undefined when the text is not a Jinja expression. */
export function parseJinja(src: string): JNode | undefined {
  try {
    return new Parser(tokenize(src)).whole();
  } catch {
    return undefined;
  }
}

/** `{% for a, b in x %}`: the loop names and the expression; undefined when not that form. */
export function parseFor(src: string): { names: string[]; iter: JNode; filter?: JNode } | undefined {
  try {
    const p = new Parser(tokenize(src));
    const names = p.targets();
    const iter = p.expr();
    if (iter.t === 'cond' && iter.else === undefined) return { names, iter: iter.then, filter: iter.test };
    if (!p.atEnd()) return undefined;
    return { names, iter };
  } catch {
    return undefined;
  }
}

/** A name or dotted path only (valid as it is in Handlebars and Jinja alike). */
export function isPlain(n: JNode): boolean {
  if (n.t === 'name' || n.t === 'lit') return true;
  if (n.t === 'attr') return isPlain(n.obj) && n.obj.t !== 'lit' && IDENT.test(n.name);
  return false;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

// ---------------------------------------------------------------- Handlebars

/** How names are written: inside a converted loop the loop's names are block parameters and the
 * rest are read from the root (a block changes Handlebars' context). */
export interface HbsScope {
  locals: ReadonlySet<string>;
  inLoop: boolean;
  /** paths an earlier operand of and/or tested with `is defined`: read leniently after it */
  guarded?: ReadonlySet<string>;
}

export const TOP: HbsScope = { locals: new Set(), inLoop: false };

/** A Handlebars value: a path or literal (`atom`), or a helper call written without its parentheses. */
interface HExpr {
  code: string;
  call: boolean;
}

const atom = (code: string): HExpr => ({ code, call: false });
const call = (name: string, ...args: HExpr[]): HExpr => ({ code: [name, ...args.map(arg)].join(' '), call: true });
const arg = (e: HExpr): string => (e.call ? `(${e.code})` : e.code);

function hbsLiteral(v: string | number | boolean | null): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

function jinjaText(n: JNode): string {
  switch (n.t) {
    case 'name':
      return n.name;
    case 'lit':
      return typeof n.value === 'string' ? `'${n.value}'` : String(n.value);
    case 'attr':
      return `${jinjaText(n.obj)}.${n.name}`;
    case 'index':
      return `${jinjaText(n.obj)}[${jinjaText(n.key)}]`;
    default:
      return '…';
  }
}

const LOOP_VARS: Record<string, string> = { index0: '@index', first: '@first', last: '@last' };

function hbsPath(n: JNode, scope: HbsScope): HExpr | undefined {
  if (n.t === 'name') {
    if (n.name === 'loop' && scope.inLoop) throw new Unconvertible('`loop` alone has no equivalent: use @index, @first, @last');
    return atom(scope.inLoop && !scope.locals.has(n.name) ? `@root.${n.name}` : n.name);
  }
  if (n.t === 'attr') {
    if (n.obj.t === 'name' && n.obj.name === 'loop' && scope.inLoop && !scope.locals.has('loop')) {
      const v = LOOP_VARS[n.name];
      if (v) return atom(v);
      throw new Unconvertible(
        n.name === 'index' ? '`loop.index` (from 1) has no equivalent: `@index` counts from 0' : `\`loop.${n.name}\` has no equivalent (there are @index, @first, @last)`,
      );
    }
    const base = hbsPath(n.obj, scope);
    if (!base || base.call) return undefined;
    return atom(`${base.code}.${IDENT.test(n.name) ? n.name : `[${n.name}]`}`);
  }
  if (n.t === 'index' && n.key.t === 'lit' && (typeof n.key.value === 'string' || typeof n.key.value === 'number')) {
    const base = hbsPath(n.obj, scope);
    if (!base || base.call) return undefined;
    const k = String(n.key.value);
    if (/[\]\s]/.test(k)) return undefined;
    return atom(`${base.code}.${IDENT.test(k) ? k : `[${k}]`}`);
  }
  return undefined;
}

/** A Jinja expression as a Handlebars one (`code` is a helper call without parentheses, or a path). */
export function toHbs(n: JNode, scope: HbsScope = TOP): HExpr {
  const path = hbsPath(n, scope);
  // Jinja's `x is defined and x` stops before reading x; Handlebars' and reads every argument
  if (path && scope.guarded?.has(path.code)) return call('default', path, atom('null'));
  if (path) return path;
  switch (n.t) {
    case 'lit':
      return atom(hbsLiteral(n.value));
    case 'index':
      return call('lookup', toHbs(n.obj, scope), toHbs(n.key, scope));
    case 'not':
      return call('not', toHbs(n.arg, scope));
    case 'neg':
      if (n.arg.t === 'lit' && typeof n.arg.value === 'number') return atom(String(-n.arg.value));
      throw new Unconvertible('templates have no arithmetic: compute the number in vars or a command');
    case 'bin':
      return hbsBinary(n, scope);
    case 'filter':
      return hbsFilter(n, scope);
    case 'test':
      return hbsTest(n, scope);
    case 'call':
      return hbsCall(n, scope);
    case 'cond':
      throw new Unconvertible(`an inline if has no value form in a template: write {{#if …}}…{{else}}…{{/if}}, or in a condition c ? a : b`);
    case 'list':
    case 'dict':
      throw new Unconvertible('templates have no list or map literals: put the value in vars (YAML) and name it');
    default:
      throw new Unconvertible('no equivalent');
  }
}

const CMP: Record<string, string> = { '==': 'eq', '!=': 'ne', '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge', and: 'and', or: 'or' };

function hbsBinary(n: Extract<JNode, { t: 'bin' }>, scope: HbsScope): HExpr {
  const l = () => toHbs(n.l, scope);
  const r = () => toHbs(n.r, scope);
  if (n.op === 'and' || n.op === 'or') {
    const guarded = new Set([...(scope.guarded ?? []), ...definedPaths(n.l, n.op === 'or', scope)]);
    return call(n.op, l(), toHbs(n.r, { ...scope, guarded }));
  }
  if (CMP[n.op]) return call(CMP[n.op], l(), r());
  if (n.op === 'in') return call('includes', r(), l());
  if (n.op === 'not in') return call('not', call('includes', r(), l()));
  if (n.op === '~') return call('concat', ...flattenConcat(n).map((x) => toHbs(x, scope)));
  if (n.op === '+') {
    throw new Unconvertible('templates have no + : join strings by writing them next to each other ({{a}}{{b}}), lists with {{concat a b}}; numbers in vars or a command');
  }
  throw new Unconvertible(`templates have no arithmetic (${n.op}): compute the number in vars or a command, or in a condition (CEL has + - * / %)`);
}

/** The paths `x is defined` tests in an and (`x is not defined` in an or), as Handlebars writes them. */
function definedPaths(n: JNode, negated: boolean, scope: HbsScope): string[] {
  if (n.t === 'bin' && (n.op === 'and') === !negated && (n.op === 'and' || n.op === 'or')) return [...definedPaths(n.l, negated, scope), ...definedPaths(n.r, negated, scope)];
  if (n.t === 'test' && ((n.name === 'defined' && n.negated === negated) || (n.name === 'undefined' && n.negated !== negated))) {
    const p = hbsPath(n.arg, scope);
    return p ? [p.code] : [];
  }
  return [];
}

function flattenConcat(n: JNode): JNode[] {
  return n.t === 'bin' && n.op === '~' ? [...flattenConcat(n.l), ...flattenConcat(n.r)] : [n];
}

/** Filters that are a helper of the same name with the same arguments. */
const SAME_NAME = new Set(['lower', 'upper', 'trim', 'int', 'bool', 'to_yaml', 'to_json', 'from_json', 'b64encode', 'b64decode', 'first', 'last', 'basename', 'dirname', 'quote', 'replace', 'split', 'length', 'dict2items']);

/** What to write instead of a filter tsplay has no helper for; one line each. */
export const FILTER_HINTS: Record<string, string> = {
  float: 'no float helper: numbers keep their type from YAML; compare them in a condition (CEL double(x))',
  string: 'values render as text by themselves: {{x}}; in a condition string(x)',
  list: 'a list renders as itself; for the keys of a map use {{keys m}}',
  regex_replace: 'no regular-expression helper: use {{replace s "old" "new"}} for fixed text, or compute the value with a command (register) and use its stdout',
  regex_search: 'in a condition: s.matches("re"); templates have no regular expressions',
  regex_findall: 'no regular-expression helper: compute the value with a command (register)',
  regex_escape: 'no regular-expression helper: write the escaped text literally',
  combine: 'no combine helper: write the merged map in vars (YAML anchors and merge keys `<<:` work), or set_fact a map per key',
  unique: 'no unique helper: in a condition a list macro, e.g. xs.filter(…); or build the list in vars without duplicates',
  sort: 'no sort helper: write the list sorted in vars',
  reverse: 'no reverse helper: write the list in the order you need in vars',
  flatten: 'no flatten helper: {{concat a b}} joins lists into one',
  union: 'no union helper: {{concat a b}} joins lists (duplicates stay)',
  difference: 'no difference helper: in a condition, a.filter(x, !(x in b))',
  intersect: 'no intersect helper: in a condition, a.filter(x, x in b)',
  zip: 'no zip helper: loop over one list and {{lookup other @index}} for the other',
  map: "map(attribute='a'): loop with {{#each list}}{{this.a}}{{/each}}; in a condition list.map(x, x.a); map('extract', c, k) is {{extract names c \"k\"}}",
  select: 'in a condition list.filter(x, cond); in a template {{#each list}}{{#if this}}…{{/if}}{{/each}}',
  reject: 'in a condition list.filter(x, !cond); in a template {{#each list}}{{#unless this}}…{{/unless}}{{/each}}',
  selectattr: 'in a condition list.filter(x, x.attr == v); in a template {{#each list}}{{#if this.attr}}…{{/if}}{{/each}}',
  rejectattr: 'in a condition list.filter(x, x.attr != v); in a template {{#each list}}{{#unless this.attr}}…{{/unless}}{{/each}}',
  password_hash: 'no password hashing in templates: put a precomputed hash (mkpasswd -m sha-512) in vars, in a vault',
  hash: 'no hash helper: compute it with a command (sha1sum) and register it',
  checksum: 'no checksum helper: compute it with a command (sha1sum) and register it',
  to_uuid: 'no to_uuid helper: compute it with a command (uuidgen --sha1) and register it',
  ipaddr: 'no IP address helpers: write the address in vars, or compute it with a command',
  ipv4: 'no IP address helpers: write the address in vars, or compute it with a command',
  ipv6: 'no IP address helpers: write the address in vars, or compute it with a command',
  from_yaml: 'no from_yaml helper: read YAML with include_vars, or JSON with {{from_json s}}',
  items: 'dict.items() and | items: loop over {{dict2items d}} (item.key, item.value), or {{#each d as |value key|}}',
  dictsort: '{{#each d as |value key|}} walks a map in its own key order; sorted order needs the keys sorted in vars',
  ternary: '{{#if c}}a{{else}}b{{/if}} in a template, c ? a : b in a condition',
  mandatory: 'every variable is mandatory in tsplay (an undefined one is an error): just {{x}}',
  min: 'no min helper: compute it in vars or a command',
  max: 'no max helper: compute it in vars or a command',
  sum: 'no sum helper in templates; in a condition list.sum() is not there either: compute it in vars or a command',
  abs: 'no arithmetic in templates: compute it in vars or a command',
  round: 'no arithmetic in templates: compute it in vars or a command',
  random: 'no random helper: templates render the same on every run so that a second run changes nothing',
  shuffle: 'no shuffle helper: templates render the same on every run so that a second run changes nothing',
  capitalize: 'no capitalize helper: write the text as it should appear, or {{upper s}}/{{lower s}}',
  title: 'no title helper: write the text as it should appear, or {{upper s}}/{{lower s}}',
  center: 'no center helper: write the padding in the template',
  format: 'no format helper: write the text around the values: "{{a}}:{{b}}"',
  urlencode: 'no urlencode helper: write the value already encoded in vars',
  escape: 'tsplay never escapes: {{x}} writes x as it is',
  e: 'tsplay never escapes: {{x}} writes x as it is',
  safe: 'tsplay never escapes: {{x}} writes x as it is',
  tojson: '{{to_json x}}',
  comment: 'no comment helper: write the comment characters in the template',
  type_debug: 'in a condition type(x) == string (or int, list, map, bool)',
  version_compare: 'no version comparison: compare in a command (dpkg --compare-versions) and register it',
  version: 'no version comparison: compare in a command (dpkg --compare-versions) and register it',
  splitext: 'no splitext helper: {{basename p}} and {{dirname p}} exist',
  expanduser: 'no expanduser helper: write the home directory in vars',
  realpath: 'no realpath helper: write the path in vars, or resolve it with a command',
  subelements: 'no subelements helper: loop over the outer list and an include_tasks that loops over the inner one',
  json_query: 'no json_query: in a condition, list macros (filter, map, exists) select what you need',
  wordcount: 'no wordcount helper: {{length (split s)}}',
  count: '{{length x}}',
  d: '{{default x "fallback"}}',
  join: '{{join list ", "}}',
  indent: '{{indent s 4}}',
  extract: '{{extract names container "key"}}',
};

function kwargsHbs(kwargs: Record<string, JNode>, allowed: string[], scope: HbsScope, filter: string): string {
  return Object.entries(kwargs)
    .map(([k, v]) => {
      if (!allowed.includes(k)) throw new Unconvertible(`${filter}(${k}=…) has no equivalent`);
      return `${k}=${arg(toHbs(v, scope))}`;
    })
    .join(' ');
}

function hbsFilter(n: Extract<JNode, { t: 'filter' }>, scope: HbsScope): HExpr {
  // the value first: of a chain, the first filter without an equivalent is the one named
  const value = toHbs(n.arg, scope);
  const x = () => value;
  const args = () => n.args.map((a) => toHbs(a, scope));
  const noKw = () => {
    const k = Object.keys(n.kwargs)[0];
    if (k !== undefined) throw new Unconvertible(`${n.name}(${k}=…) has no equivalent`);
  };
  switch (n.name) {
    case 'default':
    case 'd': {
      noKw();
      const a = args();
      if (a.length === 0) a.push(atom('""'));
      if (a.length > 1 && a[1].code === 'false') a.pop();
      return call('default', x(), ...a);
    }
    case 'join':
      noKw();
      return call('join', x(), ...args());
    case 'count':
      return call('length', x());
    case 'mandatory':
    case 'safe':
    case 'string':
      if (n.name === 'string' && !isPlain(n.arg)) break;
      return x();
    case 'list':
      if (n.arg.t === 'call' && n.arg.fn.t === 'attr' && n.arg.fn.name === 'keys') return x();
      break;
    case 'tojson':
      return call('to_json', x());
    case 'to_nice_yaml':
    case 'to_nice_json': {
      // Ansible indents to_nice_yaml by 4 and to_nice_json by 4 unless told
      const kw = kwargsHbs(n.kwargs, ['indent'], scope, n.name);
      const indent = kw || (n.name === 'to_nice_yaml' ? 'indent=4' : '');
      return { code: [n.name, arg(x()), indent].filter(Boolean).join(' '), call: true };
    }
    case 'indent': {
      const a = n.args.map((v) => toHbs(v, scope));
      const kw = kwargsHbs(n.kwargs, ['first', 'blank', 'width'], scope, 'indent').replace(/^width=(\S+)/, '$1');
      if (a.length > 1) throw new Unconvertible('indent(n, first): write indent s n first=true');
      return { code: ['indent', arg(x()), ...a.map(arg), kw].filter(Boolean).join(' '), call: true };
    }
    case 'map':
      if (n.args[0]?.t === 'lit' && n.args[0].value === 'extract' && n.args.length >= 2) {
        return call('extract', x(), ...n.args.slice(1).map((a) => toHbs(a, scope)));
      }
      break;
    default:
      if (SAME_NAME.has(n.name)) {
        noKw();
        return call(n.name, x(), ...args());
      }
  }
  const hint = FILTER_HINTS[n.name];
  throw new Unconvertible(hint ? `| ${n.name}: ${hint}` : `| ${n.name} is not a filter tsplay knows; its helpers are listed by \`tsplay doc\``);
}

function hbsTest(n: Extract<JNode, { t: 'test' }>, scope: HbsScope): HExpr {
  const x = () => toHbs(n.arg, scope);
  const neg = (e: HExpr) => (n.negated ? call('not', e) : e);
  switch (n.name) {
    case 'defined':
      return neg(call('defined', x()));
    case 'undefined':
      return n.negated ? call('defined', x()) : call('not', call('defined', x()));
    case 'none':
      return neg(call('eq', x(), atom('null')));
    case 'sameas':
    case 'eq':
    case 'equalto':
      return neg(call('eq', x(), toHbs(n.args[0] ?? { t: 'lit', value: null }, scope)));
    case 'true':
    case 'false':
      return neg(call('eq', x(), atom(n.name)));
    case 'in':
      return neg(call('includes', toHbs(n.args[0] ?? { t: 'lit', value: null }, scope), x()));
    case 'changed':
    case 'change':
      return neg(call('default', atom(`${x().code}.changed`), atom('false')));
    case 'failed':
    case 'failure':
      return neg(call('default', atom(`${x().code}.failed`), atom('false')));
    case 'succeeded':
    case 'success':
      return neg(call('not', call('default', atom(`${x().code}.failed`), atom('false'))));
    case 'skipped':
    case 'skip':
      return neg(call('default', atom(`${x().code}.skipped`), atom('false')));
  }
  throw new Unconvertible(`is ${n.name}: ${TEST_HINTS[n.name] ?? 'no such test in templates; conditions (CEL) can say more'}`);
}

const TEST_HINTS: Record<string, string> = {
  string: 'in a condition: type(x) == string',
  number: 'in a condition: type(x) == int || type(x) == double',
  integer: 'in a condition: type(x) == int',
  float: 'in a condition: type(x) == double',
  boolean: 'in a condition: type(x) == bool',
  mapping: 'in a condition: type(x) == map',
  sequence: 'in a condition: type(x) == list',
  iterable: 'in a condition: type(x) == list || type(x) == map',
  search: 'in a condition: s.matches("re")',
  match: 'in a condition: s.matches("^re")',
  regex: 'in a condition: s.matches("re")',
  divisibleby: 'in a condition: x % n == 0',
  even: 'in a condition: x % 2 == 0',
  odd: 'in a condition: x % 2 == 1',
  version: 'no version comparison: compare in a command (dpkg --compare-versions) and register it',
  version_compare: 'no version comparison: compare in a command (dpkg --compare-versions) and register it',
  file: 'a stat task (register) and then r.stat.isreg',
  directory: 'a stat task (register) and then r.stat.isdir',
  exists: 'a stat task (register) and then r.stat.exists',
  link: 'a stat task (register) and then r.stat.islnk',
  abs: 'in a condition: p.startsWith("/")',
  subset: 'in a condition: a.all(x, x in b)',
  superset: 'in a condition: b.all(x, x in a)',
  contains: 'in a condition: x in list',
  any: 'in a condition: list.exists(x, x)',
  all: 'in a condition: list.all(x, x)',
  truthy: 'in a template {{#if x}}; in a condition write the comparison you mean',
  falsy: 'in a template {{#unless x}}; in a condition write the comparison you mean',
};

const METHOD_HELPERS: Record<string, string> = { lower: 'lower', upper: 'upper', strip: 'trim', split: 'split', keys: 'keys', get: 'get', replace: 'replace', items: 'dict2items' };

function hbsCall(n: Extract<JNode, { t: 'call' }>, scope: HbsScope): HExpr {
  if (Object.keys(n.kwargs).length > 0) throw new Unconvertible('keyword arguments have no equivalent');
  const args = n.args.map((a) => toHbs(a, scope));
  if (n.fn.t === 'name') {
    if (n.fn.name === 'range') return call('range', ...args);
    if (n.fn.name === 'lookup' || n.fn.name === 'query' || n.fn.name === 'q') {
      const kind = n.args[0]?.t === 'lit' ? String(n.args[0].value) : '…';
      throw new Unconvertible(`${n.fn.name}('${kind}', …): tsplay has no lookup plugins: ${LOOKUP_HINTS[kind] ?? 'put the value in vars, or read it with a task and register it'}`);
    }
    throw new Unconvertible(`${n.fn.name}(…) is a Jinja function; tsplay's helpers are listed by \`tsplay doc\``);
  }
  if (n.fn.t === 'attr') {
    const method = n.fn.name;
    // ','.join(list)
    if (method === 'join' && n.fn.obj.t === 'lit') return call('join', ...args, toHbs(n.fn.obj, scope));
    const helper = METHOD_HELPERS[method];
    if (helper) return call(helper, toHbs(n.fn.obj, scope), ...args);
    throw new Unconvertible(`.${method}(…): Python methods do not exist in templates; ${METHOD_HINTS[method] ?? 'see `tsplay doc` for the helpers'}`);
  }
  throw new Unconvertible('calls have no equivalent');
}

const METHOD_HINTS: Record<string, string> = {
  startswith: 'in a condition s.startsWith("x")',
  endswith: 'in a condition s.endsWith("x")',
  find: 'in a condition s.indexOf("x")',
  values: '{{#each m}}{{this}}{{/each}} walks the values',
  format: 'write the text around the values: "{{a}}:{{b}}"',
};

const LOOKUP_HINTS: Record<string, string> = {
  env: 'pass the value with -e name=value (from the shell: -e "home=$HOME"), or read it on the host with a command',
  file: 'read it with include_vars (YAML), or slurp it from the host and b64decode the content',
  template: 'render it with a template task into a file',
  password: 'put the password in vars in a vault (tsplay vault)',
  pipe: 'run the command in a task (delegate_to: localhost) and register its stdout',
  vars: '{{lookup vars_map name}} on a map you define, or has(vars.name) in a condition',
  fileglob: 'list the files in vars, or find them with a task and register the result',
};

// ---------------------------------------------------------------- CEL

function celLiteral(v: string | number | boolean | null): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

/** The chain of has() that makes `a.b.c is defined` true only when every step is there. */
function celDefined(n: JNode): string {
  if (n.t === 'name') return `has(vars.${n.name})`;
  if (n.t === 'attr') return `${celDefined(n.obj)} && has(${celWrap(toCel(n.obj))}.${n.name})`;
  if (n.t === 'index' && n.key.t === 'lit' && typeof n.key.value === 'string' && IDENT.test(n.key.value)) {
    return `${celDefined(n.obj)} && has(${celWrap(toCel(n.obj))}.${n.key.value})`;
  }
  throw new Unconvertible(`${jinjaText(n)} is defined: CEL's has() takes a field (has(m.key)); for a computed key write key in m`);
}

/** The loosest operator at the top level of CEL code: 1 ?:, 2 ||, 3 &&, 4 relations, 5 + -, 6 * / %, 7 none. */
function topPrec(code: string): number {
  let depth = 0;
  let quote: string | undefined;
  let low = 7;
  for (let i = 0; i < code.length; i++) {
    const c = code[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (depth === 0) {
      const two = code.slice(i, i + 2);
      let p = 7;
      if (c === '?' && code[i - 1] === ' ') p = 1;
      else if (two === '||') p = 2;
      else if (two === '&&') p = 3;
      else if (['==', '!=', '<=', '>='].includes(two) || ((c === '<' || c === '>') && code[i + 1] !== '=') || (code.startsWith(' in ', i))) p = 4;
      else if ((c === '+' || c === '-') && i > 0 && code[i - 1] === ' ') p = 5;
      else if ((c === '*' || c === '/' || c === '%') && code[i - 1] === ' ') p = 6;
      low = Math.min(low, p);
      if (two === '||' || two === '&&' || ['==', '!=', '<=', '>='].includes(two)) i++;
    }
  }
  return low;
}

/** CEL code as the operand of an operator of precedence `prec` (parenthesised when it binds looser). */
function celOperand(code: string, prec: number, right = false): string {
  const p = topPrec(code);
  return p < prec || (right && p === prec && prec >= 4) ? `(${code})` : code;
}

/** CEL code as the receiver of `.field` or `.method()`. */
function celWrap(code: string): string {
  return topPrec(code) < 7 || /^[!-]/.test(code) ? `(${code})` : code;
}

/** A Jinja expression (as in `when:`) as CEL. */
export function toCel(n: JNode): string {
  switch (n.t) {
    case 'name':
      return n.name;
    case 'lit':
      return celLiteral(n.value);
    case 'attr':
      return `${celWrap(toCel(n.obj))}.${IDENT.test(n.name) ? n.name : `[${n.name}]`}`;
    case 'index':
      if (n.key.t === 'lit' && typeof n.key.value === 'string' && IDENT.test(n.key.value)) return `${celWrap(toCel(n.obj))}.${n.key.value}`;
      return `${celWrap(toCel(n.obj))}[${toCel(n.key)}]`;
    case 'not':
      return `!${celOperand(toCel(n.arg), 7)}`;
    case 'neg':
      return `-${celOperand(toCel(n.arg), 7)}`;
    case 'bin': {
      const op = { and: '&&', or: '||', '~': '+', '//': '/' }[n.op] ?? n.op;
      const prec = { '&&': 3, '||': 2, '+': 5, '-': 5, '*': 6, '/': 6, '%': 6 }[op] ?? 4;
      if (n.op === 'not in') return `!(${celOperand(toCel(n.l), 5)} in ${celOperand(toCel(n.r), 5)})`;
      if (n.op === '~') return `string(${toCel(n.l)}) + string(${toCel(n.r)})`;
      return `${celOperand(toCel(n.l), prec)} ${op} ${celOperand(toCel(n.r), prec, true)}`;
    }
    case 'cond':
      if (!n.else) throw new Unconvertible('an inline if without else has no value when false');
      return `${celOperand(toCel(n.test), 2)} ? ${celOperand(toCel(n.then), 2)} : ${celOperand(toCel(n.else), 1)}`;
    case 'list':
      return `[${n.items.map(toCel).join(', ')}]`;
    case 'dict':
      return `{${n.pairs.map(([k, v]) => `${toCel(k)}: ${toCel(v)}`).join(', ')}}`;
    case 'filter':
      return celFilter(n);
    case 'test':
      return celTest(n);
    case 'call':
      return celCall(n);
  }
}

function celFilter(n: Extract<JNode, { t: 'filter' }>): string {
  const value = toCel(n.arg);
  const x = () => celWrap(value);
  const a = n.args.map(toCel);
  switch (n.name) {
    case 'bool':
      return `bool(${toCel(n.arg)})`;
    case 'int':
      return `int(${toCel(n.arg)})`;
    case 'float':
      return `double(${toCel(n.arg)})`;
    case 'string':
      return `string(${toCel(n.arg)})`;
    case 'length':
    case 'count':
      return `size(${toCel(n.arg)})`;
    case 'lower':
      return `${x()}.lowerAscii()`;
    case 'upper':
      return `${x()}.upperAscii()`;
    case 'trim':
      return `${x()}.trim()`;
    case 'join':
      return `${x()}.join(${a[0] ?? ''})`;
    case 'list':
    case 'mandatory':
      return toCel(n.arg);
    case 'default':
    case 'd': {
      if (n.args[1] && !(n.args[1].t === 'lit' && n.args[1].value === false)) {
        throw new Unconvertible('default(x, true) in a condition: write (has(m.x) && m.x != "") ? m.x : d');
      }
      const d = a[0] ?? '""';
      if (n.arg.t === 'name') return `vars.?${n.arg.name}.orValue(${d})`;
      if (n.arg.t === 'attr') return `${celWrap(toCel(n.arg.obj))}.?${n.arg.name}.orValue(${d})`;
      throw new Unconvertible('default on a computed value: CEL has m.?key.orValue(d) for a field');
    }
    case 'map':
      if (n.kwargs.attribute?.t === 'lit') return `${x()}.map(i, i.${String(n.kwargs.attribute.value)})`;
      break;
    case 'select':
      if (n.args.length === 0) return `${x()}.filter(i, i)`;
      break;
    case 'selectattr':
    case 'rejectattr': {
      const attr = n.args[0]?.t === 'lit' ? String(n.args[0].value) : undefined;
      if (attr && n.args.length === 1) return `${x()}.filter(i, ${n.name === 'rejectattr' ? '!' : ''}i.${attr})`;
      if (attr && n.args.length === 3 && n.args[1].t === 'lit') {
        const op = { equalto: '==', eq: '==', '==': '==', ne: '!=', '!=': '!=' }[String(n.args[1].value)];
        if (op) return `${x()}.filter(i, ${n.name === 'rejectattr' ? '!' : ''}(i.${attr} ${op} ${a[2]}))`;
      }
      break;
    }
  }
  const hint = FILTER_HINTS[n.name];
  throw new Unconvertible(`| ${n.name} in a condition: ${hint ?? 'no equivalent; the CEL functions are listed by `tsplay doc`'}`);
}

function celTest(n: Extract<JNode, { t: 'test' }>): string {
  const x = () => celWrap(toCel(n.arg));
  const a = n.args.map(toCel);
  const neg = (s: string) => (n.negated ? `!${celOperand(s, 7)}` : s);
  const field = (f: string) => `${x()}.?${f}.orValue(false)`;
  switch (n.name) {
    case 'defined':
      return neg(celDefined(n.arg));
    case 'undefined':
      return n.negated ? celDefined(n.arg) : `!${celOperand(celDefined(n.arg), 7)}`;
    case 'none':
      return `${x()} ${n.negated ? '!=' : '=='} null`;
    case 'sameas':
    case 'eq':
    case 'equalto':
      return `${x()} ${n.negated ? '!=' : '=='} ${a[0]}`;
    case 'true':
    case 'false':
      return `${x()} ${n.negated ? '!=' : '=='} ${n.name}`;
    case 'string':
      return neg(`type(${toCel(n.arg)}) == string`);
    case 'number':
      return neg(`type(${toCel(n.arg)}) == int || type(${toCel(n.arg)}) == double`);
    case 'integer':
      return neg(`type(${toCel(n.arg)}) == int`);
    case 'float':
      return neg(`type(${toCel(n.arg)}) == double`);
    case 'boolean':
      return neg(`type(${toCel(n.arg)}) == bool`);
    case 'mapping':
      return neg(`type(${toCel(n.arg)}) == map`);
    case 'sequence':
      return neg(`type(${toCel(n.arg)}) == list`);
    case 'in':
      return neg(`${x()} in ${celWrap(a[0])}`);
    case 'search':
    case 'regex':
      return neg(`${x()}.matches(${a[0]})`);
    case 'match':
      if (n.args[0]?.t === 'lit' && typeof n.args[0].value === 'string') return neg(`${x()}.matches(${JSON.stringify('^' + n.args[0].value)})`);
      return neg(`${x()}.matches("^" + ${a[0]})`);
    case 'divisibleby':
      return neg(`${x()} % ${a[0]} == 0`);
    case 'even':
      return neg(`${x()} % 2 == 0`);
    case 'odd':
      return neg(`${x()} % 2 == 1`);
    case 'changed':
    case 'change':
      return neg(field('changed'));
    case 'failed':
    case 'failure':
      return neg(field('failed'));
    case 'succeeded':
    case 'success':
      return n.negated ? field('failed') : `!${field('failed')}`;
    case 'skipped':
    case 'skip':
      return neg(field('skipped'));
    case 'abs':
      return neg(`${x()}.startsWith("/")`);
    case 'subset':
      return neg(`${x()}.all(i, i in ${celWrap(a[0])})`);
    case 'superset':
      return neg(`${celWrap(a[0])}.all(i, i in ${x()})`);
    case 'contains':
      return neg(`${celWrap(a[0])} in ${x()}`);
  }
  throw new Unconvertible(`is ${n.name}: ${TEST_HINTS[n.name] ?? 'no such test'}`);
}

function celCall(n: Extract<JNode, { t: 'call' }>): string {
  if (n.fn.t === 'attr') {
    const obj = celWrap(toCel(n.fn.obj));
    const a = n.args.map(toCel);
    const m = { startswith: 'startsWith', endswith: 'endsWith', lower: 'lowerAscii', upper: 'upperAscii', strip: 'trim', split: 'split', find: 'indexOf' }[n.fn.name];
    if (m) return `${obj}.${m}(${a.join(', ')})`;
    if (n.fn.name === 'keys') return obj;
    if (n.fn.name === 'get' && a.length === 2 && n.args[0].t === 'lit' && typeof n.args[0].value === 'string' && IDENT.test(n.args[0].value)) {
      return `${obj}.?${n.args[0].value}.orValue(${a[1]})`;
    }
  }
  throw new Unconvertible(`${jinjaText(n.fn)}(…) has no CEL equivalent; the CEL functions are listed by \`tsplay doc\``);
}
