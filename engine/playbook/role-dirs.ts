// Finding a role on the role path. The first directory with tasks/main.yml is the role;
// the others with the same name extend it (pre/post hook task files, shadowing templates,
// extra defaults) so a site never has to fork a shipped role.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface RoleDirs {
  name: string;
  /** the directory whose tasks/main.yml is the role's body */
  main: string;
  /** every directory of that name on the path, highest priority first */
  all: string[];
}

export function yamlFile(dir: string, base: string): string | undefined {
  for (const ext of ['.yml', '.yaml', '.json']) {
    const p = join(dir, base + ext);
    if (existsSync(p)) return p;
  }
  return undefined;
}

export function findRoleDirs(name: string, rolesPath: string[]): RoleDirs | undefined {
  const all = rolesPath.map((d) => join(d, name)).filter((d) => existsSync(d) && statSync(d).isDirectory());
  if (!all.length) return undefined;
  const main = all.find((d) => yamlFile(join(d, 'tasks'), 'main')) ?? all[all.length - 1];
  return { name, main, all };
}
