// Data-driven: raw probe output (per section) -> expected facts, from test/cases/facts/*.json.
import { expect } from 'chai';
import { parseGatherOutput } from '../../../engine/facts/gather.js';
import { SECTION_MARK } from '../../../engine/facts/gather-sections.js';
import { loadCases } from './cases-dir.js';

interface FactCase {
  description: string;
  sections: Record<string, string>;
  expected: Record<string, unknown>;
  absent?: string[];
}

describe('gather_facts parse (test/cases/facts)', () => {
  const cases = loadCases<FactCase>('facts');
  it('has cases', () => expect(cases.length).to.be.greaterThan(2));
  for (const { file, data } of cases) {
    it(`${file}: ${data.description}`, () => {
      const stdout = Object.entries(data.sections)
        .map(([name, text]) => `${SECTION_MARK}${name}\n${text}\n`)
        .join('');
      const facts = parseGatherOutput(stdout);
      for (const [k, v] of Object.entries(data.expected)) expect(facts[k], k).to.deep.equal(v);
      for (const k of data.absent ?? []) expect(facts, k).not.to.have.property(k);
    });
  }
});
