// The helper and CEL lists (engine/template/reference.ts) are what `tsplay doc` and the README show:
// every helper is listed, and every example renders or evaluates as the list says on the real engine.
import { expect } from 'chai';
import { CEL_DOCS, HELPERS, HELPER_DOCS, Templater, evalCondition } from '../../../engine/template/index.js';

describe('template reference (helpers and CEL)', () => {
  it('lists every helper once', () => {
    const names = HELPER_DOCS.map((d) => d.name);
    expect(new Set(names).size, 'no duplicates').to.equal(names.length);
    expect(names).to.include.members(Object.keys(HELPERS));
  });

  const templater = new Templater();
  for (const d of HELPER_DOCS) {
    it(`helper ${d.name}: ${d.example.template} renders ${JSON.stringify(d.example.renders)}`, () => {
      expect(d.usage).to.include(d.name);
      expect(templater.renderText(d.example.template, d.example.vars ?? {})).to.equal(d.example.renders);
    });
  }

  for (const d of CEL_DOCS) {
    it(`CEL ${d.usage}: ${d.example.condition}`, () => {
      expect(evalCondition(d.example.condition, d.example.vars ?? {})).to.equal(d.example.gives);
    });
  }
});
