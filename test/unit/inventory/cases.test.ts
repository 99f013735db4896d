// Replays test/cases/inventory/*/: each case names its -i sources (case.json) and the expected
// `ansible-inventory --list` JSON (and --graph text, --list --export JSON, pattern selections).
import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inventoryGraph, inventoryList, loadInventory, selectHosts } from '../../../engine/inventory/index.js';

interface CaseSpec {
  description: string;
  sources: string[];
  patterns?: Record<string, string[]>;
}

/** The repository root: compiled tests run from dist/ or .build/NAME/, the cases stay in the source tree. */
function repoRoot(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dirname(dir) !== dir; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'test', 'cases', 'inventory'))) return dir;
  }
  throw new Error('cannot find the repository root');
}

const casesDir = join(repoRoot(), 'test', 'cases', 'inventory');

describe('inventory cases (test/cases/inventory)', () => {
  const names = readdirSync(casesDir).filter((n) => existsSync(join(casesDir, n, 'case.json')));
  it('has cases', () => expect(names.length).to.be.greaterThan(0));
  for (const name of names) {
    const dir = join(casesDir, name);
    const spec = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as CaseSpec;
    describe(`${name}: ${spec.description}`, () => {
      // a source with a comma that is not a path is a host list, as with ansible -i 'a,b,'
      const sources = spec.sources.map((s) => (s.includes(',') ? s : join(dir, s)));
      const read = (file: string) => readFileSync(join(dir, file), 'utf8');

      it('--list matches expected-list.json', async () => {
        const inv = await loadInventory(sources);
        expect(JSON.stringify(inventoryList(inv), null, 4) + '\n').to.equal(read('expected-list.json'));
      });
      if (existsSync(join(dir, 'expected-list-export.json'))) {
        it('--list --export matches expected-list-export.json', async () => {
          const inv = await loadInventory(sources);
          expect(JSON.stringify(inventoryList(inv, { export: true }), null, 4) + '\n').to.equal(read('expected-list-export.json'));
        });
      }
      if (existsSync(join(dir, 'expected-graph.txt'))) {
        it('--graph matches expected-graph.txt', async () => {
          const inv = await loadInventory(sources);
          expect(inventoryGraph(inv) + '\n').to.equal(read('expected-graph.txt'));
        });
      }
      for (const [pattern, hosts] of Object.entries(spec.patterns ?? {})) {
        it(`pattern "${pattern}" selects ${hosts.join(', ')}`, async () => {
          const inv = await loadInventory(sources);
          expect(selectHosts(inv, pattern)).to.deep.equal(hosts);
        });
      }
    });
  }
});
