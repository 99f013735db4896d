// Site modules: .js/.mjs/.ts files in `modules/` beside the playbook or in TSPLAY_MODULES_PATH /
// --modules-path, each exporting a Module (default export or `module`) written against the
// same contract as the built-in ones. TypeScript files are transpiled on load.
import { readdir, readFile, writeFile, mkdtemp } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join, resolve, extname } from 'node:path';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import { InputError } from '../errors.js';
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
  const js = join(dir, file.replace(/[^A-Za-z0-9]+/g, '_') + '.mjs');
  await writeFile(js, out.outputText);
  return import(pathToFileURL(js).href);
}

export async function loadSiteModules(playbook: string, paths: string[]): Promise<Module[]> {
  const dirs = [join(dirname(resolve(playbook)), 'modules'), ...paths.map((p) => resolve(p))];
  const found: Module[] = [];
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const f of (await readdir(dir)).sort()) {
      if (!/\.(m?js|ts)$/.test(f) || f.endsWith('.d.ts')) continue;
      const file = join(dir, f);
      let mod: Record<string, unknown>;
      try {
        mod = (await importFile(file)) as Record<string, unknown>;
      } catch (e) {
        if (e instanceof InputError) throw e;
        throw new InputError(`cannot load site module: ${(e as Error).message}`, { file });
      }
      const m = mod.default ?? mod.module;
      if (!isModule(m)) throw new InputError('a site module must export a Module {name, schema, read, diff, apply} as default or `module`', { file });
      found.push(m);
    }
  }
  return found;
}
