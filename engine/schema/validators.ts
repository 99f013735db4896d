// Compiled schema validators for one option set: the build's precompiled one when it has the
// schema, else compiled here (site modules and roles, a schema edited since the build). Ajv
// itself loads only then.
import { createRequire } from 'node:module';
import type { Ajv, ValidateFunction } from 'ajv';
import { VARIANTS, type Variant } from './variants.js';
import { schemaKey } from './schema-key.js';
import { loadPrecompiled } from './precompiled.js';

const require = createRequire(import.meta.url);

/** An Ajv for a variant. `source`: keep generated code (the build's standalone output). */
export function newAjv(variant: Variant, opts: { validateSchema?: boolean; source?: boolean } = {}): Ajv {
  const { Ajv } = require('ajv') as typeof import('ajv');
  const v = VARIANTS[variant];
  const ajv = new Ajv({ ...v.options, validateSchema: opts.validateSchema ?? true, ...(opts.source ? { code: { source: true } } : {}) });
  if (v.formats) (require('ajv-formats') as (a: Ajv) => Ajv)(ajv);
  return ajv;
}

export class Validators {
  private ajv?: Ajv;
  private bySchema = new WeakMap<object, Map<string, ValidateFunction>>();

  /**
   * validateSchema: check a schema compiled here against the meta-schema first (schemas that
   * come from outside); false where the schema was checked already by another Validators.
   */
  constructor(
    readonly variant: Variant,
    private readonly validateSchema = true,
  ) {}

  /** The validator of `schema` (or of the definition at `ref`, "#/definitions/x"). Throws on an invalid schema. */
  get(schema: object, ref = ''): ValidateFunction {
    let refs = this.bySchema.get(schema);
    if (!refs) this.bySchema.set(schema, (refs = new Map()));
    let v = refs.get(ref);
    if (!v) {
      v = loadPrecompiled(schemaKey(this.variant, schema, ref)) ?? this.compile(schema, ref);
      refs.set(ref, v);
    }
    return v;
  }

  private compile(schema: object, ref: string): ValidateFunction {
    const ajv = (this.ajv ??= newAjv(this.variant, { validateSchema: this.validateSchema }));
    if (!ref) return ajv.compile(schema);
    const id = (schema as { $id?: string }).$id;
    if (!id) throw new Error('a schema referenced by fragment needs an $id');
    if (!ajv.getSchema(id)) ajv.addSchema(schema);
    const v = ajv.getSchema(`${id}${ref}`);
    if (!v) throw new Error(`no definition ${ref} in schema ${id}`);
    return v;
  }
}
