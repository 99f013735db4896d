// tsplay's own roles and playbooks are already in tsplay's syntax: migrate finds nothing to change
// in them and nothing left over (a Handlebars block, a CEL condition or a k=v command is not Jinja).
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate } from '../../../engine/migrate/migrate.js';

function repoDir(name: string): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  // the source tree (tests may run from a build directory below it)
  while (!existsSync(path.join(dir, name)) || !existsSync(path.join(dir, 'engine', 'template', 'jinja.ts'))) {
    if (path.dirname(dir) === dir) throw new Error(`${name} not found`);
    dir = path.dirname(dir);
  }
  return path.join(dir, name);
}

describe('migrate: tsplay syntax is left as it is', () => {
  for (const dir of ['roles', 'playbooks']) {
    it(`${dir}/: nothing to rewrite, nothing left`, () => {
      const m = migrate(repoDir(dir));
      expect(m.files.map((f) => f.file)).to.deep.equal([]);
      expect(m.left).to.deep.equal([]);
    });
  }
});
