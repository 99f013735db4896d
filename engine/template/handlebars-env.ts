// One Handlebars environment per Templater (Handlebars.create(): no global registrations),
// with the config helpers and the internal helpers used by the AST rewrite (strict-ast.ts).

import { createRequire } from 'node:module';
import type HandlebarsModule from 'handlebars';
import { HELPERS, LENIENT_HELPERS, type Helper } from './helpers.js';
import { TemplateFault, posFromLoc } from './fault.js';
import { CAPTURE, OUT, STRICT, type RewriteContext } from './strict-ast.js';
import { kindOf } from './value-kind.js';

export type HandlebarsEnv = ReturnType<typeof HandlebarsModule.create>;

// loaded on the first template: a run whose playbook and inventory hold none (facts only)
// never pays for it
const require = createRequire(import.meta.url);
let handlebars: typeof HandlebarsModule | undefined;
const Handlebars = () => (handlebars ??= require('handlebars') as typeof HandlebarsModule);

interface HelperOptions {
  hash?: Record<string, unknown>;
  loc?: unknown;
  data?: { capture?: { value?: unknown } };
}

function wrapHelper(name: string, fn: Helper) {
  return function (this: unknown, ...argsAndOptions: unknown[]): unknown {
    const options = argsAndOptions.pop() as HelperOptions;
    try {
      return fn(argsAndOptions, options.hash ?? {});
    } catch (e) {
      if (e instanceof TemplateFault) throw e;
      const msg = e instanceof Error ? e.message : String(e);
      throw new TemplateFault(msg.startsWith(`${name}:`) ? msg : `${name}: ${msg}`, posFromLoc(options.loc));
    }
  };
}

/** Why `a.b.c` is undefined: the first segment that is missing, when the path starts at the context. */
function missingDetail(context: unknown, parts: string[]): string {
  let cur = context;
  for (let i = 0; i < parts.length; i++) {
    const here = typeof cur === 'object' && cur !== null && Object.prototype.hasOwnProperty.call(cur, parts[i]);
    if (!here) {
      if (i === 0) return '';
      const owner = parts.slice(0, i).join('.');
      return cur === null || typeof cur !== 'object'
        ? `: "${owner}" is ${kindOf(cur)}, not a map`
        : `: "${owner}" has no key "${parts[i]}"`;
    }
    cur = (cur as Record<string, unknown>)[parts[i]];
  }
  return '';
}

/** How a value looks inside rendered text: lists and maps as JSON, null and undefined as nothing. */
export function textOf(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  if (typeof v === 'object' && !(handlebars && v instanceof handlebars.SafeString)) return JSON.stringify(v);
  return String(v);
}

export function createHandlebarsEnv(): { hb: HandlebarsEnv; rewrite: RewriteContext } {
  const hb = Handlebars().create();
  hb.unregisterHelper('log'); // would write to the console
  for (const [name, fn] of Object.entries(HELPERS)) hb.registerHelper(name, wrapHelper(name, fn));

  hb.registerHelper(STRICT, function (this: unknown, value: unknown, original: string, partsJson: string, line: number, col: number) {
    if (value !== undefined && (value !== null || !partsJson.includes(','))) return value;
    // Handlebars gives null for `a.b` when `a` is null; Ansible says undefined. Walk the path to tell.
    const parts = JSON.parse(partsJson) as string[];
    const detail = original.startsWith('@') || original.startsWith('..') ? '' : missingDetail(this, parts);
    if (value === null && detail === '') return value; // a real null leaf, or a path we cannot walk (block params)
    throw new TemplateFault(`undefined variable "${original}"${detail}`, { line, col });
  });
  hb.registerHelper(OUT, (value: unknown) => textOf(value));
  hb.registerHelper(CAPTURE, (value: unknown, options: HelperOptions) => {
    if (options.data?.capture) options.data.capture.value = value;
    return '';
  });

  const helpers = new Set(Object.keys(hb.helpers));
  return { hb, rewrite: { helpers, lenient: LENIENT_HELPERS } };
}
