import { expect } from 'chai';
import { selectHosts, LAB_HOSTS, LAB_VIP } from '../../../engine/lab/hosts.js';

describe('lab host table', () => {
  it('takes master1-3 and worker1-2 by default', () => {
    expect(selectHosts().map((h) => h.name)).to.deep.equal(['master1', 'master2', 'master3', 'worker1', 'worker2']);
  });
  it('adds worker3 with 6 hosts', () => {
    expect(selectHosts(6).at(-1)).to.deep.equal({ name: 'worker3', ip: '10.77.0.23' });
  });
  it('rejects counts outside 1..6 with the allowed range', () => {
    for (const n of [0, 7, 2.5, NaN]) expect(() => selectHosts(n)).to.throw(/from 1 to 6/);
  });
  it('keeps every address in 10.77.0.0/24, unique, and off the VIP', () => {
    const ips = LAB_HOSTS.map((h) => h.ip);
    expect(new Set(ips).size).to.equal(ips.length);
    for (const ip of ips) expect(ip).to.match(/^10\.77\.0\.\d+$/);
    expect(ips).to.not.include(LAB_VIP);
  });
});
