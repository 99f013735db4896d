// 5,000 hosts: loading and resolving every host's vars must stay linear. Correctness is checked
// here; the time is only printed, not asserted (machines differ).
import { expect } from 'chai';
import { loadInventory, selectHosts } from '../../../engine/inventory/index.js';
import { fixture, type Fixture } from './fixture.js';

const HOSTS = 5000;
const RACKS = 50;

describe('inventory at scale', () => {
  let fx: Fixture;
  after(() => fx?.remove());

  it(`loads ${HOSTS} hosts and resolves all their vars`, async () => {
    const rack = (i: number) => `rack${String(i % RACKS).padStart(2, '0')}`;
    const lines = ['all:', '  vars: { site: dc1 }', '  children:', '    nodes:', '      vars: { role: node }', '      children:'];
    for (let r = 0; r < RACKS; r++) {
      lines.push(`        rack${String(r).padStart(2, '0')}:`, `          vars: { rack: ${r} }`, '          hosts:');
      for (let i = r; i < HOSTS; i += RACKS) lines.push(`            n${String(i).padStart(4, '0')}: { ansible_host: 10.${Math.floor(i / 256)}.${i % 256}.1, idx: ${i} }`);
    }
    const files: Record<string, string> = { 'inv/hosts.yml': lines.join('\n') + '\n', 'inv/group_vars/nodes.yml': 'role: from_group_vars\n' };
    for (let i = 0; i < HOSTS; i += 100) files[`inv/host_vars/n${String(i).padStart(4, '0')}.yml`] = 'special: true\n';
    fx = fixture(files);

    const started = process.hrtime.bigint();
    const inv = await loadInventory([fx.path('inv')]);
    let checked = 0;
    for (const h of inv.hosts()) {
      const v = inv.hostVars(h);
      const i = v.idx as number;
      expect(h).to.equal(`n${String(i).padStart(4, '0')}`);
      expect(v.rack).to.equal(i % RACKS);
      expect(v.role).to.equal('from_group_vars');
      expect(v.site).to.equal('dc1');
      expect(v.special).to.equal(i % 100 === 0 ? true : undefined);
      expect(v.group_names).to.deep.equal(['nodes', rack(i)]);
      checked++;
    }
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    console.log(`      (${HOSTS} hosts loaded and resolved in ${ms.toFixed(0)} ms)`);
    expect(checked).to.equal(HOSTS);
    expect(inv.groupsMap().all).to.have.length(HOSTS);
    expect(selectHosts(inv, 'rack07:&~n00')).to.deep.equal(['n0007', 'n0057']);
  });
});
