// Locates test/cases/<area> from the compiled test file, wherever the build's outDir is.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above the test file');
    dir = up;
  }
  return dir;
}

/** Every *.json under test/cases/<area> (recursively), parsed, with its relative path. */
export function loadCases<T>(area: string): Array<{ file: string; data: T }> {
  const base = join(repoRoot(), 'test', 'cases', area);
  const out: Array<{ file: string; data: T }> = [];
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.isDirectory()) walk(join(d, e.name), join(rel, e.name));
      else if (e.name.endsWith('.json')) out.push({ file: join(rel, e.name), data: JSON.parse(readFileSync(join(d, e.name), 'utf8')) as T });
    }
  };
  walk(base, '');
  return out;
}
