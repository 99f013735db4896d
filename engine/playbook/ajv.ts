// Validation errors as tsplay reports them. Validators come from engine/schema/validators.ts
// (precompiled at build time, or compiled there); this file loads no part of Ajv.
import type { ErrorObject, ValidateFunction } from 'ajv';

/** A template string ("{{ x }}") can become any type once rendered. */
export function isTemplated(v: unknown): boolean {
  return typeof v === 'string' && v.includes('{{');
}

function valueAt(root: unknown, instancePath: string): unknown {
  let cur = root;
  for (const seg of instancePath.split('/').slice(1)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[seg.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return cur;
}

/**
 * Errors that still hold when templated values may turn into anything: type/enum/format/pattern
 * errors on a "{{ … }}" string are left for the run-time check after rendering.
 */
export function relevantErrors(validate: ValidateFunction, data: unknown, tolerateTemplates: boolean): ErrorObject[] {
  if (validate(data)) return [];
  const errs = validate.errors ?? [];
  if (!tolerateTemplates) return dedupe(errs);
  return dedupe(
    errs.filter((e) => {
      if (!isTemplated(valueAt(data, e.instancePath))) return true;
      return !['type', 'enum', 'format', 'pattern', 'minimum', 'maximum', 'const', 'anyOf', 'oneOf', 'minLength', 'maxLength', 'minItems', 'maxItems'].includes(e.keyword);
    }),
  );
}

function dedupe(errs: ErrorObject[]): ErrorObject[] {
  // oneOf/anyOf produce a cascade; keep the most specific ones first
  const seen = new Set<string>();
  return errs.filter((e) => {
    const k = e.instancePath + e.keyword + e.message;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export function describeAjvError(e: ErrorObject): string {
  const where = e.instancePath ? e.instancePath.split('/').slice(1).join('.') : '';
  if (e.keyword === 'additionalProperties') {
    return `unknown parameter "${(e.params as { additionalProperty: string }).additionalProperty}"${where ? ` in ${where}` : ''}`;
  }
  if (e.keyword === 'required') return `missing required parameter "${(e.params as { missingProperty: string }).missingProperty}"${where ? ` in ${where}` : ''}`;
  if (e.keyword === 'enum') return `${where || 'value'} must be one of: ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
  return `${where || 'value'} ${e.message ?? 'is invalid'}`;
}
