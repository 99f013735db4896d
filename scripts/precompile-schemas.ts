// Build step (npm run build, after tsc): writes the standalone validator of every schema tsplay
// ships (playbook, inventory, built-in module parameters, shipped role parameters) for each
// option set that validates it, into dist/schemas-compiled/<key>.cjs. Run: node dist/scripts/precompile-schemas.js
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { schemasDir, shippedRolesDir } from '../engine/paths.js';
import { builtinModules } from '../engine/modules/registry.js';
import { metaModule } from '../engine/runner/meta-module.js';
import { loadRoleSchema } from '../engine/playbook/role-schema.js';
import { loadYamlFile, SourceMap } from '../engine/yaml/source.js';
import { yamlFile } from '../engine/playbook/role-dirs.js';
import { playbookSchema, levelRef, VALIDATED_LEVELS } from '../engine/playbook/playbook-schema.js';
import { Validators, newAjv } from '../engine/schema/validators.js';
import { schemaKey } from '../engine/schema/schema-key.js';
import { precompiledDir } from '../engine/schema/precompiled.js';
import type { Variant } from '../engine/schema/variants.js';

const require = createRequire(import.meta.url);
const standaloneCode = (require('ajv/dist/standalone') as { default: (ajv: unknown, refs: Record<string, string>) => string }).default;

interface Job {
  variant: Variant;
  schema: object;
  ref: string;
  what: string;
}

/** Standalone code exporting `validate` for one schema (or one of its definitions). */
function compileOne(job: Job): string {
  const ajv = newAjv(job.variant, { source: true });
  const id = (job.schema as { $id?: string }).$id;
  // a schema without $id is added under its key, so that standalone code can name it
  const name = id ?? `tsplay:${schemaKey(job.variant, job.schema)}`;
  ajv.addSchema(job.schema, id ? undefined : name);
  if (!ajv.getSchema(`${name}${job.ref}`)) throw new Error(`${job.what}: no definition ${job.ref}`);
  return standaloneCode(ajv, { validate: `${name}${job.ref}` });
}

async function roleSchemas(): Promise<{ what: string; schema: object }[]> {
  const out: { what: string; schema: object }[] = [];
  const check = new Validators('load');
  for (const name of readdirSync(shippedRolesDir()).sort()) {
    const dir = join(shippedRolesDir(), name);
    const spec = yamlFile(join(dir, 'meta'), 'argument_specs');
    let entries = ['main'];
    if (!existsSync(join(dir, 'schema.json')) && spec) {
      const { data } = await loadYamlFile(spec, new SourceMap());
      const specs = (data as { argument_specs?: Record<string, unknown> } | null)?.argument_specs;
      entries = specs ? Object.keys(specs) : [];
    }
    for (const entry of entries) {
      const rs = await loadRoleSchema([dir], check, entry);
      if (rs) out.push({ what: `role ${name} (${entry})`, schema: rs.schema });
    }
  }
  return out;
}

async function main(): Promise<void> {
  const jobs: Job[] = [];
  // the playbook schema as the keyword table makes it: the keywords of each level
  const playbook = playbookSchema();
  for (const level of VALIDATED_LEVELS) jobs.push({ variant: 'load', schema: playbook, ref: levelRef(level), what: `${level} keywords` });
  const inventory = JSON.parse(readFileSync(join(schemasDir(), 'inventory.schema.json'), 'utf8')) as object;
  jobs.push({ variant: 'inventory', schema: inventory, ref: '', what: 'inventory' });
  const plan = JSON.parse(readFileSync(join(schemasDir(), 'plan.schema.json'), 'utf8')) as object;
  jobs.push({ variant: 'plan', schema: plan, ref: '', what: 'plan' });
  // module and role parameters: as written (load) and rendered (render)
  const seen = new Set<object>();
  for (const [name, mod] of [...(await builtinModules()), ['meta', metaModule] as const]) {
    if (seen.has(mod.schema)) continue;
    seen.add(mod.schema);
    for (const variant of ['load', 'render'] as const) jobs.push({ variant, schema: mod.schema, ref: '', what: `module ${name}` });
  }
  for (const r of await roleSchemas()) for (const variant of ['load', 'render'] as const) jobs.push({ variant, schema: r.schema, ref: '', what: r.what });

  const dir = precompiledDir();
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  for (const job of jobs) writeFileSync(join(tmp, `${schemaKey(job.variant, job.schema, job.ref)}.cjs`), compileOne(job));
  // the whole directory is replaced at once: a run never sees half of a build
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  process.stdout.write(`precompiled ${jobs.length} validators into ${dir}\n`);
}

main().catch((e) => {
  process.stderr.write(`precompile-schemas: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
