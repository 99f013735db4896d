// The name of a precompiled validator: which option set, which schema (by content), which
// definition inside it. A schema edited since the build has another key, so it is compiled.
import { createHash } from 'node:crypto';
import type { Variant } from './variants.js';

export function schemaKey(variant: Variant, schema: object, ref = ''): string {
  return createHash('sha256').update(`${variant}\0${ref}\0${JSON.stringify(schema)}`).digest('hex').slice(0, 32);
}
