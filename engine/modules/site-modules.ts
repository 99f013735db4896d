// Site modules: .js/.mjs/.ts files in `modules/` beside the playbook or in TSPLAY_MODULES_PATH /
// --modules-path, each exporting a Module (default export or `module`) written against the
// same contract as the built-in ones. TypeScript files are transpiled on load.
//
// A module is code: importing it runs its top level. Checking a playbook needs only each
// module's name and parameter schema, so when `NAME.schema.json` sits beside `NAME.ts|js|mjs`,
// the commands that only check or list (--syntax-check, --list-hosts, --list-tasks) read that
// file and never import the module; a run imports it and refuses a schema file that differs.
import { readdir, readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { dirname, join, resolve, extname, basename } from 'node:path';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import { InputError } from '../errors.js';
import { parseYamlText } from '../yaml/source.js';
import { utf8Text } from '../utf8.js';
import type { Module } from './types.js';

function isModule(m: unknown): m is Module {
  const x = m as Module;
  return !!x && typeof x.name === 'string' && typeof x.read === 'function' && typeof x.diff === 'function' && typeof x.apply === 'function' && typeof x.schema === 'object';
}

async function importFile(file: string): Promise<unknown> {
  if (extname(file) !== '.ts') return import(pathToFileURL(file).href);
  const ts = await import('typescript').catch(() => {
    throw new InputError('site modules in TypeScript need the "typescript" package', { file });
  });
  const out = ts.default.transpileModule(await readFile(file, 'utf8'), {
    compilerOptions: { module: ts.default.ModuleKind.ESNext, target: ts.default.ScriptTarget.ES2022 },
    fileName: file,
  });
  const dir = await mkdtemp(join(tmpdir(), 'tsplay-site-module-'));
  try {
    const js = join(dir, file.replace(/[^A-Za-z0-9]+/g, '_') + '.mjs');
    await writeFile(js, out.outputText);
    return await import(pathToFileURL(js).href);
  } finally {
    // once imported, the transpiled copy is not read again
    await rm(dir, { recursive: true, force: true });
  }
}

interface SchemaFile {
  file: string;
  name: string;
  schema: Record<string, unknown>;
}

/** `NAME.schema.json` beside a module file: the JSON Schema of the parameters of module NAME */
async function schemaFileOf(moduleFile: string): Promise<SchemaFile | undefined> {
  const name = basename(moduleFile).replace(/\.(m?js|ts)$/, '');
  const file = join(dirname(moduleFile), `${name}.schema.json`);
  if (!existsSync(file)) return undefined;
  // parsed as YAML (a superset of JSON) for file:line:col in errors
  const { data } = parseYamlText(utf8Text(await readFile(file), file), file);
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new InputError('a site module schema file must hold a JSON Schema object', { file });
  return { file, name, schema: data as Record<string, unknown> };
}

/** stands for a module that was not imported: enough to check tasks, never run */
function described(s: SchemaFile): Module {
  const notLoaded = () => {
    throw new InputError(`site module ${s.name} was not loaded (only its schema file was read)`, { file: s.file });
  };
  return { name: s.name, schema: s.schema, read: notLoaded, diff: notLoaded, apply: notLoaded };
}

/**
 * The site modules for a playbook. `importCode: false` (checking or listing only): a module with
 * a schema file beside it is described by that file and its code does not run.
 */
export async function loadSiteModules(playbook: string, paths: string[], opts: { importCode?: boolean } = {}): Promise<Module[]> {
  const importCode = opts.importCode ?? true;
  const dirs = [join(dirname(resolve(playbook)), 'modules'), ...paths.map((p) => resolve(p))];
  const found: Module[] = [];
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const f of (await readdir(dir)).sort()) {
      if (!/\.(m?js|ts)$/.test(f) || f.endsWith('.d.ts')) continue;
      const file = join(dir, f);
      const schemaFile = await schemaFileOf(file);
      if (schemaFile && !importCode) {
        found.push(described(schemaFile));
        continue;
      }
      let mod: Record<string, unknown>;
      try {
        mod = (await importFile(file)) as Record<string, unknown>;
      } catch (e) {
        if (e instanceof InputError) throw e;
        throw new InputError(`cannot load site module: ${(e as Error).message}`, { file });
      }
      const m = mod.default ?? mod.module;
      if (!isModule(m)) throw new InputError('a site module must export a Module {name, schema, read, diff, apply} as default or `module`', { file });
      if (schemaFile) {
        // what --syntax-check judged by must be what runs
        if (m.name !== schemaFile.name) throw new InputError(`describes module "${schemaFile.name}", but ${f} exports "${m.name}"`, { file: schemaFile.file });
        if (m.freeForm) throw new InputError(`module "${m.name}" takes a free-form parameter, which a schema file cannot describe: remove this file`, { file: schemaFile.file });
        if (!isDeepStrictEqual(m.schema, schemaFile.schema)) throw new InputError(`differs from the schema module "${m.name}" exports (${f}): make them the same`, { file: schemaFile.file });
      }
      found.push(m);
    }
  }
  return found;
}
