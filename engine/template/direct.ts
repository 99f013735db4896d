// Templates that are only text and plain variable references ("{{ root }}/etc", "{{ a.b }}") are
// rendered here without Handlebars. Why: every Handlebars call re-wraps each registered helper
// (runtime `_setup`), garbage in proportion to the number of helpers on every call; most of a run's
// templates are of this plain kind, so on large runs that garbage set the controller's peak memory.
//
// The lookups are Handlebars' own non-strict ones (own properties only, `x != null` between parts).
// Anything out of the ordinary (a missing or null value, an inherited property) answers NOT_DIRECT
// and the caller runs the Handlebars template, so errors and edge cases keep one source.

import { textOf } from './handlebars-env.js';
import type { RewriteContext } from './strict-ast.js';

type Piece = string | readonly string[];

export interface DirectTemplate {
  /** literal text, or the parts of a variable path */
  readonly pieces: readonly Piece[];
}

export const NOT_DIRECT: unique symbol = Symbol('not direct');

const hasOwn = Object.prototype.hasOwnProperty;

/** A plain path: `a`, `a.b`, `a.0`, `a.[b c]`; not `this.x`, `./x`, `../x`, `a/b`, `@x` or a helper's name. */
function plainPath(m: hbs.AST.MustacheStatement, ctx: RewriteContext): readonly string[] | undefined {
  if (m.params.length > 0 || (m.hash && m.hash.pairs.length > 0) || m.path.type !== 'PathExpression') return undefined;
  const p = m.path as hbs.AST.PathExpression;
  if (p.data || p.depth !== 0 || p.parts.length === 0 || p.original !== p.parts.join('.')) return undefined;
  if (p.parts.length === 1 && ctx.helpers.has(p.parts[0])) return undefined;
  return [...p.parts];
}

/** The direct form of a parsed program, or undefined when it needs Handlebars (blocks, helpers, comments, ...). */
export function directTemplate(program: hbs.AST.Program, ctx: RewriteContext): DirectTemplate | undefined {
  const pieces: Piece[] = [];
  for (const s of program.body) {
    if (s.type === 'ContentStatement') pieces.push((s as hbs.AST.ContentStatement).value);
    else if (s.type === 'MustacheStatement') {
      const parts = plainPath(s as hbs.AST.MustacheStatement, ctx);
      if (!parts) return undefined;
      pieces.push(parts);
    } else return undefined;
  }
  return { pieces };
}

function lookup(context: unknown, parts: readonly string[]): unknown {
  let cur = context;
  for (const part of parts) {
    if (cur === null || cur === undefined) return NOT_DIRECT;
    const v = (cur as Record<string, unknown>)[part];
    if (v === null || v === undefined) return NOT_DIRECT;
    // Handlebars' prototype rule: only own properties, and never a prototype's own constructor
    if (!hasOwn.call(cur, part) || (part === 'constructor' && typeof v === 'function')) return NOT_DIRECT;
    cur = v;
  }
  return cur;
}

/** `value`: one lone variable keeps its type; else (and in `text` mode) the text, lists and maps as JSON. */
export function runDirect(t: DirectTemplate, vars: Record<string, unknown>, mode: 'value' | 'text'): unknown {
  if (mode === 'value' && t.pieces.length === 1 && typeof t.pieces[0] !== 'string') return lookup(vars, t.pieces[0]);
  let out = '';
  for (const piece of t.pieces) {
    if (typeof piece === 'string') out += piece;
    else {
      const v = lookup(vars, piece);
      if (v === NOT_DIRECT) return NOT_DIRECT;
      out += textOf(v);
    }
  }
  return out;
}
