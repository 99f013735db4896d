import { expect } from 'chai';
import { ipv4Net } from '../../../engine/net/ipv4-math.js';
import { parseOsRelease, distributionFacts } from '../../../engine/facts/os-release.js';
import { splitSections } from '../../../engine/facts/gather-sections.js';
import { factsToVars, interfaceFactKey } from '../../../engine/facts/gather.js';
import { gatherCommand } from '../../../engine/facts/gather-command.js';

describe('gather_facts helpers', () => {
  it('ipv4Net computes mask, network and broadcast', () => {
    expect(ipv4Net('10.77.0.21', 24)).to.deep.equal({ netmask: '255.255.255.0', network: '10.77.0.0', broadcast: '10.77.0.255' });
    expect(ipv4Net('172.16.5.1', 20)).to.deep.equal({ netmask: '255.255.240.0', network: '172.16.0.0', broadcast: '172.16.15.255' });
    expect(ipv4Net('1.2.3.4', 0)).to.deep.equal({ netmask: '0.0.0.0', network: '0.0.0.0', broadcast: '255.255.255.255' });
    expect(ipv4Net('1.2.3.4', 32)?.network).to.equal('1.2.3.4');
    expect(ipv4Net('1.2.3', 24)).to.equal(undefined);
    expect(ipv4Net('1.2.3.400', 24)).to.equal(undefined);
    expect(ipv4Net('1.2.3.4', 33)).to.equal(undefined);
  });

  it('parseOsRelease unquotes values and ignores comments', () => {
    const r = parseOsRelease('# c\nNAME="Debian GNU/Linux"\nID=debian\nX=\'a b\'\nY="say \\"hi\\""\n');
    expect(r).to.deep.equal({ NAME: 'Debian GNU/Linux', ID: 'debian', X: 'a b', Y: 'say "hi"' });
  });

  it('distributionFacts maps unknown ids through ID_LIKE', () => {
    const d = distributionFacts({ ID: 'mycorp', ID_LIKE: 'rhel fedora', NAME: 'MyCorp Linux', VERSION_ID: '9.4' });
    expect(d).to.include({ distribution: 'MyCorp Linux', os_family: 'RedHat', distribution_major_version: '9' });
    expect(distributionFacts({})).to.equal(undefined);
  });

  it('splitSections keeps empty sections and ignores text before the first marker', () => {
    const s = splitSections('junk\n@@tsplay-section a\n1\n2\n@@tsplay-section b\n@@tsplay-section c\nx\n');
    expect([...s.entries()]).to.deep.equal([['a', '1\n2'], ['b', ''], ['c', 'x']]);
  });

  it('factsToVars gives ansible_facts and ansible_<key>', () => {
    const v = factsToVars({ hostname: 'h', br_lab: { device: 'br-lab' }, default_ipv4: { address: '10.0.0.1' } });
    expect(v.ansible_hostname).to.equal('h');
    expect(v.ansible_br_lab).to.deep.equal({ device: 'br-lab' });
    expect(v.ansible_default_ipv4).to.deep.equal({ address: '10.0.0.1' });
    expect(v.ansible_facts).to.deep.equal({ hostname: 'h', br_lab: { device: 'br-lab' }, default_ipv4: { address: '10.0.0.1' } });
    expect(interfaceFactKey('eth0.100')).to.equal('eth0_100');
  });

  it('the gather command is one command with fixed text', () => {
    const text = gatherCommand().text;
    expect(text).to.include('timeout 2 hostname -f');
    expect(text).to.include('ip -o addr show');
    expect(text.trim().endsWith('exit 0')).to.equal(true);
  });
});
