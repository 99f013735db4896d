// Jinja in template text and conditions: found (for the load-time error with its equivalent) and
// translated (for `tsplay migrate`). Template text is cut into pieces: plain text, `{{ }}`,
// `{% %}` statements and `{# #}` comments (Handlebars' own `{{#…}}`, `{{!…}}`, `\{{` and raw
// blocks are left alone). A `{{ }}` is Jinja only when it is not valid Handlebars, so `{{ var }}`
// and `{{ a.b }}`, valid in both, never are.

import { Unconvertible, isPlain, parseFor, parseJinja, toCel, toHbs, TOP, type HbsScope, type JNode } from './jinja-expr.js';

/** Jinja's statements: `{% word` with one of these is Jinja, whatever else the text holds. */
const STATEMENTS = new Set([
  'if', 'elif', 'else', 'endif', 'for', 'endfor', 'set', 'endset', 'raw', 'endraw', 'macro', 'endmacro', 'include', 'import', 'from',
  'block', 'endblock', 'extends', 'filter', 'endfilter', 'with', 'endwith', 'call', 'endcall', 'do', 'break', 'continue', 'autoescape', 'endautoescape',
]);

type Piece =
  | { k: 'text'; start: number; end: number }
  | { k: 'expr'; start: number; end: number; inner: string; trimL: boolean; trimR: boolean }
  | { k: 'stmt'; start: number; end: number; word: string; rest: string; trimL: boolean; trimR: boolean }
  | { k: 'comment'; start: number; end: number; inner: string; trimL: boolean; trimR: boolean }
  | { k: 'hbs'; start: number; end: number };

/** the end of a `{{ … }}` from its start, skipping quoted strings; -1 when unclosed */
function closeOf(text: string, from: number, close: string): number {
  let quote: string | undefined;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (text.startsWith(close, i)) return i;
  }
  return -1;
}

