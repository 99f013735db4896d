// Where roles are looked up, highest priority first. Its own file so that `tsplay role doc`
// does not load the runner.
import { resolve } from 'node:path';
import { shippedRolesDir } from '../paths.js';
import type { RunOptions } from './options.js';

export function rolesPathFor(opts: Pick<RunOptions, 'rolesPath'>): string[] {
  const env = process.env.TSPLAY_ROLES_PATH?.split(':').filter(Boolean) ?? [];
  return [...(opts.rolesPath ?? []), ...env, shippedRolesDir()].map((p) => resolve(p));
}
