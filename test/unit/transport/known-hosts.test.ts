import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkHostKey,
  entryMatchesName,
  keyBlobType,
  parseKnownHosts,
  preferredHostKeyAlgorithms,
  readKnownHostsFiles,
} from '../../../engine/transport/known-hosts.js';

describe('known_hosts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-kh-unit-'));
  const key = (name: string, type = 'ed25519') => {
    execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', join(dir, name)]);
    const [t, b64] = readFileSync(join(dir, `${name}.pub`), 'utf8').split(' ');
    return { line: `${t} ${b64}`, blob: Buffer.from(b64, 'base64'), type: t };
  };
  const a = key('a');
  const b = key('b');
  const e = key('e', 'ecdsa');

  it('parses plain, bracketed, comma-listed, marked and commented lines, skipping junk', () => {
    const entries = parseKnownHosts(
      [`# c`, ``, `web1,10.0.0.1 ${a.line} comment`, `[web1]:2222 ${b.line}`, `@revoked * ${e.line}`, `@bogus x ${a.line}`, `broken-line`].join('\n'),
      'kh',
    );
    expect(entries.map((x) => [x.line, x.hosts, x.marker ?? '', x.keyType])).to.deep.equal([
      [3, 'web1,10.0.0.1', '', 'ssh-ed25519'],
      [4, '[web1]:2222', '', 'ssh-ed25519'],
      [5, '*', '@revoked', e.type],
    ]);
    expect(entries[0].key.equals(a.blob)).to.equal(true);
    expect(keyBlobType(a.blob)).to.equal('ssh-ed25519');
  });

  it('matches names with ports, wildcards and negation', () => {
    expect(entryMatchesName('web1,10.0.0.1', 'web1')).to.equal(true);
    expect(entryMatchesName('web1', '[web1]:2222')).to.equal(false);
    expect(entryMatchesName('[web1]:2222', '[web1]:2222')).to.equal(true);
    expect(entryMatchesName('*.lab,!db.lab', 'web.lab')).to.equal(true);
    expect(entryMatchesName('*.lab,!db.lab', 'db.lab')).to.equal(false);
    expect(entryMatchesName('10.0.0.?', '10.0.0.7')).to.equal(true);
  });

  it('matches hashed entries written by ssh-keygen -H', () => {
    const f = join(dir, 'hashed');
    writeFileSync(f, `web1 ${a.line}\n[web1]:2222 ${b.line}\n`);
    execFileSync('ssh-keygen', ['-q', '-H', '-f', f], { stdio: 'ignore' });
    const entries = readKnownHostsFiles([f, join(dir, 'missing')]);
    expect(entries.every((x) => x.hosts.startsWith('|1|'))).to.equal(true);
    expect(checkHostKey(entries, 'web1', 22, a.blob).status).to.equal('ok');
    expect(checkHostKey(entries, 'web1', 2222, b.blob).status).to.equal('ok');
    expect(checkHostKey(entries, 'web2', 22, a.blob).status).to.equal('unknown');
  });

  it('tells ok, changed (same type, other key), unknown (other types only) and revoked apart', () => {
    const entries = parseKnownHosts(`web1 ${a.line}\nweb2 ${e.line}\n@revoked web3 ${b.line}\nweb3 ${b.line}\n`, 'kh');
    expect(checkHostKey(entries, 'web1', 22, a.blob).status).to.equal('ok');
    const changed = checkHostKey(entries, 'web1', 22, b.blob);
    expect(changed.status).to.equal('changed');
    expect(changed.status === 'changed' && changed.entry.line).to.equal(1);
    expect(checkHostKey(entries, 'web2', 22, a.blob)).to.deep.equal({ status: 'unknown', knownTypes: [e.type] });
    expect(checkHostKey(entries, 'web3', 22, b.blob).status).to.equal('revoked');
  });

  it('prefers host key algorithms already known for the host', () => {
    expect(preferredHostKeyAlgorithms(['ssh-rsa']).slice(0, 3)).to.deep.equal(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
    expect(preferredHostKeyAlgorithms([])[0]).to.equal('ssh-ed25519');
    expect(preferredHostKeyAlgorithms(['ecdsa-sha2-nistp256'])).to.have.length(7);
  });
});
