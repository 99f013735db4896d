// tsplay doc's sources: every registered module has a one-line summary and a description for
// every parameter in its schema, and the pages are built from the schema (required, choices,
// defaults, aliases) and the template reference.
import { expect } from 'chai';
import { builtinModules, builtinModuleNames } from '../../../engine/modules/registry.js';
import { docIndex, moduleDoc, moduleParams, moduleSummary } from '../../../engine/cli/module-doc.js';
import { HELPER_DOCS, CEL_DOCS } from '../../../engine/template/reference.js';
import { UsageError } from '../../../engine/errors.js';

describe('tsplay doc', () => {
  it('every registered module has a summary and a description for every parameter', async () => {
    const modules = await builtinModules();
    expect([...modules.keys()].sort()).to.deep.equal([...builtinModuleNames()].sort());
    const missing: string[] = [];
    for (const [name, m] of modules) {
      if (!moduleSummary(m).trim()) missing.push(`${name}: no summary (schema.description)`);
      const params = moduleParams(m.schema);
      for (const p of params) if (!p.description?.trim()) missing.push(`${name}.${p.name}: no description`);
    }
    expect(missing).to.deep.equal([]);
  });

  it('the index lists every module on one line, every helper and every CEL function', async () => {
    const modules = await builtinModules();
    const text = docIndex(modules);
    for (const name of modules.keys()) expect(text).to.match(new RegExp(`^  ${name} +\\S`, 'm'));
    for (const h of HELPER_DOCS) expect(text).to.contain(h.usage);
    for (const c of CEL_DOCS) expect(text).to.contain(c.usage);
  });

  it("a module's page: required (=) first, type, choices, default, aliases, each from the schema", async () => {
    const modules = await builtinModules();
    const page = moduleDoc('ansible.builtin.cron', modules);
    expect(page).to.match(/^> CRON\n/);
    expect(page).to.contain('= name\n        The job');
    expect(page).to.contain('- state\n        Whether the job (or variable) is there.\n        type: str\n        choices: [present, absent]\n        default: present\n');
    expect(page).to.contain('- day\n        Day of the month field (1-31, …).\n        type: str or int\n        default: *\n        aliases: [dom]\n');
    // an alias is not a parameter of its own, and a required aliased name is still required
    expect(page).to.not.match(/^- dom$/m);
    expect(moduleDoc('slurp', modules)).to.contain('= src\n');
    expect(moduleDoc('copy', modules)).to.contain('Exactly one of src, content is required.');
  });

  it('an unknown module names the closest and points at tsplay doc', async () => {
    const modules = await builtinModules();
    expect(() => moduleDoc('cronn', modules)).to.throw(UsageError, 'unknown module "cronn" (did you mean "cron"?); `tsplay doc` lists the modules');
  });
});
