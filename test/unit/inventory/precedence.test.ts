import { expect } from 'chai';
import { loadInventory } from '../../../engine/inventory/index.js';
import { fixture, type Fixture } from './fixture.js';

describe('inventory variable precedence', () => {
  let fx: Fixture;
  afterEach(() => fx?.remove());

  it('merges inventory, group_vars and host_vars in Ansible order, replacing dictionaries', async () => {
    fx = fixture({
      'inv/hosts.yml': `all:
  vars: { p1: all_inv, p2: all_inv, p3: all_inv, p4: all_inv, p5: all_inv, p6: all_inv, d: { a: 1, b: 2 } }
  children:
    parent:
      vars: { p1: parent_inv, p2: parent_inv, p3: parent_inv, p4: parent_inv, p6: parent_inv }
      children:
        child:
          vars: { p1: child_inv, p2: child_inv, p3: child_inv, p6: child_inv }
          hosts:
            h1: { p1: host_inv, hv: host_inv }
    aaa:
      hosts: { h1: }
      vars: { s: aaa }
    zzz:
      hosts: { h1: }
      vars: { s: zzz }
`,
      'inv/group_vars/all.yml': 'p1: gv_all\np2: gv_all\np3: gv_all\np4: gv_all\np5: gv_all\n',
      'inv/group_vars/parent.yaml': 'p1: gv_parent\np2: gv_parent\np3: gv_parent\n',
      'inv/group_vars/child/a.yml': 'p1: gv_child_a\np2: gv_child_a\nd: { a: 9 }\n',
      'inv/group_vars/child/b.json': '{"p2": "gv_child_b"}',
      'inv/group_vars/child/.hidden.yml': 'p2: hidden\n',
      'inv/group_vars/child/c.yml~': 'p2: backup\n',
      'inv/host_vars/h1': 'p1: hv_file\n',
      'inv/group_vars/unknown_group.yml': 'ignored: true\n',
    });
    const inv = await loadInventory([fx.path('inv')]);
    const v = inv.hostVars('h1');
    expect(v.p1).to.equal('hv_file'); // host_vars/ beat everything
    expect(v.hv).to.equal('host_inv');
    expect(v.p2).to.equal('gv_child_b'); // files in group_vars/child/ merge in name order
    expect(v.p3).to.equal('gv_parent'); // group_vars/<group> beat group_vars/all and inventory group vars
    expect(v.p4).to.equal('gv_all'); // group_vars/all beats inventory-file vars of any group (Ansible)
    expect(v.p5).to.equal('gv_all');
    expect(v.p6).to.equal('child_inv'); // among inventory-file group vars, child beats parent
    expect(v.d).to.deep.equal({ a: 9 }); // replaced, not merged
    expect(v.s).to.equal('zzz'); // same depth: by name
    expect(v.ignored).to.equal(undefined);
    expect(v.group_names).to.deep.equal(['aaa', 'child', 'parent', 'zzz']);
    expect(v.inventory_file).to.equal(fx.path('inv/hosts.yml'));
    expect(v.inventory_dir).to.equal(fx.path('inv'));
    expect(Object.isFrozen(v.d)).to.equal(true);
  });

  it('orders groups of equal depth by ansible_group_priority before name', async () => {
    fx = fixture({
      'hosts.ini': '[aaa]\nh1\n[zzz]\nh1\n[aaa:vars]\ns=aaa\nansible_group_priority=10\n[zzz:vars]\ns=zzz\n',
    });
    const inv = await loadInventory([fx.path('hosts.ini')]);
    expect(inv.hostVars('h1').s).to.equal('aaa');
    expect(inv.hostVars('h1').ansible_group_priority).to.equal(undefined);
  });

  it('uses the deepest path from all as a group depth', async () => {
    // b is both a direct child of all and a grandchild (all > top > b): depth 2, so it beats depth-1 c
    fx = fixture({ 'inv.yml': 'all:\n  children:\n    b:\n      vars: { x: b }\n      hosts: { h1: }\n    top:\n      children:\n        b:\n    c:\n      vars: { x: c }\n      hosts: { h1: }\n' });
    const inv = await loadInventory([fx.path('inv.yml')]);
    expect(inv.depthOf('b')).to.equal(2);
    expect(inv.hostVars('h1').x).to.equal('b');
  });

  it('merges several sources in order, each with its own group_vars/ and host_vars/', async () => {
    fx = fixture({
      'one/hosts.ini': '[web]\nw1 a=one\n[web:vars]\ng=one\n',
      'one/group_vars/web.yml': 'f: one\nonly_one: 1\n',
      'one/host_vars/w1.yml': 'hf: one\n',
      'two/hosts.yml': 'all:\n  children:\n    web:\n      hosts:\n        w1: { a: two }\n        w2:\n      vars: { g: two }\n',
      'two/group_vars/web.yml': 'f: two\n',
      'two/host_vars/w1.yml': 'hf: two\n',
    });
    const inv = await loadInventory([fx.path('one/hosts.ini'), fx.path('two/hosts.yml')]);
    expect(inv.hosts()).to.deep.equal(['w1', 'w2']);
    expect(inv.hostVars('w1')).to.include({ a: 'two', g: 'two', f: 'two', only_one: 1, hf: 'two' });
    expect(inv.hostVars('w1').inventory_file).to.equal(fx.path('one/hosts.ini')); // first source that named it
    expect(inv.hostVars('w2').inventory_file).to.equal(fx.path('two/hosts.yml'));
  });

  it("with several sources, any source's group_vars/<group> beats every source's group_vars/all (Ansible)", async () => {
    fx = fixture({
      'one/hosts.ini': '[web]\nw1\n',
      'one/group_vars/web.yml': 'x: one web\n',
      'two/hosts.ini': '[web]\nw1\n',
      'two/group_vars/all.yml': 'x: two all\ny: two all\n',
    });
    const inv = await loadInventory([fx.path('one/hosts.ini'), fx.path('two/hosts.ini')]);
    expect(inv.hostVars('w1')).to.include({ x: 'one web', y: 'two all' });
  });

  it('group_vars/ and host_vars/ beside the playbook rank above the inventory\'s, level by level', async () => {
    fx = fixture({
      'inv/hosts.ini': '[web]\nw1\n',
      'inv/group_vars/all.yml': 'a: inv all\nb: inv all\n',
      'inv/group_vars/web.yml': 'b: inv web\nc: inv web\n',
      'inv/host_vars/w1.yml': 'd: inv host\ne: inv host\n',
      'pb/site.yml': '- hosts: all\n  tasks: []\n',
      'pb/group_vars/all.yml': 'a: pb all\nb: pb all\n',
      'pb/group_vars/web/main.yml': 'c: pb web\nd: pb web\n',
      'pb/host_vars/w1.yml': 'e: pb host\n',
    });
    const v = (await loadInventory([fx.path('inv')], undefined, { playbook: fx.path('pb/site.yml') })).hostVars('w1');
    expect(v).to.include({ a: 'pb all', b: 'inv web', c: 'pb web', d: 'inv host', e: 'pb host' });
    // without a playbook (tsplay inventory), only the inventory's
    expect((await loadInventory([fx.path('inv')])).hostVars('w1')).to.include({ a: 'inv all', c: 'inv web', e: 'inv host' });
  });

  it('reads every inventory file of a directory in name order, skipping ignored ones', async () => {
    fx = fixture({
      'inv/01-hosts': '[web]\nw1\n',
      'inv/02-more.yml': 'all:\n  children:\n    web:\n      hosts: { w2: }\n',
      'inv/03-extra.ini': '[db]\nd1\n',
      'inv/README.md': '# not an inventory: [broken\n',
      'inv/.hidden': 'garbage [[[',
      'inv/sub/04-nested.yaml': 'all:\n  hosts: { n1: }\n',
    });
    const inv = await loadInventory([fx.path('inv')]);
    expect(inv.hosts()).to.deep.equal(['n1', 'w1', 'w2', 'd1']);
  });

  it('accepts a comma-separated host list and gives implicit localhost local connection', async () => {
    fx = fixture({ 'group_vars/all.yml': 'x: 1\n' });
    const inv = await loadInventory(['h1,h2:2200,']);
    expect(inv.hosts()).to.deep.equal(['h1', 'h2']);
    expect(inv.hostVars('h2').ansible_port).to.equal(2200);
    expect(inv.hostVars('localhost')).to.include({ ansible_connection: 'local', inventory_hostname: 'localhost' });
    expect(inv.hostVars('localhost').group_names).to.deep.equal([]);
  });

  it('gives IP addresses their full name as inventory_hostname_short', async () => {
    const inv = await loadInventory(['10.0.0.1,web1.example.com,']);
    expect(inv.hostVars('10.0.0.1').inventory_hostname_short).to.equal('10.0.0.1');
    expect(inv.hostVars('web1.example.com').inventory_hostname_short).to.equal('web1');
  });
});
