// Renders task strings and template files with Handlebars, and evaluates CEL conditions.
// One Templater per run: it owns its Handlebars environment and its caches (no global state).
//
// Rules:
// - strict: an undefined variable anywhere (output, {{#if}}, {{#each}}, helper argument) is a
//   TemplateError, except in arguments of `default` and `defined` (see strict-ast.ts);
// - no HTML escaping; lists and maps render as JSON inside text;
// - a string that is exactly one `{{ expr }}` keeps its value's type (list, number, map, bool);
// - write a literal `{{` as `\{{` (e.g. docker --format '\{{.Names}}').
// - a variable named like a helper (first, length, range, ...) is read as `{{ this.first }}`.

import { TemplateError, type ErrorWhere } from '../errors.js';
import { TemplateFault, type TemplatePos } from './fault.js';
import { createHandlebarsEnv, type HandlebarsEnv } from './handlebars-env.js';
import { captureProgram, rewriteProgram, type RewriteContext } from './strict-ast.js';
import { ConditionEvaluator, type Condition } from './condition.js';
import { isPlainObject } from './value-kind.js';
import { directTemplate, runDirect, NOT_DIRECT, type DirectTemplate } from './direct.js';
import { findJinja, type JinjaFinding } from './jinja.js';
import { findMisuse } from './misuse.js';

/** `direct`: the template renders without Handlebars when its variables are all there (direct.ts) */
type Compiled = { mode: 'value' | 'text'; run: HandlebarsTemplateDelegate; direct?: DirectTemplate };

/** Where a value inside renderDeep comes from: one place for all, or one per key path. */
export type DeepWhere = ErrorWhere | ((path: ReadonlyArray<string | number>) => ErrorWhere | undefined);

/** Text that may hold a template: Handlebars' `{{`, or Jinja's `{%`/`{#` (an error naming its equivalent). */
function mayTemplate(text: string): boolean {
  return text.includes('{{') || text.includes('{%') || text.includes('{#');
}

const RUNTIME = { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false } as const;
const MAX_CACHE = 20_000;

export class Templater {
  private env?: { hb: HandlebarsEnv; rewrite: RewriteContext };
  private readonly valueCache = new Map<string, Compiled>();
  private readonly textCache = new Map<string, Compiled>();
  private readonly conditions = new ConditionEvaluator();

  /** `direct: false` always runs Handlebars (the tests compare both ways) */
  constructor(private readonly opts: { direct?: boolean } = {}) {}

  // the Handlebars environment is made on the first template (see handlebars-env.ts)
  private get hb(): HandlebarsEnv {
    return (this.env ??= createHandlebarsEnv()).hb;
  }
  private get rewrite(): RewriteContext {
    return (this.env ??= createHandlebarsEnv()).rewrite;
  }

  /** A task string: typed when it is exactly one `{{ expr }}`, else a string. */
  renderString(text: string, vars: Record<string, unknown>, where?: ErrorWhere): unknown {
    if (!mayTemplate(text)) return text;
    return this.run(this.compile(text, 'value', where), text, vars, where);
  }

  /** A template file (or any text that must stay text). */
  renderText(text: string, vars: Record<string, unknown>, where?: ErrorWhere): string {
    if (!mayTemplate(text)) return text;
    return this.run(this.compile(text, 'text', where), text, vars, where) as string;
  }

  /** Every string inside maps and lists rendered (keys are not); the input is never changed. */
  renderDeep<T>(value: T, vars: Record<string, unknown>, where?: DeepWhere): T {
    return this.deep(value, vars, where, []) as T;
  }

  evalCondition(expr: Condition, vars: Record<string, unknown>, where?: ErrorWhere): boolean {
    return this.conditions.evaluate(expr, vars, where);
  }

  /** Syntax only, before any host: every template string inside `value` compiles (and is cached). */
  checkTemplates(value: unknown, where?: DeepWhere, path: Array<string | number> = [], depth = 0): void {
    if (typeof value === 'string') {
      if (!mayTemplate(value)) return;
      try {
        this.compile(value, 'value', typeof where === 'function' ? where(path) : where);
      } catch (e) {
        if (e instanceof TemplateError && path.length > 0) e.message += ` (in ${pathText(path)})`;
        throw e;
      }
    } else if (depth < 200 && Array.isArray(value)) value.forEach((v, i) => this.checkTemplates(v, where, [...path, i], depth + 1));
    else if (depth < 200 && isPlainObject(value)) for (const k of Object.keys(value)) this.checkTemplates(value[k], where, [...path, k], depth + 1);
  }

