import { expect } from 'chai';
import { InputError } from '../../../engine/errors.js';
import { loadInventory, selectHosts, type Inventory } from '../../../engine/inventory/index.js';
import { fixture, thrown, type Fixture } from './fixture.js';

const HOSTS = `[web]
web1
web2
web3
[db]
db1
db2
[prod:children]
web
db
[staging]
web3
stage1.example.com
fe80::5
[dup]
dup
`;

describe('inventory host patterns', () => {
  let fx: Fixture;
  let inv: Inventory;
  before(async () => {
    fx = fixture({
      'hosts': HOSTS,
      'limit.txt': 'db1\n\n# a comment\nweb2\n',
      'patterns.txt': 'web\n!web2\n',
    });
    inv = await loadInventory([fx.path('hosts')]);
  });
  after(() => fx.remove());
  const sel = (p: string | string[], limit?: string) => selectHosts(inv, p, limit);

  it('selects all, groups and hosts', () => {
    // Ansible's order: groups breadth-first from all (prod, staging, dup; then prod's web, db)
    const all = ['web3', 'stage1.example.com', 'fe80::5', 'dup', 'web1', 'web2', 'db1', 'db2'];
    expect(sel('all')).to.deep.equal(all);
    expect(sel('*')).to.deep.equal(all);
    expect(sel('web')).to.deep.equal(['web1', 'web2', 'web3']);
    expect(sel('prod')).to.deep.equal(['web1', 'web2', 'web3', 'db1', 'db2']);
    expect(sel('db2')).to.deep.equal(['db2']);
    expect(sel('fe80::5')).to.deep.equal(['fe80::5']);
  });

  it('unions with : and , in pattern order', () => {
    expect(sel('web:db')).to.deep.equal(['web1', 'web2', 'web3', 'db1', 'db2']);
    expect(sel('db,web')).to.deep.equal(['db1', 'db2', 'web1', 'web2', 'web3']);
    expect(sel('web1:web1:web2')).to.deep.equal(['web1', 'web2']);
    expect(sel(['db2', 'web1'])).to.deep.equal(['db2', 'web1']);
  });

  it('intersects and excludes after the unions, whatever the order written', () => {
    expect(sel('prod:&staging')).to.deep.equal(['web3']);
    expect(sel('prod:!web')).to.deep.equal(['db1', 'db2']);
    expect(sel('!web:prod')).to.deep.equal(['db1', 'db2']);
    expect(sel('&staging')).to.deep.equal(['web3', 'stage1.example.com', 'fe80::5']);
    expect(sel('!prod')).to.deep.equal(['stage1.example.com', 'fe80::5', 'dup']);
    expect(sel('staging:!web3')).to.deep.equal(['stage1.example.com', 'fe80::5']);
    expect(sel('web,&staging,db,!db1')).to.deep.equal(['web3']);
  });

  it('matches globs against groups and hosts', () => {
    expect(sel('web*')).to.deep.equal(['web1', 'web2', 'web3']);
    expect(sel('*.example.com')).to.deep.equal(['stage1.example.com']);
    expect(sel('db?')).to.deep.equal(['db1', 'db2']);
    expect(sel('web[!1]')).to.deep.equal(['web2', 'web3']); // a character class; web[1] would be a subscript
  });

  it('matches ~regex from the start of the name', () => {
    expect(sel('~web[12]')).to.deep.equal(['web1', 'web2']);
    expect(sel('~(db|stage)')).to.deep.equal(['db1', 'db2', 'stage1.example.com']);
    expect(sel('~.*example')).to.deep.equal(['stage1.example.com']);
    expect(sel('~example')).to.deep.equal([]);
  });

  it('takes subscripts of a group, inclusive', () => {
    expect(sel('web[0]')).to.deep.equal(['web1']);
    expect(sel('web[-1]')).to.deep.equal(['web3']);
    expect(sel('web[1:2]')).to.deep.equal(['web2', 'web3']);
    expect(sel('web[1:]')).to.deep.equal(['web2', 'web3']);
    expect(sel('prod[0:1]:db[1]')).to.deep.equal(['web1', 'web2', 'db2']);
    expect(sel('web[5:9]')).to.deep.equal([]);
  });

  it('reads @file patterns, one per line', () => {
    expect(sel(`@${fx.path('patterns.txt')}`)).to.deep.equal(['web1', 'web3']);
    expect(sel('prod', `@${fx.path('limit.txt')}`)).to.deep.equal(['web2', 'db1']);
  });

  it('applies a limit as a filter that keeps the play order', () => {
    expect(sel('db:web', 'web2,db2')).to.deep.equal(['db2', 'web2']);
    expect(sel('prod', '!web')).to.deep.equal(['db1', 'db2']);
    expect(sel('prod', 'staging')).to.deep.equal(['web3']);
    expect(sel('prod', '')).to.have.length(5);
  });

  it('prefers a host over a group of the same name', () => {
    expect(sel('dup')).to.deep.equal(['dup']);
  });

  it('selects the implicit localhost when no inventory host matches it', () => {
    expect(sel('localhost')).to.deep.equal(['localhost']);
    expect(sel('all')).to.not.include('localhost');
  });

  it('warns about, but accepts, a pattern matching nothing', () => {
    const warnings: string[] = [];
    expect(selectHosts(inv, 'nosuch:web1', undefined, { onWarning: (m) => warnings.push(m) })).to.deep.equal(['web1']);
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.match(/nosuch/);
  });

  it('rejects malformed patterns', () => {
    for (const bad of ['web[1:', 'web]', 'web[[1]]', '~(', '~', '!', 'web:&', 'web[-1:2]x[', 'web[9]', 'web[1-2]', '@/nonexistent/file']) {
      const err = thrown(() => sel(bad));
      expect(err, bad).to.be.instanceOf(InputError);
    }
  });
});
