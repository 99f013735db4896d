// The README's Layout section is the map a newcomer reads first: every folder of engine/ must be on
// it, so a folder added without a word about it fails here rather than going unnoticed.
import { expect } from 'chai';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { projectRoot as repoRoot } from '../../engine/paths.js';

function folders(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .flatMap((e) => [join(dir, e.name), ...folders(join(dir, e.name))]);
}

describe('README layout', () => {
  it('names every folder of engine/', () => {
    const readme = readFileSync(join(repoRoot(), 'README.md'), 'utf8');
    const layout = readme.slice(readme.indexOf('## Layout'));
    expect(layout.length, 'the README has a Layout section').to.be.greaterThan(100);
    const section = layout.slice(0, (layout.indexOf('\n## ', 5) + 1 || layout.length + 1) - 1);
    const missing = folders(join(repoRoot(), 'engine'))
      .map((d) => relative(repoRoot(), d))
      .filter((d) => {
        const parts = d.split('/');
        // a nested folder may be named on its parent's row, as `builtin/`
        return !section.includes(`\`${d}/\``) && !(parts.length > 2 && section.includes(`\`${parts.at(-1)}/\``));
      });
    expect(missing, 'folders of engine/ the README Layout section does not name').to.deep.equal([]);
  });
});
