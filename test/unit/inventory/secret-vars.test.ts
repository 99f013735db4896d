// tsplay_secret_vars set in an inventory (host_vars/, group_vars/ or the inventory file) hides
// those values in all output; an inventory that sets it nowhere is not resolved host by host.
import { expect } from 'chai';
import { loadInventory } from '../../../engine/inventory/index.js';
import { learnSecretVars } from '../../../engine/runner/secret-vars.js';
import { Redactor } from '../../../engine/secrets/redactor.js';
import { fixture, type Fixture } from './fixture.js';

describe('tsplay_secret_vars from the inventory', () => {
  let fx: Fixture;
  afterEach(() => fx?.remove());

  for (const [where, files] of [
    ['group_vars/', { 'inv/group_vars/web.yml': 'tsplay_secret_vars: [db_pass]\ndb_pass: s3cret-group\n' }],
    ['host_vars/', { 'inv/host_vars/w2.yml': 'tsplay_secret_vars: db_pass\ndb_pass: s3cret-host\n' }],
    ['the inventory file', { 'inv/extra.yml': 'all:\n  children:\n    web:\n      hosts:\n        w1: { tsplay_secret_vars: [db_pass], db_pass: s3cret-inline }\n' }],
  ] as const) {
    it(`hides the values it names when set in ${where}`, async () => {
      fx = fixture({ 'inv/hosts.yml': 'all:\n  children:\n    web:\n      hosts:\n        w1:\n        w2:\n', ...files });
      const inv = await loadInventory([fx.path('inv')]);
      expect(inv.definesVar('tsplay_secret_vars')).to.equal(true);
      const r = new Redactor();
      learnSecretVars(inv, r);
      const secret = String(Object.values(files)[0]).match(/s3cret-\w+/)![0];
      expect(r.redact(`value ${secret} here`)).to.equal('value ******** here');
    });
  }

  it('an inventory that sets it nowhere: nothing is learned, no host resolved', async () => {
    fx = fixture({ 'inv/hosts.yml': 'all:\n  hosts:\n    a: { db_pass: visible }\n' });
    const inv = await loadInventory([fx.path('inv')]);
    expect(inv.definesVar('tsplay_secret_vars')).to.equal(false);
    let resolved = 0;
    const hostVars = inv.hostVars.bind(inv);
    inv.hostVars = (...a: Parameters<typeof inv.hostVars>) => (resolved++, hostVars(...a));
    const r = new Redactor();
    learnSecretVars(inv, r);
    expect(resolved).to.equal(0);
    expect(r.redact('visible')).to.equal('visible');
  });
});
