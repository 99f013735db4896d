// A role's parameters as JSON Schema: roles/<name>/schema.json, or meta/argument_specs.yml
// translated. The highest-priority directory of the role that has one wins (a site extension
// may declare the parameters it adds).
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Validators } from '../schema/validators.js';
import { InputError } from '../errors.js';
import { loadYamlFile, parseYamlText, SourceMap } from '../yaml/source.js';
import { utf8Text } from '../utf8.js';
import { argumentSpecsToSchema } from './role-schema-argspec.js';
import { yamlFile } from './role-dirs.js';

export interface RoleSchema {
  /** the file it came from (schema.json or meta/argument_specs.yml) */
  file: string;
  /** a JSON Schema of type object: properties (type, default, description, enum…), required */
  schema: Record<string, unknown>;
}

export async function loadRoleSchema(dirs: string[], schemas: Validators, entryPoint = 'main'): Promise<RoleSchema | undefined> {
  for (const d of dirs) {
    const json = join(d, 'schema.json');
    if (existsSync(json)) {
      // parsed as YAML (a superset of JSON) for positions in errors
      const sm = new SourceMap();
      const { data } = parseYamlText(utf8Text(await readFile(json), json), json, sm);
      return checked({ file: json, schema: data as Record<string, unknown> }, schemas, sm);
    }
    const spec = yamlFile(join(d, 'meta'), 'argument_specs');
    if (spec) {
      const sm = new SourceMap();
      const { data } = await loadYamlFile(spec, sm);
      const schema = argumentSpecsToSchema(data, entryPoint, (obj, key) => sm.pos(obj, key) ?? { file: spec });
      return schema ? checked({ file: spec, schema }, schemas, sm) : undefined;
    }
  }
  return undefined;
}

function checked(rs: RoleSchema, schemas: Validators, sm: SourceMap): RoleSchema {
  const s = rs.schema;
  if (s === null || typeof s !== 'object' || Array.isArray(s)) throw new InputError('a role schema must be a JSON Schema object', { file: rs.file });
  if (s.type !== undefined && s.type !== 'object') throw new InputError('a role schema describes the role\'s variables: "type" must be "object"', sm.pos(s, 'type') ?? { file: rs.file });
  try {
    schemas.get(s);
  } catch (e) {
    throw new InputError(`invalid role schema: ${(e as Error).message}`, { file: rs.file });
  }
  return rs;
}

/** the parameters a schema declares, in declaration order */
export function schemaParams(rs: RoleSchema): [string, Record<string, unknown>][] {
  const props = (rs.schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  return Object.entries(props);
}
