// Handlebars that parses but cannot run: a variable called as a helper (`{{ x y }}`, which is
// also what Jinja's `{{ x is defined }}` or `{{ a and b }}` parse as). Handlebars would fail on it
// at run time with its compiled code's internals (`….call is not a function`); this finds it when
// the template is loaded and says what was wrong.

import { closest } from '../did-you-mean.js';
import type { RewriteContext } from './strict-ast.js';
import type { TemplatePos } from './fault.js';
import { posFromLoc } from './fault.js';

type Call = { type: string; path: hbs.AST.Expression; params: hbs.AST.Expression[]; hash?: hbs.AST.Hash; loc: hbs.AST.SourceLocation };

export interface Misuse {
  pos?: TemplatePos;
  /** the offending name as written */
  name: string;
  loc: hbs.AST.SourceLocation;
  message: string;
}

function check(call: Call, ctx: RewriteContext, block: boolean): Misuse | undefined {
  const hasArgs = call.params.length > 0 || (call.hash !== undefined && call.hash.pairs.length > 0);
  if (hasArgs && call.path.type === 'PathExpression') {
    const p = call.path as hbs.AST.PathExpression;
    const isHelper = p.parts.length === 1 && !p.data && p.depth === 0 && !/^\.|this\b/.test(p.original) && ctx.helpers.has(p.parts[0]);
    if (!isHelper) {
      const near = closest(p.original, [...ctx.helpers].filter((h) => !h.startsWith('_') && !h.endsWith('Missing')));
      const what = `${block ? `{{#${p.original} …}}` : `${p.original} …`}`;
      return {
        pos: posFromLoc(call.loc),
        name: p.original,
        loc: call.loc,
        message:
          `"${p.original}" is not a helper, so ${what} cannot call it with arguments` +
          (near ? ` (did you mean ${near}?)` : '') +
          '; a helper comes first ({{default x "a"}}, {{join list ","}}), and `tsplay doc` lists them',
      };
    }
  }
  if (hasArgs && call.path.type !== 'PathExpression' && call.path.type !== 'SubExpression') {
    return {
      pos: posFromLoc(call.loc),
      name: String((call.path as unknown as { original?: unknown }).original ?? ''),
      loc: call.loc,
      message: 'a literal value cannot be called with arguments; a helper comes first ({{includes list "a"}}, {{eq a b}}), and `tsplay doc` lists them',
    };
  }
  for (const e of [...call.params, ...(call.hash?.pairs.map((x) => x.value) ?? [])]) {
    if (e.type === 'SubExpression') {
      const found = check(e as unknown as Call, ctx, false);
      if (found) return found;
    }
  }
  return undefined;
}

/** The first helper call of something that is not a helper, in the program. */
export function findMisuse(program: hbs.AST.Program, ctx: RewriteContext): Misuse | undefined {
  for (const s of program.body) {
    if (s.type === 'MustacheStatement' || s.type === 'SubExpression') {
      const found = check(s as unknown as Call, ctx, false);
      if (found) return found;
    } else if (s.type === 'BlockStatement') {
      const b = s as hbs.AST.BlockStatement;
      const found = check(b as unknown as Call, ctx, true) ?? (b.program && findMisuse(b.program, ctx)) ?? (b.inverse && findMisuse(b.inverse, ctx));
      if (found) return found;
    }
  }
  return undefined;
}
