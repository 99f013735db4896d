// Where the project's own files (shipped roles, schemas) are, wherever the code runs from.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

export function projectRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'tsplay') return (root = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the tsplay project root');
    dir = up;
  }
}

export const shippedRolesDir = (): string => join(projectRoot(), 'roles');
export const schemasDir = (): string => join(projectRoot(), 'schemas');
