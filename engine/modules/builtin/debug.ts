// ansible.builtin.debug: print a message or a variable.
import type { Module, Plan } from '../types.js';

export interface DebugParams {
  msg?: unknown;
  var?: string;
  verbosity?: number;
}

type DebugCurrent = { found: boolean; value?: unknown; belowVerbosity?: boolean };

/** `a.b[0].c` in a variable tree; found=false when a step is missing. */
export function lookupPath(vars: Record<string, unknown>, path: string): DebugCurrent {
  let cur: unknown = vars;
  for (const step of path.match(/[^.[\]]+/g) ?? []) {
    if (cur === null || typeof cur !== 'object' || !(step in (cur as object))) return { found: false };
    cur = (cur as Record<string, unknown>)[step];
  }
  return { found: true, value: cur };
}

export const debug: Module<DebugParams, DebugCurrent> = {
  name: 'debug',
  schema: {
    type: 'object',
    description: 'Print a message or a variable.',
    additionalProperties: false,
    properties: {
      msg: { description: "The message to print (any value). Default: 'Hello world!'." },
      var: { type: 'string', description: 'A variable name (dotted path) to print instead of msg.' },
      verbosity: { type: 'integer', minimum: 0, default: 0, description: 'Print only when the run has at least this many -v flags (below, the task is skipped).' },
    },
  },

  async read(ctx, p) {
    // Ansible's debug prints only at `verbosity:` -v flags and up; below, the task is skipped
    if ((p.verbosity ?? 0) > (ctx.verbosity ?? 0)) return { found: false, belowVerbosity: true };
    return p.var === undefined ? { found: false } : lookupPath(ctx.vars, p.var);
  },

  diff(p, cur): Plan {
    if (p.var !== undefined && p.msg !== undefined) return { kind: 'fail', msg: 'parameters are mutually exclusive: msg|var' };
    if (cur.belowVerbosity) return { kind: 'noop', reason: 'debug prints only', result: { msg: undefined, skipped: true, skip_reason: 'Verbosity threshold not met.' } };
    if (p.var !== undefined) {
      // as Ansible's: the variable and nothing else (no msg)
      return { kind: 'noop', reason: 'debug prints only', result: { msg: undefined, [p.var]: cur.found ? cur.value : 'VARIABLE IS NOT DEFINED!' } };
    }
    // Ansible's msg may be any value (a list, a dict): it is shown as given
    return { kind: 'noop', reason: 'debug prints only', result: { msg: (p.msg ?? 'Hello world!') as string } };
  },

  async apply() {
    throw new Error('debug never changes anything');
  },
};
