import { expect } from 'chai';
import { InputError } from '../../../engine/errors.js';
import { loadInventory } from '../../../engine/inventory/index.js';
import { fixture, rejection, type Fixture } from './fixture.js';

const GOOD = `all:
  vars:
    ntp: pool.example
  hosts:
    bastion:
      ansible_host: 10.0.0.2
  children:
    k8s:
      children:
        masters:
          hosts:
            m[1:3]:
              ansible_user: root
        workers:
          hosts:
            w1:
            w2: { ansible_port: 2201, labels: { zone: a } }
      vars:
        become_flag: yes
        not_bool: y
        day: 2024-01-02
        mode: 0755
`;

describe('inventory YAML format', () => {
  let fx: Fixture;
  afterEach(() => fx?.remove());

  it('reads nested groups, host vars and YAML 1.1 values as Ansible (PyYAML) does', async () => {
    fx = fixture({ 'hosts.yml': GOOD });
    const inv = await loadInventory([fx.path('hosts.yml')]);
    expect(inv.hosts()).to.deep.equal(['bastion', 'm1', 'm2', 'm3', 'w1', 'w2']);
    expect(inv.groupsMap().k8s).to.deep.equal(['m1', 'm2', 'm3', 'w1', 'w2']);
    expect(inv.groupsMap().ungrouped).to.deep.equal(['bastion']);
    const w2 = inv.hostVars('w2');
    expect(w2).to.include({ ansible_port: 2201, ntp: 'pool.example', become_flag: true, not_bool: 'y', day: '2024-01-02', mode: 493 });
    expect(w2.labels).to.deep.equal({ zone: 'a' });
    expect(w2.group_names).to.deep.equal(['k8s', 'workers']);
    expect(inv.hostVars('m2')).to.include({ ansible_user: 'root', inventory_hostname: 'm2', inventory_hostname_short: 'm2' });
  });

  it('accepts a host or child given as a bare string, and empty groups', async () => {
    fx = fixture({ 'inv.yaml': 'all:\n  children:\n    web:\n      hosts: web1\n    empty:\n    top:\n      children: web\n' });
    const inv = await loadInventory([fx.path('inv.yaml')]);
    expect(inv.groupsMap().top).to.deep.equal(['web1']);
    expect(inv.hasGroup('empty')).to.equal(true);
  });

  it('treats top-level groups other than all as children of all', async () => {
    fx = fixture({ 'inv.yml': 'web:\n  hosts:\n    a:\ndb:\n  hosts:\n    b:\n' });
    const inv = await loadInventory([fx.path('inv.yml')]);
    expect(inv.group('all')!.children).to.deep.equal(['ungrouped', 'web', 'db']);
  });

  const cases: [string, string, number, number, RegExp][] = [
    ['a YAML syntax error', 'all:\n  hosts:\n    a: [1, 2\n', 3, 8, /invalid YAML: this \[ is never closed/],
    ['a misspelled group key', 'all:\n  children:\n    web:\n      hsots:\n        a:\n', 4, 7, /unexpected key "hsots" in group "web"/],
    ['hosts given as a list', 'all:\n  hosts:\n    - a\n    - b\n', 3, 5, /hosts of group "all" must be object or string or null, found a list/],
    ['host vars that are not a mapping', 'all:\n  hosts:\n    a: 5\n', 3, 8, /host "a" in group "all" must be object or null/],
    ['vars as a list', 'all:\n  vars:\n    - x\n', 3, 5, /vars of group "all" must be object or null/],
    ['a __proto__ key', 'all:\n  vars:\n    nested:\n      __proto__: { polluted: 1 }\n', 4, 7, /"__proto__" is not allowed/],
    ['a constructor host', 'all:\n  hosts:\n    constructor:\n', 3, 5, /"constructor" is not allowed/],
    ['a bad host range', 'all:\n  hosts:\n    web[1:x]:\n', 3, 5, /numeric or single letters/],
    ['a group loop', 'a:\n  children:\n    b:\n      children:\n        a:\n', 3, 5, /loop/],
    ['a plugin configuration', 'plugin: aws_ec2\nregions: [x]\n', 1, 1, /plugin configuration/],
    ['a top-level list', '- a\n- b\n', 1, 1, /must be a mapping/],
  ];
  for (const [name, text, line, col, message] of cases) {
    it(`rejects ${name} with file:line:col`, async () => {
      fx = fixture({ 'inv.yml': text });
      const err = await rejection(loadInventory([fx.path('inv.yml')]));
      expect(err).to.be.instanceOf(InputError);
      expect(err.message).to.match(message);
      expect((err as InputError).where).to.deep.equal({ file: fx.path('inv.yml'), line, col });
      expect((err as InputError).exitCode).to.equal(4);
    });
  }

  it('does not pollute Object.prototype whatever the input', async () => {
    fx = fixture({ 'inv.yml': 'all:\n  vars:\n    "__proto__":\n      polluted: yes\n' });
    await rejection(loadInventory([fx.path('inv.yml')]));
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
  });

  it('reports a missing source', async () => {
    const err = await rejection(loadInventory(['/nonexistent/inventory.yml']));
    expect(err).to.be.instanceOf(InputError);
    expect(err.message).to.match(/not found/);
  });
});
