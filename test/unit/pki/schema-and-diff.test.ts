// Parameter schemas as the runner's Ajv sees them, and the purity of diff: the same current state
// gives the same plan, and time enters only through current.now.
import { expect } from 'chai';
import { join } from 'node:path';
import { newAjv } from '../../../engine/schema/validators.js';
import { x509KeyModule } from '../../../engine/modules/builtin/x509_key.js';
import { x509CaModule } from '../../../engine/modules/builtin/x509_ca.js';
import { x509CertModule, type X509CertParams } from '../../../engine/modules/builtin/x509_cert.js';
import { kubeconfigModule } from '../../../engine/modules/builtin/kubeconfig.js';
import { makeContext, runModule, tempDir } from './context.js';
import { redactKubeconfig, redactedOrNothing } from '../../../engine/pki/kubeconfig-doc.js';

describe('PKI module schemas', () => {
  const ajv = newAjv('load');
  const valid = (schema: Record<string, unknown>, params: unknown) => ajv.compile(schema)(params);

  it('accepts the documented parameters', () => {
    expect(valid(x509KeyModule.schema, { path: '/p/sa.key', public_path: '/p/sa.pub', type: 'ECDSA', size: 'P-384', mode: '0600', force: true })).to.equal(true);
    expect(valid(x509CaModule.schema, { cert_path: 'a', key_path: 'b', common_name: 'etcd-ca', organization: ['x'], validity_days: 3650, key_type: 'RSA', key_size: 4096 })).to.equal(true);
    expect(
      valid(x509CertModule.schema, {
        cert_path: 'a', key_path: 'b', ca_cert_path: 'c', ca_key_path: 'd', common_name: 'n', organization: 'o',
        dns_names: ['*.x.y', 'localhost'], ip_addresses: ['::1'], key_usage: ['digitalSignature'], extended_key_usage: ['serverAuth', 'clientAuth'],
        validity_days: 365, renew_before_days: 30, key_type: 'ECDSA', key_size: 'P-256',
      }),
    ).to.equal(true);
    expect(valid(kubeconfigModule.schema, { path: 'a', server: 'https://10.0.0.1:6443', ca_cert_path: 'c', client_cert_path: 'd', client_key_path: 'e', user: 'u' })).to.equal(true);
  });

  it('rejects unknown parameters, bad usages, sizes, and a non-https server', () => {
    expect(valid(x509KeyModule.schema, { path: 'a', bits: 2048 })).to.equal(false);
    expect(valid(x509KeyModule.schema, { path: 'a', size: 1024 })).to.equal(false);
    expect(valid(x509CertModule.schema, { cert_path: 'a', key_path: 'b', ca_cert_path: 'c', ca_key_path: 'd', common_name: 'n', extended_key_usage: ['codeSigning'] })).to.equal(false);
    expect(valid(x509CertModule.schema, { cert_path: 'a', key_path: 'b', ca_cert_path: 'c', ca_key_path: 'd', common_name: 'n', key_usage: ['sign'] })).to.equal(false);
    expect(valid(x509CaModule.schema, { cert_path: 'a', key_path: 'b' })).to.equal(false);
    expect(valid(kubeconfigModule.schema, { path: 'a', server: 'http://10.0.0.1:6443', ca_cert_path: 'c', client_cert_path: 'd', client_key_path: 'e', user: 'u' })).to.equal(false);
  });

  it('a type/size mismatch is a failed plan naming both', () => {
    const plan = x509KeyModule.diff({ path: 'a', type: 'RSA', size: 'P-256' }, { key: { path: 'a', exists: false } });
    expect(plan).to.deep.equal({ kind: 'fail', msg: 'RSA key size must be one of 2048, 3072, 4096, got "P-256"' });
  });
});

describe('PKI diff is pure', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir()));
  afterEach(() => tmp.remove());

  it('x509_cert: same current, same plan; a later current.now turns a no-op into "expired on"', async () => {
    const p = (n: string) => join(tmp.dir, n);
    await runModule(x509CaModule, { cert_path: p('ca.crt'), key_path: p('ca.key'), common_name: 'kubernetes' }, makeContext());
    const params: X509CertParams = { cert_path: p('l.crt'), key_path: p('l.key'), ca_cert_path: p('ca.crt'), ca_key_path: p('ca.key'), common_name: 'l', validity_days: 100 };
    await runModule(x509CertModule, params, makeContext());
    const cur = await x509CertModule.read(makeContext(true), params);
    expect(JSON.stringify(x509CertModule.diff(params, cur))).to.equal(JSON.stringify(x509CertModule.diff(params, cur)));
    expect(x509CertModule.diff(params, cur).kind).to.equal('noop');
    const later = x509CertModule.diff(params, { ...cur, now: cur.now + 80 * 86_400_000 });
    expect(later.kind === 'change' && later.result?.reasons).to.deep.equal(['expires in 20 days']);
    const expired = x509CertModule.diff(params, { ...cur, now: cur.now + 101 * 86_400_000 });
    expect(expired.kind === 'change' && (expired.result?.reasons as string[])[0]).to.match(/^expired on \d{4}-\d\d-\d\d$/);
  });
});

describe('kubeconfig redaction', () => {
  it('replaces every client-key-data value, whatever the indentation or quoting', () => {
    const text = 'users:\n- name: a\n  user:\n    client-key-data: AAAA\n    "client-key-data": \'BBBB\'\n- user: {x: 1}\n  client-key-data:   CCCC\n';
    const out = redactKubeconfig(text);
    expect(out).not.to.match(/AAAA|BBBB|CCCC/);
    expect(out.match(/<redacted>/g)).to.have.length(3);
    expect(redactedOrNothing(text)).to.equal(out);
  });

  it('gives nothing to show when key data survives line redaction (flow style)', () => {
    expect(redactedOrNothing('users: [{name: a, user: {client-key-data: AAAA}}]\n')).to.equal(undefined);
  });
});
