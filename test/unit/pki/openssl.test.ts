// The PKI modules' output checked by an independent implementation: the openssl CLI.
import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import yaml from 'js-yaml';
import { makeContext, runModule, tempDir } from './context.js';
import { leakedSecrets } from './leak.js';
import { x509KeyModule } from '../../../engine/modules/builtin/x509_key.js';
import { x509CaModule } from '../../../engine/modules/builtin/x509_ca.js';
import { x509CertModule, type X509CertParams } from '../../../engine/modules/builtin/x509_cert.js';
import { kubeconfigModule } from '../../../engine/modules/builtin/kubeconfig.js';
import { Secret } from '../../../engine/pki/secret.js';

function openssl(...args: string[]): string {
  return execFileSync('/usr/bin/openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}
/** openssl verify's exit code and output */
function verify(ca: string, leaf: string): { status: number | null; out: string } {
  const r = spawnSync('/usr/bin/openssl', ['verify', '-CAfile', ca, leaf], { encoding: 'utf8' });
  return { status: r.status, out: r.stdout + r.stderr };
}
const modeOf = (p: string) => (statSync(p).mode & 0o777).toString(8).padStart(4, '0');
const pubOfCert = (crt: string) => openssl('x509', '-in', crt, '-noout', '-pubkey');
const pubOfKey = (key: string) => openssl('pkey', '-in', key, '-pubout');

describe('PKI modules checked with openssl', function () {
  this.timeout(120000);
  let tmp: ReturnType<typeof tempDir>;
  let p: (name: string) => string;
  beforeEach(() => {
    tmp = tempDir();
    p = (name) => join(tmp.dir, name);
  });
  afterEach(() => tmp.remove());

  async function ca(name = 'ca', extra: Record<string, unknown> = {}) {
    const r = await runModule(x509CaModule, { cert_path: p(`${name}.crt`), key_path: p(`${name}.key`), common_name: 'kubernetes', ...extra }, makeContext());
    expect(r.result?.failed, r.result?.msg).to.not.equal(true);
    return r;
  }
  const apiserver = (extra: Partial<X509CertParams> = {}): X509CertParams => ({
    cert_path: p('apiserver.crt'),
    key_path: p('apiserver.key'),
    ca_cert_path: p('ca.crt'),
    ca_key_path: p('ca.key'),
    common_name: 'kube-apiserver',
    dns_names: ['master1', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', 'localhost'],
    ip_addresses: ['10.96.0.1', '10.77.0.11', '10.77.0.100', '127.0.0.1'],
    extended_key_usage: ['serverAuth'],
    ...extra,
  });

  it('CA: self-signed, CA:TRUE critical, keyCertSign+cRLSign+digitalSignature critical, SKI, PKCS#8 key 0600', async () => {
    await ca();
    const text = openssl('x509', '-in', p('ca.crt'), '-noout', '-text');
    expect(text).to.match(/Basic Constraints: critical\s+CA:TRUE/);
    expect(text).to.match(/Key Usage: critical\s+Digital Signature, Certificate Sign, CRL Sign/);
    expect(text).to.include('Subject Key Identifier');
    expect(text).to.match(/Issuer: CN\s?=\s?kubernetes/);
    expect(text).to.match(/Subject: CN\s?=\s?kubernetes/);
    expect(verify(p('ca.crt'), p('ca.crt')).status).to.equal(0);
    expect(readFileSync(p('ca.key'), 'utf8')).to.match(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(modeOf(p('ca.key'))).to.equal('0600');
    expect(pubOfCert(p('ca.crt'))).to.equal(pubOfKey(p('ca.key')));
    const days = (Date.parse(openssl('x509', '-in', p('ca.crt'), '-noout', '-enddate').trim().slice('notAfter='.length)) - Date.now()) / 86_400_000;
    expect(days).to.be.within(3649, 3651);
  });

  it('leaf: verifies against the CA, has the SANs, usages, AKI = CA SKI, a positive 16-byte serial, and matches its key', async () => {
    await ca();
    const r = await runModule(x509CertModule, apiserver(), makeContext());
    expect(r.result?.changed, r.result?.msg).to.equal(true);
    const v = verify(p('ca.crt'), p('apiserver.crt'));
    expect(v.status, v.out).to.equal(0);
    expect(v.out).to.include('apiserver.crt: OK');
    const san = openssl('x509', '-in', p('apiserver.crt'), '-noout', '-ext', 'subjectAltName');
    for (const n of apiserver().dns_names!) expect(san).to.include(`DNS:${n}`);
    for (const ip of apiserver().ip_addresses!) expect(san).to.include(`IP Address:${ip}`);
    const usage = openssl('x509', '-in', p('apiserver.crt'), '-noout', '-ext', 'keyUsage,extendedKeyUsage,basicConstraints');
    expect(usage).to.match(/Key Usage: critical\s+Digital Signature, Key Encipherment/);
    expect(usage).to.match(/Extended Key Usage:\s+TLS Web Server Authentication/);
    expect(usage).to.match(/Basic Constraints: critical\s+CA:FALSE/);
    const aki = openssl('x509', '-in', p('apiserver.crt'), '-noout', '-ext', 'authorityKeyIdentifier').split('\n')[1].trim().replace(/^keyid:/, '');
    const ski = openssl('x509', '-in', p('ca.crt'), '-noout', '-ext', 'subjectKeyIdentifier').split('\n')[1].trim();
    expect(aki).to.equal(ski);
    const serial = openssl('x509', '-in', p('apiserver.crt'), '-noout', '-serial').trim().slice('serial='.length);
    expect(serial).to.match(/^[0-7][0-9A-F]{31}$/);
    expect(pubOfCert(p('apiserver.crt'))).to.equal(pubOfKey(p('apiserver.key')));
    expect(modeOf(p('apiserver.key'))).to.equal('0600');
    expect(r.result?.serial).to.equal(serial.toLowerCase());
    // second run: nothing to do
    const again = await runModule(x509CertModule, apiserver(), makeContext());
    expect(again.plan.kind).to.equal('noop');
  });

  it('client cert with several organizations: subject as openssl prints it, clientAuth', async () => {
    await ca();
    const params = apiserver({ common_name: 'system:node:w1', organization: ['system:nodes', 'extra'], dns_names: [], ip_addresses: [], extended_key_usage: ['clientAuth'] });
    await runModule(x509CertModule, params, makeContext());
    const subject = openssl('x509', '-in', p('apiserver.crt'), '-noout', '-subject', '-nameopt', 'RFC2253').trim();
    expect(subject).to.equal('subject=CN=system:node:w1,O=extra,O=system:nodes');
    expect(openssl('x509', '-in', p('apiserver.crt'), '-noout', '-ext', 'extendedKeyUsage')).to.include('TLS Web Client Authentication');
    expect(openssl('x509', '-in', p('apiserver.crt'), '-noout', '-text')).not.to.include('Subject Alternative Name');
    expect(verify(p('ca.crt'), p('apiserver.crt')).status).to.equal(0);
  });

  it('a SAN added later re-issues with the same key; the new cert verifies and has the SAN', async () => {
    await ca();
    await runModule(x509CertModule, apiserver(), makeContext());
    const keyBefore = readFileSync(p('apiserver.key'));
    const serialBefore = openssl('x509', '-in', p('apiserver.crt'), '-noout', '-serial');
    const wanted = apiserver({ ip_addresses: [...apiserver().ip_addresses!, '10.0.0.5'] });
    const r = await runModule(x509CertModule, wanted, makeContext());
    expect(r.plan.kind).to.equal('change');
    expect(r.result?.reasons).to.deep.equal(['missing SAN IP:10.0.0.5']);
    expect(r.result?.msg).to.include('reusing the existing RSA 2048 key');
    expect(readFileSync(p('apiserver.key')).equals(keyBefore)).to.equal(true);
    expect(openssl('x509', '-in', p('apiserver.crt'), '-noout', '-serial')).not.to.equal(serialBefore);
    expect(openssl('x509', '-in', p('apiserver.crt'), '-noout', '-ext', 'subjectAltName')).to.include('IP Address:10.0.0.5');
    expect(verify(p('ca.crt'), p('apiserver.crt')).status).to.equal(0);
    expect(pubOfCert(p('apiserver.crt'))).to.equal(pubOfKey(p('apiserver.key')));
  });

  it('a leaf of another CA fails openssl verify, is re-issued, then verifies', async () => {
    await ca();
    await ca('other');
    await runModule(x509CertModule, apiserver({ ca_cert_path: p('other.crt'), ca_key_path: p('other.key') }), makeContext());
    expect(verify(p('ca.crt'), p('apiserver.crt')).status).to.not.equal(0);
    const r = await runModule(x509CertModule, apiserver(), makeContext());
    expect(r.result?.reasons).to.deep.equal([`not signed by CA ${p('ca.crt')} (issuer CN=kubernetes)`]);
    expect(verify(p('ca.crt'), p('apiserver.crt')).status).to.equal(0);
  });

  it('near expiry: validity 10 days, then renew_before_days 30 re-issues for 365 days', async () => {
    await ca();
    await runModule(x509CertModule, apiserver({ validity_days: 10, renew_before_days: 5 }), makeContext());
    const r = await runModule(x509CertModule, apiserver({ renew_before_days: 30 }), makeContext());
    expect(r.result?.reasons).to.deep.equal(['expires in 10 days']);
    const end = Date.parse(openssl('x509', '-in', p('apiserver.crt'), '-noout', '-enddate').trim().slice('notAfter='.length));
    expect((end - Date.now()) / 86_400_000).to.be.within(364, 366);
  });

  it('the CA is never regenerated, whatever the parameters say', async () => {
    await ca();
    const before = readFileSync(p('ca.crt'));
    const keyBefore = readFileSync(p('ca.key'));
    const r = await ca('ca', { common_name: 'another-ca', key_type: 'ECDSA', validity_days: 10 });
    expect(r.plan.kind).to.equal('noop');
    expect(r.plan.kind === 'noop' && r.plan.reason).to.match(/^CA exists, valid until \d{4}-\d\d-\d\d .*never regenerated/);
    expect(readFileSync(p('ca.crt')).equals(before)).to.equal(true);
    expect(readFileSync(p('ca.key')).equals(keyBefore)).to.equal(true);
  });

  it('a CA made by openssl (PKCS#8 or traditional RSA key) is adopted and signs leaves', async () => {
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', p('ca.key'), '-out', p('ca.crt'), '-subj', '/CN=kubernetes', '-days', '100');
    openssl('rsa', '-in', p('ca.key'), '-out', p('ca.key'), '-traditional');
    expect(readFileSync(p('ca.key'), 'utf8')).to.include('BEGIN RSA PRIVATE KEY');
    const r = await ca();
    expect(r.plan.kind).to.equal('noop');
    await runModule(x509CertModule, apiserver(), makeContext());
    expect(verify(p('ca.crt'), p('apiserver.crt')).status).to.equal(0);
  });

  it('ECDSA P-384 CA signing an ECDSA P-256 leaf', async () => {
    await ca('ca', { key_type: 'ECDSA', key_size: 'P-384' });
    expect(openssl('pkey', '-in', p('ca.key'), '-noout', '-text')).to.include('NIST CURVE: P-384');
    await runModule(x509CertModule, apiserver({ key_type: 'ECDSA' }), makeContext());
    expect(openssl('x509', '-in', p('apiserver.crt'), '-noout', '-text')).to.include('ecdsa-with-SHA384');
    expect(openssl('pkey', '-in', p('apiserver.key'), '-noout', '-text')).to.include('NIST CURVE: P-256');
    expect(verify(p('ca.crt'), p('apiserver.crt')).status).to.equal(0);
  });

  it('x509_key: RSA 4096 PKCS#8 key 0600 and its public key as openssl derives it', async () => {
    const r = await runModule(x509KeyModule, { path: p('sa.key'), size: 4096, public_path: p('sa.pub') }, makeContext());
    expect(r.result?.changed).to.equal(true);
    expect(openssl('pkey', '-in', p('sa.key'), '-noout', '-text')).to.include('Private-Key: (4096 bit');
    expect(readFileSync(p('sa.key'), 'utf8')).to.match(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(readFileSync(p('sa.pub'), 'utf8')).to.equal(pubOfKey(p('sa.key')));
    expect(modeOf(p('sa.key'))).to.equal('0600');
    expect(leakedSecrets(tmp.dir, r)).to.deep.equal([]);
  });

  it('x509_key: creates missing parent directories', async () => {
    await runModule(x509KeyModule, { path: p('pki/etcd/k.key'), type: 'ECDSA' }, makeContext());
    expect(openssl('pkey', '-in', p('pki/etcd/k.key'), '-noout', '-text')).to.include('NIST CURVE: P-256');
  });

  it('kubeconfig: embedded data decodes to the files, the client cert verifies, idempotent, key never in the diff', async () => {
    await ca();
    await runModule(x509CertModule, apiserver({ cert_path: p('admin.crt'), key_path: p('admin.key'), common_name: 'kubernetes-admin', organization: 'kubeadm:cluster-admins', dns_names: [], ip_addresses: [], extended_key_usage: ['clientAuth'] }), makeContext());
    const params = { path: p('admin.conf'), server: 'https://10.77.0.100:8443', ca_cert_path: p('ca.crt'), client_cert_path: p('admin.crt'), client_key_path: p('admin.key'), user: 'kubernetes-admin' };
    const first = await runModule(kubeconfigModule, params, makeContext());
    expect(first.result?.changed).to.equal(true);
    const text = readFileSync(p('admin.conf'), 'utf8');
    const doc = yaml.load(text) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    const b64 = (f: string) => readFileSync(p(f)).toString('base64');
    expect(doc.clusters[0]).to.deep.equal({ cluster: { 'certificate-authority-data': b64('ca.crt'), server: params.server }, name: 'kubernetes' });
    expect(doc.users[0]).to.deep.equal({ name: 'kubernetes-admin', user: { 'client-certificate-data': b64('admin.crt'), 'client-key-data': b64('admin.key') } });
    expect(doc['current-context']).to.equal('kubernetes-admin@kubernetes');
    expect(doc.contexts[0]).to.deep.equal({ context: { cluster: 'kubernetes', user: 'kubernetes-admin' }, name: 'kubernetes-admin@kubernetes' });
    expect(modeOf(p('admin.conf'))).to.equal('0600');
    writeFileSync(p('embedded-ca.crt'), Buffer.from(doc.clusters[0].cluster['certificate-authority-data'], 'base64'));
    writeFileSync(p('embedded.crt'), Buffer.from(doc.users[0].user['client-certificate-data'], 'base64'));
    expect(verify(p('embedded-ca.crt'), p('embedded.crt')).status).to.equal(0);
    const shown = JSON.stringify(first.plan) + inspect(first.plan, { depth: 20 }) + JSON.stringify(first.result);
    expect(shown).to.include('client-key-data: <redacted>');
    expect(shown).not.to.include(b64('admin.key').slice(0, 40));
    expect(leakedSecrets(tmp.dir, first)).to.deep.equal([]);
    const second = await runModule(kubeconfigModule, params, makeContext());
    expect(second.plan.kind).to.equal('noop');
    expect(readFileSync(p('admin.conf'), 'utf8')).to.equal(text);
  });

  it('the leak detector finds a key, so the checks above can fail', async () => {
    await runModule(x509KeyModule, { path: p('k.key') }, makeContext());
    const pem = readFileSync(p('k.key'), 'utf8');
    expect(leakedSecrets(tmp.dir, { msg: pem.split('\n')[5] })).to.have.length(1);
    expect(leakedSecrets(tmp.dir, { msg: pem })).to.include('PRIVATE KEY-----');
    expect(leakedSecrets(tmp.dir, { msg: new Secret(pem) })).to.deep.equal([]);
  });
});
