import { expect } from 'chai';
import { expandHostPattern, expandHostRange, HostRangeError, splitPort } from '../../../engine/inventory/host-range.js';
import { thrown } from './fixture.js';

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
});
