// Real: gather facts on this machine through LocalTransport and compare with Node's own view.
import { expect } from 'chai';
import os from 'node:os';
import { readFileSync } from 'node:fs';
import { LocalTransport } from '../../../engine/transport/local.js';
import { FactCache } from '../../../engine/facts/cache.js';
import { gatherFacts, factsToVars } from '../../../engine/facts/gather.js';

describe('gather_facts on this machine (LocalTransport)', () => {
  it('returns sane values in one round trip', async () => {
    const t = new LocalTransport();
    const cache = new FactCache(t);
    const started = Date.now();
    const facts = await cache.get(gatherFacts, undefined);
    expect(Date.now() - started).to.be.lessThan(5000);
    expect(facts.hostname).to.equal(os.hostname().split('.')[0]);
    expect(facts.processor_vcpus).to.equal(os.availableParallelism());
    expect(facts.architecture).to.equal(os.machine());
    expect(facts.kernel).to.equal(os.release());
    expect(facts.memtotal_mb).to.equal(Math.floor(os.totalmem() / 1024 / 1024));
    expect(facts.user_uid).to.equal(os.userInfo().uid);
    const osr = readFileSync('/etc/os-release', 'utf8');
    if (/^ID=debian$/m.test(osr)) {
      expect(facts.os_family).to.equal('Debian');
      expect(facts.pkg_mgr).to.equal('apt');
    }
    const ifaces = facts.interfaces as string[];
    expect(ifaces).to.include('lo');
    const nodeIfaces = os.networkInterfaces();
    for (const [name, addrs] of Object.entries(nodeIfaces)) {
      const v4 = (addrs ?? []).filter((a) => a.family === 'IPv4');
      // Interfaces may come and go meanwhile (lab veths of other runs): compare those seen by both.
      if (!v4.length || !ifaces.includes(name)) continue;
      const fact = facts[name.replace(/[^A-Za-z0-9_]/g, '_')] as { ipv4: { address: string; netmask: string } };
      expect(v4.map((a) => a.address)).to.include(fact.ipv4.address);
      expect(fact.ipv4.netmask).to.equal(v4.find((a) => a.address === fact.ipv4.address)!.netmask);
    }
    const def = facts.default_ipv4 as Record<string, string>;
    if (def.interface) {
      expect(ifaces).to.include(def.interface);
      expect((nodeIfaces[def.interface] ?? []).map((a) => a.address)).to.include(def.address);
    }
    const vars = factsToVars(facts);
    expect(vars.ansible_hostname).to.equal(facts.hostname);
    expect(vars.ansible_default_ipv4).to.equal(facts.default_ipv4);
  });
});
