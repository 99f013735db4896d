import { expect } from 'chai';
import { etcHosts, resolvConf, hostNetwork, knownHostsLine, HOST_NETWORK_FILE } from '../../../engine/lab/host-files.js';
import { LAB_HOSTS } from '../../../engine/lab/hosts.js';

describe('lab host files', () => {
  const master2 = LAB_HOSTS[1];
  it('puts every lab host in /etc/hosts', () => {
    const text = etcHosts(LAB_HOSTS);
    for (const h of LAB_HOSTS) expect(text).to.match(new RegExp(`^${h.ip.replace(/\./g, '\\.')}\\t${h.name}$`, 'm'));
    expect(text).to.match(/^127\.0\.0\.1\tlocalhost$/m);
  });
  it('gives a resolver that fails fast instead of waiting for a far name server', () => {
    expect(resolvConf()).to.equal('nameserver 127.0.0.1\noptions timeout:1 attempts:1\n');
  });
  it('names the network file so it sorts before 80-container-host0.network', () => {
    const name = HOST_NETWORK_FILE.split('/').pop()!;
    expect([name, '80-container-host0.network'].sort()[0]).to.equal(name);
    const text = hostNetwork(master2);
    expect(text).to.include('Name=host0');
    expect(text).to.include('Address=10.77.0.12/24');
  });
  it('pins a host key for name and address', () => {
    expect(knownHostsLine(master2, 'ssh-ed25519 AAAAC3Nza root@master2\n')).to.equal('master2,10.77.0.12 ssh-ed25519 AAAAC3Nza');
    expect(() => knownHostsLine(master2, 'garbage')).to.throw(/master2/);
  });
});