// sticky: matched where an opening brace is, never on a copy of the rest of the text
const RAW_OPEN = /\{\{\{\{\s*([^\s}]+)/y;
const HBS_OWN = /\{|~?\s*[#/^!>&*]|~?\s*else\b/y;
const STATEMENT = /\{%([-+]?)\s*([A-Za-z_]+)\b/y;

function pieces(text: string): Piece[] {
  const out: Piece[] = [];
  let textStart = 0;
  let i = 0;
  // once a closer is missing from the rest of the text, later openers need not look for it again
  let noStatementEnd = false;
  let noCommentEnd = false;
  const flush = (end: number) => {
    if (end > textStart) out.push({ k: 'text', start: textStart, end });
  };
  while (i < text.length) {
    const open = text.indexOf('{', i);
    if (open < 0 || open + 1 >= text.length) break;
    const next = text[open + 1];
    if (next === '{') {
      if (open > 0 && text[open - 1] === '\\') {
        i = open + 2; // Handlebars' escaped \{{
        continue;
      }
      if (text.startsWith('{{{{', open)) {
        // a Handlebars raw block: up to its closing {{{{/name}}}}
        RAW_OPEN.lastIndex = open;
        const m = RAW_OPEN.exec(text);
        const endTag = m ? text.indexOf(`{{{{/${m[1]}}}}}`, open) : -1;
        const end = endTag < 0 ? text.length : endTag + `{{{{/${m![1]}}}}}`.length;
        flush(open);
        out.push({ k: 'hbs', start: open, end });
        i = textStart = end;
        continue;
      }
      HBS_OWN.lastIndex = open + 2;
      const hbsOwn = HBS_OWN.test(text);
      const closeTok = text.startsWith('!--', open + 2) || text.startsWith('~!--', open + 2) ? '--}}' : text[open + 2] === '{' ? '}}}' : '}}';
      const close = hbsOwn && closeTok === '--}}' ? text.indexOf('--}}', open + 2) : closeOf(text, open + 2, closeTok);
      if (close < 0) break;
      const end = close + closeTok.length;
      flush(open);
      if (hbsOwn) out.push({ k: 'hbs', start: open, end });
      else {
        let inner = text.slice(open + 2, close);
        const trimL = /^[-~]/.test(inner);
        const trimR = /[-~]$/.test(inner);
        inner = inner.slice(trimL ? 1 : 0, trimR ? inner.length - 1 : inner.length);
        out.push({ k: 'expr', start: open, end, inner, trimL, trimR });
      }
      i = textStart = end;
      continue;
    }
    if (next === '%') {
      STATEMENT.lastIndex = open;
      const m = noStatementEnd ? null : STATEMENT.exec(text);
      const close = m && STATEMENTS.has(m[2]) ? closeOf(text, open + 2, '%}') : -1;
      if (m && STATEMENTS.has(m[2]) && close < 0) noStatementEnd = true;
      if (close < 0) {
        i = open + 1;
        continue;
      }
      flush(open);
      const trimR = text[close - 1] === '-';
      const rest = text.slice(open + m![0].length, trimR ? close - 1 : close).trim();
      out.push({ k: 'stmt', start: open, end: close + 2, word: m![2], rest, trimL: m![1] === '-', trimR });
      i = textStart = close + 2;
      continue;
    }
    if (next === '#' && !noCommentEnd && (open === 0 || (text[open - 1] !== '{' && text[open - 1] !== '$'))) {
      const close = text.indexOf('#}', open + 2);
      if (close < 0) {
        noCommentEnd = true;
        i = open + 1;
        continue;
      }
      flush(open);
      let inner = text.slice(open + 2, close);
      const trimL = inner.startsWith('-');
      const trimR = inner.endsWith('-');
      inner = inner.slice(trimL ? 1 : 0, trimR ? inner.length - 1 : inner.length);
      out.push({ k: 'comment', start: open, end: close + 2, inner, trimL, trimR });
      i = textStart = close + 2;
      continue;
    }
    i = open + 1;
  }
  flush(text.length);
  return out;
}

export interface TextPos {
  line: number;
  col: number;
}

function posOf(text: string, offset: number): TextPos {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, col: offset - (before.lastIndexOf('\n') + 1) + 1 };
}

export interface JinjaFinding extends TextPos {
  /** the Jinja as written */
  jinja: string;
  /** what to write in tsplay's syntax, or why there is nothing */
  hint: string;
}

const clipped = (s: string) => (s.length > 80 ? `${s.slice(0, 80)}…` : s);

/** Jinja's whitespace control `{{- x -}}` (Handlebars writes `{{~ x ~}}`) */
function jinjaTrim(raw: string): boolean {
  return raw.startsWith('{{-') || raw.endsWith('-}}');
}

/** `{{ … }}` content that is Jinja and not Handlebars: its translation (or why none), else undefined. */
function exprFinding(inner: string, isHandlebars: (mustache: string) => boolean, raw: string, trimL: boolean, trimR: boolean): string | undefined {
  const node = parseJinja(inner);
  if (!node || ((isPlain(node) || (node.t === 'not' && isPlain(node.arg))) && !jinjaTrim(raw))) return undefined;
  if (isHandlebars(raw)) return undefined;
  try {
    return `write ${mustache(node, TOP, trimL, trimR)}`;
  } catch (e) {
    if (e instanceof Unconvertible) return e.message;
    throw e;
  }
}

function mustache(node: JNode, scope: HbsScope, trimL: boolean, trimR: boolean): string {
  const h = toHbs(node, scope);
  const l = trimL ? '{{~' : '{{';
  const r = trimR ? '~}}' : '}}';
  return h.call ? `${l}${h.code}${r}` : `${l} ${h.code} ${r}`;
}

/**
 * The first Jinja construct in a template's text, with its equivalent. `isHandlebars` says whether
 * one `{{ … }}` is a valid Handlebars template (then it is not Jinja).
 */
export function findJinja(text: string, isHandlebars: (mustache: string) => boolean): JinjaFinding | undefined {
  if (!text.includes('{')) return undefined;
  for (const p of pieces(text)) {
    const raw = text.slice(p.start, p.end);
    let hint: string | undefined;
    if (p.k === 'expr') hint = exprFinding(p.inner, isHandlebars, raw, p.trimL, p.trimR);
    else if (p.k === 'comment') hint = `write {{!-- ${p.inner.trim()} --}}`;
    else if (p.k === 'stmt') hint = statementHint(p);
    if (hint !== undefined) return { ...posOf(text, p.start), jinja: raw, hint };
  }
  return undefined;
}

function statementHint(p: Extract<Piece, { k: 'stmt' }>): string {
  try {
    const t = translateStatement(p, { stack: [], scope: TOP });
    return `write ${t}${p.word === 'if' || p.word === 'for' ? ` … {{/${p.word === 'if' ? 'if' : 'each'}}}` : ''}`;
  } catch (e) {
    if (e instanceof Unconvertible) return e.message;
    throw e;
  }
}

interface Open {
  kind: 'if' | 'unless' | 'each' | 'raw';
  scope: HbsScope;
}
interface State {
  stack: Open[];
  scope: HbsScope;
}

function exprOf(src: string): JNode {
  const n = parseJinja(src);
  if (!n) throw new Unconvertible(`cannot read the Jinja expression ${JSON.stringify(clipped(src))}`);
  return n;
}

function hbsArg(n: JNode, scope: HbsScope): string {
  const h = toHbs(n, scope);
  return h.call ? `(${h.code})` : h.code;
}

function tag(p: { trimL: boolean; trimR: boolean }, body: string): string {
  return `${p.trimL ? '{{~' : '{{'}${body}${p.trimR ? '~}}' : '}}'}`;
}

/** One `{% … %}` in Handlebars; the state tracks open blocks and loop names. */
function translateStatement(p: Extract<Piece, { k: 'stmt' }>, st: State): string {
  const top = st.stack[st.stack.length - 1];
  switch (p.word) {
    case 'if': {
      const n = exprOf(p.rest);
      if (n.t === 'not') {
        st.stack.push({ kind: 'unless', scope: st.scope });
        return tag(p, `#unless ${hbsArg(n.arg, st.scope)}`);
      }
      st.stack.push({ kind: 'if', scope: st.scope });
      return tag(p, `#if ${hbsArg(n, st.scope)}`);
    }
    case 'elif':
      if (top?.kind !== 'if') throw new Unconvertible('elif after {% if not … %} has no equivalent: write {% if %} with the test turned around');
      return tag(p, `else if ${hbsArg(exprOf(p.rest), st.scope)}`);
    case 'else':
      if (!top) throw new Unconvertible('else outside a block');
      return tag(p, 'else');
    case 'endif':
    case 'endfor': {
      const o = st.stack.pop();
      if (!o || (p.word === 'endif') !== (o.kind === 'if' || o.kind === 'unless')) throw new Unconvertible(`${p.word} does not close the open block`);
      st.scope = o.scope;
      return tag(p, `/${o.kind}`);
    }
    case 'for': {
      const f = parseFor(p.rest);
      if (!f) throw new Unconvertible(`cannot read the loop ${JSON.stringify(clipped(p.rest))}`);
      if (f.filter) throw new Unconvertible('a for loop with an if filter: put an {{#if}} inside the loop');
      let iter = f.iter;
      let names = f.names;
      // for k, v in d.items() / d | dictsort: Handlebars walks a map with |value key|
      const isItems = (n: JNode) => (n.t === 'call' && n.fn.t === 'attr' && n.fn.name === 'items' && n.args.length === 0) || (n.t === 'filter' && (n.name === 'dictsort' || n.name === 'dict2items') && n.args.length === 0);
      if (names.length === 2 && isItems(iter)) {
        iter = iter.t === 'call' && iter.fn.t === 'attr' ? iter.fn.obj : (iter as Extract<JNode, { t: 'filter' }>).arg;
        if (f.iter.t === 'filter' && f.iter.name === 'dictsort') throw new Unconvertible('dictsort: {{#each d as |value key|}} walks a map in its own order; write the map sorted in vars');
        names = [names[1], names[0]];
      } else if (names.length !== 1) throw new Unconvertible('a loop over several names: only `for k, v in d.items()` has an equivalent');
      const source = hbsArg(iter, st.scope);
      st.stack.push({ kind: 'each', scope: st.scope });
      st.scope = { locals: new Set([...(st.scope.inLoop ? st.scope.locals : []), ...names]), inLoop: true };
      return tag(p, `#each ${source} as |${names.join(' ')}|`);
    }
    case 'raw':
      st.stack.push({ kind: 'raw', scope: st.scope });
      return '';
    case 'endraw':
      st.stack.pop();
      return '';
    case 'set':
      throw new Unconvertible('{% set %} has no equivalent: set the variable in vars (play, role or task vars:)');
    case 'include':
    case 'import':
    case 'from':
    case 'extends':
    case 'block':
      throw new Unconvertible(`{% ${p.word} %} has no equivalent: templates are one file each; put the shared text in a variable`);
    case 'macro':
      throw new Unconvertible('{% macro %} has no equivalent: repeat the text, or loop over a list of values with {{#each}}');
    default:
      throw new Unconvertible(`{% ${p.word} %} has no equivalent in tsplay's templates`);
  }
}

export interface Problem extends TextPos {
  jinja: string;
  why: string;
}

/**
 * Template text with its Jinja rewritten in Handlebars, and what could not be. Block tags drop the
 * newline after them, as Ansible's trim_blocks does; a tag alone on its line at column 0 stays
 * there (Handlebars drops such a "standalone" line whole, which is the same text).
 */
export function translateTemplate(text: string): { text: string; problems: Problem[] } {
  const problems: Problem[] = [];
  const st: State = { stack: [], scope: TOP };
  let out = '';
  let dropNewline = false;
  const ps = pieces(text);
  for (let idx = 0; idx < ps.length; idx++) {
    const p = ps[idx];
    let raw = text.slice(p.start, p.end);
    if (dropNewline && raw.startsWith('\n') && p.k === 'text') raw = raw.slice(1);
    dropNewline = false;
    const inRaw = st.stack[st.stack.length - 1]?.kind === 'raw';
    if (inRaw && !(p.k === 'stmt' && p.word === 'endraw')) {
      out += raw.replace(/\{\{/g, '\\{{');
      continue;
    }
    const problem = (why: string) => problems.push({ ...posOf(text, p.start), jinja: raw, why });
    try {
      if (p.k === 'text' || p.k === 'hbs') out += raw;
      else if (p.k === 'expr') {
        const n = parseJinja(p.inner);
        if (!n || (isPlain(n) && !st.scope.inLoop && !jinjaTrim(raw))) {
          out += raw; // Handlebars already, or the same in both
          continue;
        }
        out += mustache(n, st.scope, p.trimL, p.trimR);
      } else {
        const converted = p.k === 'comment' ? tag(p, `!-- ${p.inner.trim()} --`) : translateStatement(p, st);
        // alone on its line as Handlebars will see it (after the newlines dropped before it)
        const alone = (out === '' || out.endsWith('\n')) && (text[p.end] === '\n' || p.end === text.length) && converted !== '';
        if (p.trimR) dropNewline = false;
        else if (text[p.end] === '\n' && !alone) dropNewline = true;
        out += converted;
      }
    } catch (e) {
      if (!(e instanceof Unconvertible)) throw e;
      problem(e.message);
      out += raw;
    }
  }
  if (st.stack.length > 0) problems.push({ ...posOf(text, text.length), jinja: '', why: `${st.stack.length} block(s) not closed` });
  return { text: out, problems };
}

/** A string value (task argument, var): its `{{ }}` rewritten; `{% %}` in it stays a problem. */
export function translateString(text: string): { text: string; problems: Problem[] } {
  if (!text.includes('{')) return { text, problems: [] };
  return translateTemplate(text);
}

/** Whether an expression uses what only Jinja has (filters, tests, and/or/not, ~, inline if). */
function jinjaOnly(n: JNode): boolean {
  switch (n.t) {
    case 'filter':
    case 'test':
    case 'not':
    case 'cond':
      return true;
    case 'bin':
      return ['and', 'or', 'not in', '~', '//'].includes(n.op) || jinjaOnly(n.l) || jinjaOnly(n.r);
    case 'attr':
      return jinjaOnly(n.obj);
    case 'index':
      return jinjaOnly(n.obj) || jinjaOnly(n.key);
    case 'neg':
      return jinjaOnly(n.arg);
    case 'call':
      return jinjaOnly(n.fn) || n.args.some(jinjaOnly) || Object.keys(n.kwargs).length > 0;
    case 'list':
      return n.items.some(jinjaOnly);
    case 'dict':
      return n.pairs.some(([k, v]) => jinjaOnly(k) || jinjaOnly(v));
    default:
      return false;
  }
}

/** A condition written in Jinja, as CEL (or why not). A valid CEL expression is returned unchanged by the caller. */
export function translateCondition(expr: string): { cel: string } | { why: string } {
  let src = expr.trim();
  const braces = /^\{\{(.*)\}\}$/s.exec(src);
  if (braces) src = braces[1];
  const n = parseJinja(src);
  if (!n || !jinjaOnly(n)) return { why: 'not a Jinja expression either' };
  try {
    return { cel: toCel(n) };
  } catch (e) {
    if (e instanceof Unconvertible) return { why: e.message };
    throw e;
  }
}
