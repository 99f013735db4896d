// Where roles are looked up, highest priority first. Its own file so that `tsplay role doc`
// does not load the runner.
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { shippedRolesDir } from '../paths.js';
import type { RunOptions } from './options.js';

export function rolesPathFor(opts: Pick<RunOptions, 'rolesPath'>): string[] {
  const env = process.env.TSPLAY_ROLES_PATH?.split(':').filter(Boolean) ?? [];
  return [...(opts.rolesPath ?? []), ...env, shippedRolesDir()].map((p) => resolve(p));
}

/**
 * The site/roles directories beside the inventory sources (README, "Site customization"), the
 * last -i first as its variables win too. They come before every other role directory: the
 * inventory names one site, so its role replaces or extends the shipped role of that name.
 */
export function siteRolesFor(inventorySources: readonly string[]): string[] {
  const out: string[] = [];
  for (const s of [...inventorySources].reverse()) {
    if (!existsSync(s)) continue;
    const dir = join(statSync(s).isDirectory() ? s : dirname(s), 'site', 'roles');
    if (existsSync(dir) && statSync(dir).isDirectory()) out.push(resolve(dir));
  }
  return [...new Set(out)];
}
