// Parameter aliases (`dest` for file's `path`, ...) are declared in each module's schema as
// `aliases: [...]` on the property. withAliases() makes a module accept them anywhere a schema
// is used: the published schema lists each alias as a property, and the module's read/diff/apply
// see only canonical names.
import { InputError } from '../../errors.js';
import type { Module } from '../types.js';

type PropDef = { aliases?: string[]; description?: string; [k: string]: unknown };

function aliasMap(schema: Record<string, unknown>): Map<string, string> {
  const props = (schema.properties ?? {}) as Record<string, PropDef>;
  const toCanonical = new Map<string, string>();
  for (const [name, def] of Object.entries(props)) for (const a of def.aliases ?? []) toCanonical.set(a, name);
  return toCanonical;
}

/** Rename aliased keys to their canonical names. Throws InputError when a name and its alias are both set. */
export function canonicalParams<P>(schema: Record<string, unknown>, params: P): P {
  const toCanonical = aliasMap(schema);
  if (!toCanonical.size || !params || typeof params !== 'object') return params;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params as Record<string, unknown>)) {
    const name = toCanonical.get(k) ?? k;
    if (name in out) throw new InputError(`parameter "${name}" is given twice (as "${name}" and its alias "${k}")`);
    out[name] = v;
  }
  return out as P;
}

/** The schema with each alias as a property of its own; a required name may come as any alias. */
export function expandAliasSchema(schema: Record<string, unknown>): Record<string, unknown> {
  const props = (schema.properties ?? {}) as Record<string, PropDef>;
  if (![...Object.values(props)].some((d) => d.aliases?.length)) return schema;
  const outProps: Record<string, unknown> = { ...props };
  for (const [name, def] of Object.entries(props)) {
    for (const a of def.aliases ?? []) {
      const { aliases: _drop, ...rest } = def;
      outProps[a] = { ...rest, description: `Alias of ${name}.` };
    }
  }
  const required = (schema.required ?? []) as string[];
  const plain = required.filter((r) => !props[r]?.aliases?.length);
  const either = required.filter((r) => props[r]?.aliases?.length).map((r) => ({ anyOf: [r, ...props[r].aliases!].map((n) => ({ required: [n] })) }));
  const out: Record<string, unknown> = { ...schema, properties: outProps, required: plain };
  if (!plain.length) delete out.required;
  if (either.length) out.allOf = [...((schema.allOf as unknown[]) ?? []), ...either];
  return out;
}

export function withAliases<P, C>(mod: Module<P, C>): Module<P, C> {
  const norm = (p: P) => canonicalParams(mod.schema, p);
  return {
    ...mod,
    schema: expandAliasSchema(mod.schema),
    read: (ctx, p) => mod.read(ctx, norm(p)),
    diff: (p, cur) => mod.diff(norm(p), cur),
    apply: (ctx, p, plan) => mod.apply(ctx, norm(p), plan),
    predict: mod.predict ? (p, plan) => mod.predict!(norm(p), plan) : undefined,
  };
}
