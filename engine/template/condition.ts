// `when:`-style conditions are bare CEL expressions (cel-js), not templates.
// A list means all must hold; a YAML boolean is itself; anything else must evaluate to a bool.
// CEL cannot loop, so evaluation ends; the length and structural limits bound the work.
// (A regular expression in .matches() can still be slow on purpose-built input: playbook
// authors are trusted to run commands on their hosts anyway.)

import { Environment, type ParseResult } from '@marcbachmann/cel-js';
import { TemplateError, type ErrorWhere } from '../errors.js';
import { celContext } from './cel-values.js';
import { kindOf } from './value-kind.js';
import { ipv4CidrContains, ipv4CidrsOverlap } from '../net/ipv4-math.js';
import { translateCondition } from './jinja.js';

export type Condition = string | boolean | ReadonlyArray<string | boolean>;

export const MAX_CONDITION_LENGTH = 4096;

let sharedEnv: Environment | undefined;
/** Building an Environment is costly; it holds no per-run state, so one is shared. */
function celEnv(): Environment {
  sharedEnv ??= new Environment({
    unlistedVariablesAreDyn: true,
    homogeneousAggregateLiterals: false,
    enableOptionalTypes: true, // x.?y.orValue(d) for a default
    limits: { maxAstNodes: 2000, maxDepth: 64, maxListElements: 1000, maxMapEntries: 1000, maxCallArguments: 32 },
  })
    // `"error" in result.stderr`, as Ansible users write it (cel-js has `in` for lists and maps only)
    .registerOperator('string in string', (a: string, b: string) => b.includes(a))
    // IPv4 networks (preflight: the VIP in the masters' network, pod/service/node networks apart)
    .registerFunction('cidrContains(string, string): bool', (cidr: string, address: string) => ipv4CidrContains(cidr, address))
    .registerFunction('cidrOverlaps(string, string): bool', (a: string, b: string) => ipv4CidrsOverlap(a, b));
  return sharedEnv;
}

function fail(message: string, where: ErrorWhere | undefined, cause?: unknown): TemplateError {
  return new TemplateError(message, where, cause === undefined ? undefined : { cause });
}

function compile(expr: string, where: ErrorWhere | undefined): ParseResult {
  if (expr.length > MAX_CONDITION_LENGTH) {
    throw fail(`condition is ${expr.length} characters long; the limit is ${MAX_CONDITION_LENGTH}`, where);
  }
  if (/\{\{[\s\S]*\}\}/.test(expr)) {
    const t = translateCondition(expr);
    const instead = 'cel' in t ? `write \`${t.cel}\`` : 'write e.g. `result.rc == 0`, not `{{ result.rc }} == 0`';
    throw fail(`condition ${JSON.stringify(expr)} contains {{ }}: conditions are bare CEL expressions; ${instead}`, where);
  }
  if (expr.trim() === '') throw fail('condition is empty', where);
  try {
    return celEnv().parse(expr);
  } catch (e) {
    throw fail(jinjaMessage(expr) ?? `invalid condition: ${(e as Error).message}`, where, e);
  }
}

/** A condition CEL cannot read may be Jinja (`x is defined`, `a and not b`, `x | bool`): its CEL form. */
function jinjaMessage(expr: string): string | undefined {
  const t = translateCondition(expr);
  if ('cel' in t) return `condition ${JSON.stringify(expr)} is Jinja; conditions are CEL: write \`${t.cel}\``;
  return t.why === 'not a Jinja expression either' ? undefined : `condition ${JSON.stringify(expr)} is Jinja; conditions are CEL, and ${t.why}`;
}

/**
 * cel-js quotes what is left of a duration string it cannot parse: part of a value, which may be
 * a secret the redactor knows only whole. The expression excerpt after it stays.
 */
function valueFreeMessage(e: unknown): string {
  const msg = (e as Error).message ?? String(e);
  if ((e as { code?: unknown }).code !== 'invalid_duration') return msg;
  return msg.replace(/^Invalid duration string: .*/, 'invalid duration string');
}

/** Evaluates conditions, caching each expression's parse. */
export class ConditionEvaluator {
  private readonly cache = new Map<string, ParseResult>();

  constructor(private readonly useCache = true) {}

  evaluate(expr: Condition, vars: Record<string, unknown>, where?: ErrorWhere): boolean {
    if (typeof expr === 'boolean') return expr;
    if (Array.isArray(expr)) return expr.every((e) => this.evaluate(e as string | boolean, vars, where));
    if (typeof expr !== 'string') throw fail(`a condition must be a string, a boolean or a list of them, got ${kindOf(expr)}`, where);
    const program = this.program(expr, where);
    let result: unknown;
    try {
      result = program(celContext(vars));
    } catch (e) {
      throw fail(`cannot evaluate condition: ${valueFreeMessage(e)}`, where, e);
    }
    if (typeof result !== 'boolean') {
      throw fail(`condition ${JSON.stringify(expr)} gave ${kindOf(result)}, not a boolean`, where);
    }
    return result;
  }

  /** parse without evaluating: syntax errors surface before any host is contacted */
  check(expr: Condition, where?: ErrorWhere): void {
    if (typeof expr === 'boolean') return;
    if (Array.isArray(expr)) return expr.forEach((e) => this.check(e as string | boolean, where));
    if (typeof expr !== 'string') throw fail(`a condition must be a string, a boolean or a list of them, got ${kindOf(expr)}`, where);
    this.program(expr, where);
  }

  private program(expr: string, where: ErrorWhere | undefined): ParseResult {
    if (!this.useCache) return compile(expr, where);
    let p = this.cache.get(expr);
    if (!p) {
      p = compile(expr, where);
      this.cache.set(expr, p);
    }
    return p;
  }
}

/** One-off evaluation without a cache (a Templater caches). */
export function evalCondition(expr: Condition, vars: Record<string, unknown>, where?: ErrorWhere): boolean {
  return new ConditionEvaluator(false).evaluate(expr, vars, where);
}
