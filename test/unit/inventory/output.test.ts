import { expect } from 'chai';
import { InputError } from '../../../engine/errors.js';
import { inventoryGraph, inventoryHost, inventoryList, loadInventory } from '../../../engine/inventory/index.js';
import { fixture, thrown, type Fixture } from './fixture.js';

describe('inventory outputs (ansible-inventory --list/--graph/--host)', () => {
  let fx: Fixture;
  afterEach(() => fx?.remove());

  it('--list: sorted keys, hosts only on direct groups, empty groups left out, no magic vars', async () => {
    fx = fixture({ 'hosts.ini': '[b]\nz1 x=1\na1\n[empty]\n[top:children]\nb\nempty\n[top:vars]\nv=2\n' });
    const inv = await loadInventory([fx.path('hosts.ini')]);
    const list = inventoryList(inv);
    expect(Object.keys(list)).to.deep.equal(['_meta', 'all', 'b', 'top']);
    expect(list.all).to.deep.equal({ children: ['top', 'ungrouped'] });
    expect(list.b).to.deep.equal({ hosts: ['a1', 'z1'] });
    expect(list.top).to.deep.equal({ children: ['b', 'empty'] });
    expect(list._meta.hostvars).to.deep.equal({ a1: { v: 2 }, z1: { v: 2, x: 1 } });
    expect(JSON.stringify(list, null, 4)).to.contain('"hostvars": {\n            "a1": {\n                "v": 2\n');
  });

  it('--list --export: group vars on groups, hosts with only their own vars', async () => {
    fx = fixture({ 'hosts.ini': '[b]\nz1 x=1\na1\n[b:vars]\nv=2\n' });
    const list = inventoryList(await loadInventory([fx.path('hosts.ini')]), { export: true });
    expect(list.b).to.deep.equal({ hosts: ['a1', 'z1'], vars: { v: 2 } });
    expect(list._meta.hostvars).to.deep.equal({ z1: { x: 1 } });
  });

  it('--graph: groups then hosts, each sorted, from any group', async () => {
    fx = fixture({ 'hosts.ini': 'loner\n[web]\nw2\nw1\n[prod:children]\nweb\n' });
    const inv = await loadInventory([fx.path('hosts.ini')]);
    expect(inventoryGraph(inv)).to.equal(
      ['@all:', '  |--@prod:', '  |  |--@web:', '  |  |  |--w1', '  |  |  |--w2', '  |--@ungrouped:', '  |  |--loner'].join('\n'),
    );
    expect(inventoryGraph(inv, 'web')).to.equal(['@web:', '  |--w1', '  |--w2'].join('\n'));
    expect(thrown(() => inventoryGraph(inv, 'nosuch'))).to.be.instanceOf(InputError);
  });

  it('--host: merged vars without Ansible internals; unknown host is an error', async () => {
    fx = fixture({ 'hosts.ini': '[web]\nw1 ansible_port=2222 ansible_become=True\n[web:vars]\nansible_user=ops\n' });
    const inv = await loadInventory([fx.path('hosts.ini')]);
    expect(inventoryHost(inv, 'w1')).to.deep.equal({ ansible_become: true, ansible_port: 2222, ansible_user: 'ops' });
    expect(thrown(() => inventoryHost(inv, 'w9'))).to.be.instanceOf(InputError);
  });
});