  /**
   * Syntax only, before any host: a template file's text compiles (and is cached for the run).
   * An error names the file and the line and column in it.
   */
  checkText(text: string, where: ErrorWhere & { file: string }): void {
    if (!mayTemplate(text)) return;
    try {
      this.compile(text, 'text', where);
    } catch (e) {
      const pos = e instanceof TemplateError ? parsePos((e as Error).cause, text) : undefined;
      if (pos) Object.assign((e as TemplateError).where, { line: pos.line, col: pos.col });
      throw e;
    }
  }

  /** Syntax only: the condition (or each of a list) parses as CEL. */
  checkCondition(expr: Condition, where?: ErrorWhere): void {
    this.conditions.check(expr, where);
  }

  private deep(value: unknown, vars: Record<string, unknown>, where: DeepWhere | undefined, path: Array<string | number>): unknown {
    if (typeof value === 'string') {
      if (!mayTemplate(value)) return value;
      const at = typeof where === 'function' ? where(path) : where;
      try {
        return this.renderString(value, vars, at);
      } catch (e) {
        if (e instanceof TemplateError && path.length > 0) e.message += ` (in ${pathText(path)})`;
        throw e;
      }
    }
    if (Array.isArray(value)) return value.map((v, i) => this.deep(v, vars, where, [...path, i]));
    if (isPlainObject(value)) {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(value)) {
        // defineProperty: an own "__proto__" key stays a key and never sets the prototype.
        Object.defineProperty(out, key, { value: this.deep(value[key], vars, where, [...path, key]), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    return value;
  }

  private compile(text: string, mode: Compiled['mode'], where: ErrorWhere | undefined): Compiled {
    const cache = mode === 'value' ? this.valueCache : this.textCache;
    const hit = cache.get(text);
    if (hit) return hit;
    // Jinja first: `{% if %}` is plain text to Handlebars, and `{{ x | f }}` a puzzling parse error
    const jinja = findJinja(text, (m) => this.isHandlebars(m));
    if (jinja) throw this.jinjaError(jinja, text, where);
    let program: hbs.AST.Program;
    try {
      program = this.hb.parse(text);
    } catch (e) {
      throw this.error(parseMessage(e, text), text, parsePos(e, text), where, e);
    }
    const misuse = findMisuse(program, this.rewrite);
    if (misuse) {
      const cause = Object.assign(new Error(misuse.message), { lineNumber: misuse.pos?.line, column: misuse.pos ? misuse.pos.col - 1 : undefined });
      throw this.error(`template error: ${misuse.message}`, text, misuse.pos, where, cause);
    }
    // before the rewrite below, which changes the program in place
    const direct = this.opts.direct === false ? undefined : directTemplate(program, this.rewrite);
    const capture = mode === 'value' ? captureProgram(program, this.rewrite) : undefined;
    const compiled: Compiled = capture
      ? { mode: 'value', run: this.hb.compile(capture, { noEscape: true, strict: false }), direct }
      : { mode: 'text', run: this.hb.compile(rewriteProgram(program, this.rewrite), { noEscape: true, strict: false }), direct };
    if (cache.size >= MAX_CACHE) cache.clear(); // bound memory on runs with endless distinct strings
    cache.set(text, compiled);
    return compiled;
  }

  /** One `{{ … }}` that Handlebars reads and can run: not Jinja, whatever Jinja would make of it. */
  private isHandlebars(mustache: string): boolean {
    try {
      return findMisuse(this.hb.parse(mustache), this.rewrite) === undefined;
    } catch {
      return false;
    }
  }

  private jinjaError(j: JinjaFinding, text: string, where: ErrorWhere | undefined): TemplateError {
    const pos = { line: j.line, col: j.col };
    const message = `Jinja syntax ${JSON.stringify(clip(j.jinja, 100))}: ${j.hint} (tsplay's templates are Handlebars; \`tsplay migrate\` rewrites a role or playbook written for Ansible)`;
    const cause = Object.assign(new Error(message), { lineNumber: pos.line, column: pos.col - 1 });
    return this.error(message, text, pos, where, cause);
  }

  private run(compiled: Compiled, text: string, vars: Record<string, unknown>, where: ErrorWhere | undefined): unknown {
    try {
      if (compiled.direct) {
        const v = runDirect(compiled.direct, vars, compiled.mode);
        if (v !== NOT_DIRECT) return v;
      }
      if (compiled.mode === 'text') return compiled.run(vars, RUNTIME);
      const capture: { value?: unknown } = {};
      compiled.run(vars, { ...RUNTIME, data: { capture } });
      return capture.value;
    } catch (e) {
      if (e instanceof TemplateFault) throw this.error(e.message, text, e.pos, where, e);
      throw this.error((e as Error).message ?? String(e), text, exceptionPos(e), where, e);
    }
  }

  private error(message: string, text: string, pos: TemplatePos | undefined, where: ErrorWhere | undefined, cause: unknown): TemplateError {
    return new TemplateError(message + context(text, pos), where, { cause });
  }
}

function pathText(path: ReadonlyArray<string | number>): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function clip(s: string, n = 160): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}

/** Where in the template: the text itself for one line, the line number and line for several. */
function context(text: string, pos: TemplatePos | undefined): string {
  if (!text.includes('\n')) return ` in template ${JSON.stringify(clip(text))}${pos ? ` at col ${pos.col}` : ''}`;
  if (!pos) return '';
  const line = text.split('\n')[pos.line - 1] ?? '';
  return ` at template line ${pos.line}, col ${pos.col}: ${JSON.stringify(clip(line.trim()))}`;
}

/** Handlebars exceptions carry 1-based lineNumber and 0-based column when they know them. */
function exceptionPos(e: unknown): TemplatePos | undefined {
  const { lineNumber, column } = (e ?? {}) as { lineNumber?: unknown; column?: unknown };
  if (typeof lineNumber !== 'number') return undefined;
  return { line: lineNumber, col: typeof column === 'number' ? column + 1 : 1 };
}

/**
 * Where a parse error is: Handlebars' own exceptions say it; the parser's "Parse error on line N"
 * shows the last (up to 20) characters read, newlines dropped, before a caret: the column is where
 * line N's start, read so far, ends that excerpt.
 */
function parsePos(e: unknown, text: string): TemplatePos | undefined {
  const known = exceptionPos(e);
  if (known) return known;
  const m = /^Parse error on line (\d+):\n(.*)\n(-*)\^/.exec((e as Error | undefined)?.message ?? '');
  if (!m) return undefined;
  const line = Number(m[1]);
  const source = text.split('\n')[line - 1];
  if (source === undefined) return { line, col: 1 };
  const past = m[2].slice(0, m[3].length).replace(/^\.\.\./, '');
  let col: number | undefined;
  for (let c = 0; c <= source.length; c++) {
    const read = source.slice(0, c);
    if (read.length >= past.length ? read.endsWith(past) : past.endsWith(read)) col = c + 1;
  }
  return { line, col: col ?? 1 };
}

function parseMessage(e: unknown, text: string): string {
  const msg = (e as Error).message ?? String(e);
  // Jison: "Parse error on line N:\n<excerpt>\n---^\nExpecting ..., got 'TOKEN'"
  const m = /^Parse error on line (\d+):\n(.*)\n-*\^\n[\s\S]*got '([^']+)'/.exec(msg);
  const what = m ? `unexpected ${m[3] === 'EOF' ? 'end of template' : `token ${m[3]}`} on line ${m[1]} near ${JSON.stringify(clip(m[2], 60))}` : msg.split('\n')[0];
  const filter = /\{\{[^}]*\|[^}]*\}\}/.test(text)
    ? '; Handlebars has no Jinja filters: write {{default x "v"}} instead of {{ x | default("v") }}'
    : '';
  return `template syntax error: ${what}${filter}`;
}

