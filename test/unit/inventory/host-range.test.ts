import { expect } from 'chai';
import { expandHostPattern, expandHostRange, HostRangeError, splitPort, MAX_RANGE_HOSTS } from '../../../engine/inventory/host-range.js';
import { loadInventory } from '../../../engine/inventory/index.js';
import { InputError } from '../../../engine/errors.js';
import { fixture, rejection, thrown } from './fixture.js';

describe('inventory host ranges', () => {
  it('expands zero-padded numeric ranges', () => {
    expect(expandHostRange('web[01:03]')).to.deep.equal(['web01', 'web02', 'web03']);
    expect(expandHostRange('n[8:11].lan')).to.deep.equal(['n8', 'n9', 'n10', 'n11'].map((h) => h + '.lan'));
  });
  it('expands letter ranges and strides', () => {
    expect(expandHostRange('db-[a:c]')).to.deep.equal(['db-a', 'db-b', 'db-c']);
    expect(expandHostRange('h[1:10:2]')).to.deep.equal(['h1', 'h3', 'h5', 'h7', 'h9']);
    expect(expandHostRange('h[a:e:2]')).to.deep.equal(['ha', 'hc', 'he']);
  });
  it('expands several ranges in one name, left to right', () => {
    expect(expandHostRange('r[1:2]-[a:b]')).to.deep.equal(['r1-a', 'r1-b', 'r2-a', 'r2-b']);
  });
  it('rejects malformed ranges', () => {
    for (const bad of ['web[1]', 'web[1:]', 'web[01:100]', 'web[3:1]', 'web[1:3:0]', 'web[1:x]', 'web[1:3']) {
      expect(thrown(() => expandHostRange(bad)), bad).to.be.instanceOf(HostRangeError);
    }
  });
  it('separates a port, keeping IPv6 addresses and range colons intact', () => {
    expect(splitPort('host:2222')).to.deep.equal({ name: 'host', port: 2222 });
    expect(splitPort('web[01:03]:22')).to.deep.equal({ name: 'web[01:03]', port: 22 });
    expect(splitPort('[fe80::1]:22')).to.deep.equal({ name: 'fe80::1', port: 22 });
    expect(splitPort('fe80::1')).to.deep.equal({ name: 'fe80::1' });
    expect(splitPort('web[1:3]')).to.deep.equal({ name: 'web[1:3]' });
    expect(expandHostPattern('web[1:2]:2200')).to.deep.equal({ hostnames: ['web1', 'web2'], port: 2200 });
    expect(thrown(() => expandHostPattern('web:'))).to.be.instanceOf(HostRangeError);
  });
  it('bounds what one entry may expand to, counting before any name is made', () => {
    expect(expandHostRange(`n[1:${MAX_RANGE_HOSTS}]`)).to.have.length(MAX_RANGE_HOSTS);
    expect(expandHostRange('r[1:100]-[1:100]')).to.have.length(10_000);
    const cases: [string, RegExp][] = [
      [`n[1:${MAX_RANGE_HOSTS + 1}]`, /host range "n\[1:10001\]" gives 10,001 hosts; at most 10,000 per entry/],
      ['web[0:99999999]', /gives 100,000,000 hosts; at most 10,000 per entry/],
      ['r[1:200]-[1:100]', /gives 20,000 hosts; at most 10,000 per entry/],
      ['x[0:9]-[0:9]-[0:9]-[0:9]-[0:9]', /gives 100,000 hosts/],
      ['x[1:99999999999999999999]', /has a number larger than 9,007,199,254,740,991/],
      ['x[1:5:99999999999999999999]', /has a number larger than/],
    ];
    for (const [bad, message] of cases) {
      const e = thrown(() => expandHostRange(bad));
      expect(e, bad).to.be.instanceOf(HostRangeError);
      expect(e.message, bad).to.match(message);
    }
  });
  it('bounds the hosts all ranges of an inventory make together, naming file:line', async () => {
    const group = (g: number) => `    g${g}:\n      hosts:\n        g${g}n[0:9999]:\n`;
    const fx = fixture({ 'ok.yml': `all:\n  children:\n${[0, 1].map(group).join('')}`, 'over.yml': `all:\n  children:\n${Array.from({ length: 11 }, (_, g) => group(g)).join('')}` });
    try {
      expect((await loadInventory([fx.path('ok.yml')])).hosts()).to.have.length(20_000);
      const e = await rejection(loadInventory([fx.path('over.yml')]));
      expect(e).to.be.instanceOf(InputError);
      expect((e as InputError).describe()).to.equal(
        `${fx.path('over.yml')}:35:9: host range "g10n[0:9999]" brings the hosts made by ranges in this inventory to 110,000; at most 100,000 in all`,
      );
    } finally {
      fx.remove();
    }
  });
});
