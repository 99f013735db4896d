// Ansible's meta/argument_specs.yml translated to the JSON Schema tsplay checks role variables
// with: type str/int/float/bool/list/dict/path/raw, required, default, choices, description,
// elements, options (nested dicts).
import { InputError, type SourcePos } from '../errors.js';

const TYPES: Record<string, string | undefined> = {
  str: 'string',
  path: 'string',
  int: 'integer',
  float: 'number',
  bool: 'boolean',
  list: 'array',
  dict: 'object',
  raw: undefined,
};

function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function description(d: unknown): string | undefined {
  if (Array.isArray(d)) return d.map(String).join(' ');
  return typeof d === 'string' ? d : undefined;
}

function typeSchema(type: unknown, where: () => SourcePos): Record<string, unknown> {
  const t = type === undefined ? 'str' : String(type);
  if (!(t in TYPES)) throw new InputError(`argument_specs: unknown type "${t}" (one of ${Object.keys(TYPES).join(', ')})`, where());
  const js = TYPES[t];
  return js ? { type: js } : {};
}

/** options of a spec (or of a dict option) → properties + required */
function objectSchema(options: unknown, posOf: (obj: unknown, key?: string) => SourcePos): Record<string, unknown> {
  if (options === undefined || options === null) return { type: 'object' };
  if (!isMap(options)) throw new InputError('argument_specs: "options" must be a map of parameter names', posOf(options));
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  for (const [name, spec] of Object.entries(options)) {
    if (!isMap(spec)) throw new InputError(`argument_specs: option "${name}" must be a map (type, default, description…)`, posOf(options, name));
    const p: Record<string, unknown> = typeSchema(spec.type, () => posOf(spec, 'type'));
    const desc = description(spec.description);
    if (desc) p.description = desc;
    if (spec.default !== undefined) p.default = spec.default;
    if (Array.isArray(spec.choices)) p.enum = spec.choices;
    if (p.type === 'array' && spec.elements !== undefined) {
      p.items = spec.elements === 'dict' && spec.options ? objectSchema(spec.options, posOf) : typeSchema(spec.elements, () => posOf(spec, 'elements'));
      if (Array.isArray(spec.choices)) {
        // choices on a list constrain its elements
        delete p.enum;
        (p.items as Record<string, unknown>).enum = spec.choices;
      }
    } else if (p.type === 'object' && spec.options !== undefined) Object.assign(p, objectSchema(spec.options, posOf));
    properties[name] = p;
    if (spec.required === true) required.push(name);
  }
  return { type: 'object', properties, ...(required.length ? { required } : {}) };
}

/** argument_specs.<entry point> → JSON Schema (entry point `main` unless tasks_from names another) */
export function argumentSpecsToSchema(data: unknown, entryPoint: string, posOf: (obj: unknown, key?: string) => SourcePos): Record<string, unknown> | undefined {
  if (!isMap(data) || !isMap(data.argument_specs)) throw new InputError('argument_specs.yml must hold a map "argument_specs:"', posOf(data));
  const spec = data.argument_specs[entryPoint];
  if (spec === undefined) return undefined;
  if (!isMap(spec)) throw new InputError(`argument_specs.${entryPoint} must be a map`, posOf(data.argument_specs, entryPoint));
  const schema = objectSchema(spec.options, posOf);
  const desc = description(spec.short_description) ?? description(spec.description);
  return desc ? { description: desc, ...schema } : schema;
}
