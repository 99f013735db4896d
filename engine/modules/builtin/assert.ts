// ansible.builtin.assert: every CEL expression in `that` must be true.
import type { Module, Plan } from '../types.js';

export interface AssertParams {
  that: string | string[];
  fail_msg?: string | string[];
  msg?: string | string[];
  success_msg?: string | string[];
  quiet?: boolean;
}

/** each condition evaluated; for the false one, where the variables it names were set */
type Outcome = { expr: string; ok: boolean; origins?: string[] }[];

const CEL_WORDS = new Set(['true', 'false', 'null', 'in', 'has', 'size', 'int', 'uint', 'double', 'string', 'bool', 'type', 'dyn']);

/** the variables a condition reads at its top level (outside string literals, not after a dot, not called) */
export function conditionVariables(expr: string): string[] {
  const bare = expr.replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g, "''");
  const out = new Set<string>();
  for (const m of bare.matchAll(/(?<![.\w])([A-Za-z_]\w*)\b(?!\s*\()/g)) if (!CEL_WORDS.has(m[1])) out.add(m[1]);
  return [...out];
}

export const assert: Module<AssertParams, Outcome> = {
  name: 'assert',
  schema: {
    type: 'object',
    description: 'Fail unless every condition (CEL) holds.',
    additionalProperties: false,
    required: ['that'],
    properties: {
      that: {
        anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, minItems: 1 }],
        description: 'One condition or a list of conditions (CEL), all of which must be true.',
      },
      fail_msg: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }], description: 'Message when an assertion fails.' },
      msg: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }], description: 'Same as fail_msg.' },
      success_msg: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }], description: 'Message when all assertions pass.' },
      quiet: { type: 'boolean', default: false, description: 'Less output on success.' },
    },
  },

  async read(ctx, p) {
    const exprs = Array.isArray(p.that) ? p.that : [p.that];
    const out: Outcome = [];
    // Stop at the first false one, as Ansible does: later ones may rely on it.
    for (const expr of exprs) {
      const ok = ctx.evalCondition(expr);
      // a false one names where its variables were set: the file and line to change
      const origins = ok || !ctx.varOrigin ? undefined : conditionVariables(expr).flatMap((v) => ((o) => (o ? [`${v}: ${o}`] : []))(ctx.varOrigin!(v)));
      out.push({ expr, ok, ...(origins?.length ? { origins } : {}) });
      if (!ok) break;
    }
    return out;
  },

  diff(p, outcome): Plan {
    const failedOne = outcome.find((o) => !o.ok);
    if (failedOne) {
      const custom = p.fail_msg ?? p.msg;
      const text = custom !== undefined ? (Array.isArray(custom) ? custom.join('\n') : custom) : `Assertion failed: ${failedOne.expr}`;
      return {
        kind: 'fail',
        msg: failedOne.origins ? `${text} (set at ${failedOne.origins.join('; ')})` : text,
        result: { assertion: failedOne.expr, evaluated_to: false },
      };
    }
    const msg = Array.isArray(p.success_msg) ? p.success_msg.join('\n') : (p.success_msg ?? 'All assertions passed');
    return { kind: 'noop', reason: `all ${outcome.length} assertion(s) true`, result: p.quiet ? {} : { msg } };
  },

  async apply() {
    throw new Error('assert never changes anything');
  },
};
