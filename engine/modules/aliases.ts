// Parameter aliases (`dest` for file's `path`, ...) are declared in each module's schema as
// `aliases: [...]` on the property; this maps them to the canonical names before validation.

export class AliasConflictError extends Error {}

/** Rename aliased keys to their canonical names. Throws when both a name and its alias are set. */
export function canonicalParams(schema: Record<string, unknown>, params: Record<string, unknown>): Record<string, unknown> {
  const props = (schema.properties ?? {}) as Record<string, { aliases?: string[] }>;
  const toCanonical = new Map<string, string>();
  for (const [name, def] of Object.entries(props)) for (const a of def.aliases ?? []) toCanonical.set(a, name);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) {
    const name = props[k] ? k : (toCanonical.get(k) ?? k);
    if (name in out) throw new AliasConflictError(`parameters "${name}" and its alias "${k}" are both set`);
    out[name] = v;
  }
  return out;
}
