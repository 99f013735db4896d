// tsplay_secret_vars set in an inventory (host_vars/, group_vars/ or the inventory file) hides
// those values in all output; an inventory that sets it nowhere is not resolved host by host.
import { expect } from 'chai';
import { loadInventory } from '../../../engine/inventory/index.js';
import { SecretVars } from '../../../engine/runner/secret-vars.js';
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
      new SecretVars(r).learnInventory(inv);
      const secret = String(Object.values(files)[0]).match(/s3cret-\w+/)![0];
      expect(r.redact(`value ${secret} here`)).to.equal('value ******** here');
    });
  }

  it('a name listed on a later host is looked up on the hosts before it too', async () => {
    fx = fixture({ 'inv/hosts.yml': 'all:\n  hosts:\n    a: { db_pass: s3cret-on-a }\n    b: { tsplay_secret_vars: [db_pass], db_pass: s3cret-on-b }\n' });
    const inv = await loadInventory([fx.path('inv')]);
    const r = new Redactor();
    new SecretVars(r).learnInventory(inv);
    expect(r.redact('s3cret-on-a s3cret-on-b')).to.equal('******** ********');
  });

  it('a name listed elsewhere (-e, play vars) is learned from the inventory', async () => {
    fx = fixture({ 'inv/hosts.yml': 'all:\n  hosts:\n    a: { db_pass: s3cret-inv }\n' });
    const inv = await loadInventory([fx.path('inv')]);
    const r = new Redactor();
    const sv = new SecretVars(r);
    sv.listFrom({ tsplay_secret_vars: ['db_pass'] });
    sv.learnInventory(inv);
    expect(r.redact('s3cret-inv')).to.equal('********');
  });

  it('an inventory that sets it nowhere: nothing is learned, no host resolved', async () => {
    fx = fixture({ 'inv/hosts.yml': 'all:\n  hosts:\n    a: { db_pass: visible }\n' });
    const inv = await loadInventory([fx.path('inv')]);
    expect(inv.definesVar('tsplay_secret_vars')).to.equal(false);
    let resolved = 0;
    const hostVars = inv.hostVars.bind(inv);
    inv.hostVars = (...a: Parameters<typeof inv.hostVars>) => (resolved++, hostVars(...a));
    const r = new Redactor();
    new SecretVars(r).learnInventory(inv);
    expect(resolved).to.equal(0);
    expect(r.redact('visible')).to.equal('visible');
  });
});
