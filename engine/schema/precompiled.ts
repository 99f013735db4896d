// Validators compiled at build time (scripts/precompile-schemas.ts, Ajv standalone code in
// dist/schemas-compiled/): a run then neither loads Ajv's compiler nor generates code for the
// schemas it ships with, which would otherwise be a good part of a cluster run's start.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { projectRoot } from '../paths.js';

const require = createRequire(import.meta.url);

export const precompiledDir = (): string => join(projectRoot(), 'dist', 'schemas-compiled');

/** The build's validator for this key, or undefined when the build made none. */
export function loadPrecompiled(key: string): ValidateFunction | undefined {
  const file = join(precompiledDir(), `${key}.cjs`);
  if (!existsSync(file)) return undefined;
  const m = require(file) as { validate: ValidateFunction };
  return m.validate;
}
