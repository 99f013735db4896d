// Structural validation of a YAML inventory against schemas/inventory.schema.json, with each
// error mapped back to the line and column of the offending node.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { Validators } from '../schema/validators.js';
import { InputError } from '../errors.js';
import { posAt, type LoadedYaml } from '../yaml/source.js';

const SCHEMA_FILE = join('schemas', 'inventory.schema.json');

/** The schema lives at the repository root; compiled code may sit at dist/ or .build/x/, so look upwards. */
export function findInventorySchema(from = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, SCHEMA_FILE);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error(`cannot find ${SCHEMA_FILE} above ${from}`);
  }
}

let compiled: ValidateFunction | undefined;
function validator(): ValidateFunction {
  if (!compiled) {
    const schema = JSON.parse(readFileSync(findInventorySchema(), 'utf8')) as object;
    // the schema is shipped and checked against the meta-schema by a unit test: compiling the
    // meta-schema on every start would cost more than the inventory schema itself
    compiled = new Validators('inventory', false).get(schema);
  }
  return compiled;
}

function pointerToPath(pointer: string): string[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `a ${typeof v} (${JSON.stringify(v)})`;
}

/** "group web", "hosts of group web", "vars of host h1 in group web" */
function describe(path: string[]): string {
  if (path.length === 0) return 'the inventory';
  let what = `group "${path[0]}"`;
  for (let i = 1; i < path.length; i += 2) {
    const section = path[i];
    const name = path[i + 1];
    if (section === 'children') what = name === undefined ? `children of ${what}` : `group "${name}"`;
    else if (section === 'hosts') what = name === undefined ? `hosts of ${what}` : `host "${name}" in ${what}`;
    else if (section === 'vars') return name === undefined ? `vars of ${what}` : `variable "${name}" of ${what}`;
    else return `key "${section}" in ${what}`;
  }
  return what;
}

function valueAt(data: unknown, path: string[]): unknown {
  let v = data;
  for (const k of path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  return v;
}

/** Picks the most telling error: the deepest, and the most specific keyword for it. */
function pick(errors: ErrorObject[]): ErrorObject {
  const rank = (e: ErrorObject) => (e.keyword === 'propertyNames' ? 3 : e.keyword === 'not' ? 1 : 2);
  return [...errors].sort((a, b) => b.instancePath.split('/').length - a.instancePath.split('/').length || rank(b) - rank(a))[0]!;
}

export function validateInventoryYaml(source: LoadedYaml): void {
  const data = source.data;
  const validate = validator();
  if (validate(data)) return;
  const err = pick(validate.errors ?? []);
  const path = pointerToPath(err.instancePath);
  if (err.keyword === 'additionalProperties') {
    const extra = String((err.params as { additionalProperty: string }).additionalProperty);
    throw new InputError(`unexpected key "${extra}" in ${describe(path)}: a group has only "hosts", "children" and "vars"`, posAt(source, [...path, extra], true));
  }
  if (err.keyword === 'propertyNames') {
    const name = String((err.params as { propertyName: string }).propertyName);
    throw new InputError(`name "${name}" is not allowed in ${describe(path)}`, posAt(source, [...path, name], true));
  }
  const found = valueAt(data, path);
  const expected =
    err.keyword === 'type' ? `must be ${String((err.params as { type: string | string[] }).type).replace(/,/g, ' or ')}` : (err.message ?? 'is not valid');
  throw new InputError(`${describe(path)} ${expected}, found ${typeName(found)}`, posAt(source, path));
}
