// `tsplay role doc`: a role's parameters (type, default, description), from its schema.json or
// meta/argument_specs.yml, with the values of defaults/main.yml. Loaded only when that command runs.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { Validators } from '../schema/validators.js';
import { findRoleDirs, yamlFile } from '../playbook/role-dirs.js';
import { loadRoleSchema, schemaParams } from '../playbook/role-schema.js';
import { loadVarsFile } from '../yaml/vars-file.js';
import { rolesPathFor } from '../runner/roles-path.js';

function typeOf(p: Record<string, unknown>): string {
  if (Array.isArray(p.enum)) return `one of ${p.enum.map((x) => JSON.stringify(x)).join(', ')}`;
  const t = Array.isArray(p.type) ? p.type.join('|') : typeof p.type === 'string' ? p.type : 'any';
  const items = p.items as Record<string, unknown> | undefined;
  return t === 'array' && items ? `array of ${typeOf(items)}` : t;
}

const searchPath = (rolesPath: string[]) => [...new Set([resolve('roles'), ...rolesPathFor({ rolesPath })])];

/** Every role on the role path, each once (the first directory of a name is the one shown), by name. */
export async function allRoleDocs(rolesPath: string[]): Promise<string> {
  const names = new Set<string>();
  for (const d of searchPath(rolesPath)) {
    if (!existsSync(d) || !statSync(d).isDirectory()) continue;
    for (const e of readdirSync(d, { withFileTypes: true })) if (e.isDirectory() && !e.name.startsWith('.')) names.add(e.name);
  }
  const docs: string[] = [];
  for (const n of [...names].sort()) docs.push(await roleDoc(n, rolesPath));
  return docs.join('\n');
}

export async function roleDoc(name: string, rolesPath: string[]): Promise<string> {
  const path = searchPath(rolesPath);
  const dirs = findRoleDirs(name, path);
  if (!dirs) throw new InputError(`role "${name}" not found in: ${path.join(', ')}`);
  const defaults: Record<string, unknown> = {};
  for (const d of [...dirs.all].reverse()) {
    const f = yamlFile(join(d, 'defaults'), 'main');
    if (f) Object.assign(defaults, await loadVarsFile(f));
  }
  const rs = await loadRoleSchema(dirs.all, new Validators('load'));
  const lines = [`role ${name} (${dirs.main})`];
  const meta = yamlFile(join(dirs.main, 'meta'), 'main');
  const deps = meta ? ((await loadVarsFile(meta)).dependencies as unknown[] | undefined) : undefined;
  const depNames = (Array.isArray(deps) ? deps : []).map((d) => (typeof d === 'string' ? d : (d as { role?: string; name?: string })?.role ?? (d as { name?: string })?.name)).filter((d) => typeof d === 'string');
  if (depNames.length) lines.push(`  depends on ${depNames.join(', ')}: their parameters are this role's too`);
  if (!rs) {
    lines.push('  declares no schema (schema.json or meta/argument_specs.yml); its defaults:');
    for (const [k, v] of Object.entries(defaults)) lines.push(`  ${k}  default: ${JSON.stringify(v)}`);
    return lines.join('\n') + '\n';
  }
  if (typeof rs.schema.description === 'string') lines.push(`  ${rs.schema.description}`);
  lines.push(`  parameters (${rs.file}):`);
  const required = new Set((rs.schema.required as string[] | undefined) ?? []);
  for (const [k, p] of schemaParams(rs)) {
    const def = k in defaults ? defaults[k] : p.default;
    lines.push('', `  ${k}${required.has(k) ? '  (required)' : ''}`, `    type: ${typeOf(p)}`);
    if (def !== undefined) lines.push(`    default: ${JSON.stringify(def)}`);
    if (typeof p.description === 'string') lines.push(`    ${p.description}`);
  }
  return lines.join('\n') + '\n';
}
