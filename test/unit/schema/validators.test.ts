// The build's precompiled validators (dist/schemas-compiled) must judge every input exactly as
// Ajv compiling the same schema at run time does: same verdict, same errors, same coercions.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtinModules } from '../../../engine/modules/registry.js';
import { metaModule } from '../../../engine/runner/meta-module.js';
import { schemaKey } from '../../../engine/schema/schema-key.js';
import { loadPrecompiled } from '../../../engine/schema/precompiled.js';
import { Validators, newAjv } from '../../../engine/schema/validators.js';
import { schemasDir } from '../../../engine/paths.js';
import { playbookSchema, levelRef, VALIDATED_LEVELS } from '../../../engine/playbook/playbook-schema.js';
import type { Variant } from '../../../engine/schema/variants.js';

/** inputs that reach every property with every JSON type, plus the usual mistakes */
function corpus(schema: { properties?: Record<string, unknown> }): unknown[] {
  const out: unknown[] = [{}, { bogus: 1 }, null, 'text', []];
  for (const p of Object.keys(schema.properties ?? {})) {
    for (const v of ['x', '8080', 'yes', 123, 0.5, true, ['a'], [1, 'b'], { k: 'v' }, null, '{{ x }}', '']) out.push({ [p]: v });
  }
  return out;
}

function judge(validate: (d: unknown) => boolean, data: unknown) {
  const copy = structuredClone(data);
  const valid = validate(copy);
  return { valid, errors: (validate as unknown as { errors?: unknown }).errors ?? null, data: copy };
}

describe('precompiled schema validators', () => {
  let modules: [string, { schema: object }][];
  before(async () => {
    modules = [...(await builtinModules()), ['meta', metaModule]];
  });

  it('exist for every built-in module schema, as written and rendered', () => {
    for (const [name, mod] of modules) {
      for (const variant of ['load', 'render'] as Variant[]) {
        expect(loadPrecompiled(schemaKey(variant, mod.schema)), `${name} ${variant}`).to.be.a('function');
      }
    }
  });

  it('judge every input of a corpus as a run-time compile does (verdict, errors, coerced data)', () => {
    let inputs = 0;
    for (const [name, mod] of modules) {
      for (const variant of ['load', 'render'] as Variant[]) {
        const pre = loadPrecompiled(schemaKey(variant, mod.schema))!;
        const compiled = newAjv(variant).compile(mod.schema);
        for (const data of corpus(mod.schema)) {
          expect(judge(pre, data), `${name} ${variant} ${JSON.stringify(data)}`).to.deep.equal(judge(compiled, data));
          inputs++;
        }
      }
    }
    expect(inputs).to.be.greaterThan(1000);
  });

  it('cover the playbook schema (the keywords of each level) and the inventory schema', () => {
    const playbook = playbookSchema();
    const inventory = JSON.parse(readFileSync(join(schemasDir(), 'inventory.schema.json'), 'utf8'));
    for (const level of VALIDATED_LEVELS) expect(loadPrecompiled(schemaKey('load', playbook, levelRef(level))), level).to.be.a('function');
    const kw = loadPrecompiled(schemaKey('load', playbook, levelRef('task')))!;
    expect(kw({ when: 'x', loop: [1] })).to.equal(true);
    expect(kw({ become: 'maybe?' , register: 5 })).to.equal(false);
    const inv = loadPrecompiled(schemaKey('inventory', inventory))!;
    expect(inv({ all: { hosts: { a: null } } })).to.equal(true);
    expect(inv({ all: { hosts: [] } })).to.equal(false);
  });

  it('a schema changed since the build is compiled at run time, and still checked against the meta-schema', () => {
    const v = new Validators('load');
    const schema = { type: 'object', properties: { port: { type: 'integer' } }, additionalProperties: false };
    expect(loadPrecompiled(schemaKey('load', schema))).to.equal(undefined);
    const validate = v.get(schema);
    expect(validate({ port: 1 })).to.equal(true);
    expect(validate({ port: 'x' })).to.equal(false);
    expect(v.get(schema)).to.equal(validate);
    expect(() => v.get({ type: 'no-such-type' })).to.throw(/schema is invalid/);
  });
});
