// Strictness by rewriting the Handlebars AST, instead of Handlebars' own `strict` option:
// - Handlebars strict mode only checks a mustache's own path; a missing `x` in `{{#if x}}` is silently
//   falsy and a missing `a` in `{{#if a.b}}` is a JS TypeError. Ansible fails on both.
// - It would also throw inside `{{default x "v"}}`, which must accept an undefined argument.
// So templates compile non-strict, and every variable lookup is wrapped in a check helper:
//   {{#if x}}          -> {{#if (__strict x "x" '["x"]' line col)}}
//   {{ a.b }}          -> {{__out (__strict a.b "a.b" '["a","b"]' line col)}}
//   {{ join xs "," }}  -> {{__out (join (__strict xs ...) ",")}}
// Arguments of lenient helpers (default, defined) are not wrapped.
// Every output mustache goes through __out (lists and maps render as JSON, null as "").

// Type-only: brings in the global `hbs.AST` declarations.
import type {} from 'handlebars';

type Node = hbs.AST.Node;
type Expr = hbs.AST.Expression;
type Path = hbs.AST.PathExpression;
type Call = { path: Expr; params: Expr[]; hash?: hbs.AST.Hash; loc: hbs.AST.SourceLocation };

export const STRICT = '__strict';
export const OUT = '__out';
export const CAPTURE = '__capture';

export interface RewriteContext {
  /** names that are helpers: `{{ name }}` without arguments calls them */
  helpers: ReadonlySet<string>;
  /** helpers whose arguments are not checked for being defined */
  lenient: ReadonlySet<string>;
}

function pathNode(name: string, loc: hbs.AST.SourceLocation): Path {
  return { type: 'PathExpression', data: false, depth: 0, parts: [name], original: name, loc } as Path;
}
function stringNode(value: string, loc: hbs.AST.SourceLocation): hbs.AST.StringLiteral {
  return { type: 'StringLiteral', value, original: value, loc } as hbs.AST.StringLiteral;
}
function numberNode(value: number, loc: hbs.AST.SourceLocation): hbs.AST.NumberLiteral {
  return { type: 'NumberLiteral', value, original: value, loc } as hbs.AST.NumberLiteral;
}
function subExpr(name: string, params: Expr[], loc: hbs.AST.SourceLocation, hash?: hbs.AST.Hash): hbs.AST.SubExpression {
  return { type: 'SubExpression', path: pathNode(name, loc), params, hash, loc } as unknown as hbs.AST.SubExpression;
}

/** Mirrors Handlebars' own rule: `{{name}}` calls a helper only for a simple, unscoped id. */
function isHelperName(path: Expr, ctx: RewriteContext): boolean {
  if (path.type !== 'PathExpression') return false;
  const p = path as Path;
  return p.parts.length === 1 && !p.data && p.depth === 0 && !/^\.|this\b/.test(p.original) && ctx.helpers.has(p.parts[0]);
}

function helperNameOf(path: Expr): string | undefined {
  return path.type === 'PathExpression' ? (path as Path).original : undefined;
}

/** A value position: a path becomes a checked lookup; a sub-expression has its arguments rewritten. */
function rewriteValue(expr: Expr, ctx: RewriteContext, lenient: boolean): Expr {
  if (expr.type === 'SubExpression') return rewriteCall(expr as unknown as Call, ctx) as unknown as Expr;
  if (expr.type !== 'PathExpression' || lenient) return expr;
  const p = expr as Path;
  const loc = p.loc;
  return subExpr(
    STRICT,
    [p, stringNode(p.original, loc), stringNode(JSON.stringify(p.parts), loc), numberNode(loc.start.line, loc), numberNode(loc.start.column + 1, loc)],
    loc,
  );
}

function rewriteCall<T extends Call>(call: T, ctx: RewriteContext): T {
  const name = helperNameOf(call.path);
  const lenient = name !== undefined && ctx.lenient.has(name);
  call.params = call.params.map((e) => rewriteValue(e, ctx, lenient));
  if (call.hash) for (const pair of call.hash.pairs) pair.value = rewriteValue(pair.value, ctx, lenient);
  return call;
}

/** The value a mustache stands for, as one expression: a checked path or a helper call. */
export function mustacheValue(m: hbs.AST.MustacheStatement, ctx: RewriteContext): Expr {
  const call = m as unknown as Call;
  const hasArgs = call.params.length > 0 || (call.hash !== undefined && call.hash.pairs.length > 0);
  if (hasArgs || isHelperName(call.path, ctx) || call.path.type !== 'PathExpression') {
    if (call.path.type !== 'PathExpression') return call.path; // a literal: {{ "text" }}, {{ 3 }}
    const sub = { type: 'SubExpression', path: call.path, params: call.params, hash: call.hash, loc: call.loc } as unknown as Call;
    return rewriteCall(sub, ctx) as unknown as Expr;
  }
  return rewriteValue(call.path, ctx, false);
}

function rewriteStatement(node: Node, ctx: RewriteContext): Node {
  switch (node.type) {
    case 'MustacheStatement': {
      const m = node as hbs.AST.MustacheStatement;
      const value = mustacheValue(m, ctx);
      return { ...m, path: pathNode(OUT, m.loc), params: [value], hash: undefined } as unknown as Node;
    }
    case 'BlockStatement': {
      const b = node as hbs.AST.BlockStatement;
      rewriteCall(b as unknown as Call, ctx);
      if (b.program) rewriteProgram(b.program, ctx);
      if (b.inverse) rewriteProgram(b.inverse, ctx);
      return b;
    }
    default:
      return node;
  }
}

export function rewriteProgram(program: hbs.AST.Program, ctx: RewriteContext): hbs.AST.Program {
  program.body = program.body.map((s) => rewriteStatement(s, ctx) as hbs.AST.Statement);
  return program;
}

/** `{{ expr }}` alone (nothing around it): the program that captures its value, typed. */
export function captureProgram(program: hbs.AST.Program, ctx: RewriteContext): hbs.AST.Program | undefined {
  if (program.body.length !== 1 || program.body[0].type !== 'MustacheStatement') return undefined;
  const m = program.body[0] as hbs.AST.MustacheStatement;
  const capture = { ...m, path: pathNode(CAPTURE, m.loc), params: [mustacheValue(m, ctx)], hash: undefined };
  return { ...program, body: [capture as unknown as hbs.AST.Statement] };
}
