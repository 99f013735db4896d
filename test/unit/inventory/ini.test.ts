import { expect } from 'chai';
import { InputError } from '../../../engine/errors.js';
import { loadInventory } from '../../../engine/inventory/index.js';
import { fixture, rejection, type Fixture } from './fixture.js';

describe('inventory INI format', () => {
  let fx: Fixture;
  afterEach(() => fx?.remove());

  it('reads groups, children, vars, ranges, ports and typed values', async () => {
    fx = fixture({
      'hosts.ini': [
        '; comment',
        'solo ansible_host=10.0.0.5',
        '[web]',
        'web[1:2] ansible_user=deploy http_port=8080 flag=True s="a b" n="1"',
        'web9:2222',
        '[db]',
        'db1',
        '[prod:children]',
        'web',
        'db',
        '[prod:vars]',
        'env=prod',
        'retries=3',
        'verbose=true',
        'quoted="3"',
        '[all:vars]',
        'ansible_become=True',
      ].join('\n'),
    });
    const inv = await loadInventory([fx.path('hosts.ini')]);
    expect(inv.hosts()).to.deep.equal(['solo', 'web1', 'web2', 'web9', 'db1']);
    expect(inv.groupNames()).to.deep.equal(['all', 'ungrouped', 'web', 'db', 'prod']);
    expect(inv.groupsMap().prod).to.deep.equal(['web1', 'web2', 'web9', 'db1']);
    expect(inv.groupsMap().ungrouped).to.deep.equal(['solo']);
    const v = inv.hostVars('web1');
    expect(v).to.include({ ansible_user: 'deploy', http_port: 8080, flag: true, s: 'a b', n: 1 });
    expect(v).to.include({ env: 'prod', retries: 3, verbose: 'true', quoted: '3', ansible_become: true });
    expect(inv.hostVars('web9').ansible_port).to.equal(2222);
    expect(inv.hostVars('solo')).to.include({ ansible_host: '10.0.0.5', ansible_become: true });
    expect(inv.hostVars('solo').group_names).to.deep.equal(['ungrouped']);
    expect(inv.hostVars('db1').group_names).to.deep.equal(['db', 'prod']);
  });

  it('accepts [group:vars] and children before the group is declared', async () => {
    fx = fixture({ 'inv': '[a:vars]\nx=1\n[top:children]\na\n[a]\nh1\n' });
    const inv = await loadInventory([fx.path('inv')]);
    expect(inv.hostVars('h1').x).to.equal(1);
    expect(inv.group('a')!.parents).to.deep.equal(['top']);
  });

  it('removes a host from ungrouped once it is in a group', async () => {
    fx = fixture({ 'inv': 'h1\nh2\n[g]\nh1\n' });
    const inv = await loadInventory([fx.path('inv')]);
    expect(inv.groupsMap().ungrouped).to.deep.equal(['h2']);
    expect(inv.groupsMap().g).to.deep.equal(['h1']);
  });

  const cases: [string, string, number, RegExp][] = [
    ['bad section', 'h1\n[web server]\n', 2, /invalid section/],
    ['unknown section type', '[web:host]\n', 1, /unknown type/],
    ['bad host variable', '[web]\nh1 novalue\n', 2, /key=value/],
    ['unclosed quote', '[web]\nh1 a="x\n', 2, /no closing quotation \("\)/],
    ['vars line without =', '[web]\nh1\n[web:vars]\njustaword\n', 4, /key=value/],
    ['undeclared child', '[top:children]\nmissing\n', 2, /never declared/],
    ['vars of undeclared group', '[ghost:vars]\nx=1\n', 1, /never declared/],
    ['bad range', '[web]\nweb[3:1]\n', 2, /begin <= end/],
    ['prototype key', '[web]\nh1 __proto__=1\n', 2, /not allowed/],
    ['prototype host', '[web]\nconstructor\n', 2, /not allowed/],
    ['group loop', '[a:children]\nb\n[b:children]\na\n', 4, /loop/],
  ];
  for (const [name, text, line, message] of cases) {
    it(`rejects ${name} with file and line`, async () => {
      fx = fixture({ 'hosts.ini': text });
      const err = await rejection(loadInventory([fx.path('hosts.ini')]));
      expect(err).to.be.instanceOf(InputError);
      expect(err.message).to.match(message);
      expect((err as InputError).where.file).to.equal(fx.path('hosts.ini'));
      expect((err as InputError).where.line).to.equal(line);
    });
  }
});
