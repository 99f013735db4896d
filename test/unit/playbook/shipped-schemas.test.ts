// The shipped schemas are valid JSON Schemas. The inventory schema is compiled at run time
// without a meta-schema check (it costs more than the schema itself), so this test is that check.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { Ajv } from 'ajv';
import { findInventorySchema } from '../../../engine/inventory/schema.js';
import { schemasDir } from '../../../engine/paths.js';
import { builtinModules } from '../../../engine/modules/registry.js';

describe('shipped schemas', () => {
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  const valid = (schema: object, what: string) => expect(ajv.validateSchema(schema), `${what}: ${ajv.errorsText()}`).to.equal(true);

  it('the inventory schema is a valid JSON Schema and compiles in strict mode', () => {
    const schema = JSON.parse(readFileSync(findInventorySchema(), 'utf8')) as object;
    valid(schema, 'inventory.schema.json');
    expect(() => new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(schema)).to.not.throw();
  });
  it('the playbook schema is a valid JSON Schema', () => {
    valid(JSON.parse(readFileSync(join(schemasDir(), 'playbook.schema.json'), 'utf8')) as object, 'playbook.schema.json');
  });
  it("every built-in module's parameter schema is a valid JSON Schema", async () => {
    for (const [name, m] of await builtinModules()) valid(m.schema, name);
  });
});
