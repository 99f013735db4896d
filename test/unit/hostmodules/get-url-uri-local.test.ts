// Real: get_url and uri run curl on the host (here through LocalTransport) against HTTP and
// HTTPS servers on 127.0.0.1 started by the test.
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync, statSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getUrlModule } from '../../../engine/modules/builtin/get_url.js';
import { uriModule } from '../../../engine/modules/builtin/uri.js';
import { makeContext, runModule } from './run-module.js';
import { makePki, startHttp, startHttps, FILE_BODY, type TestPki, type TestServer } from './local-servers.js';

describe('get_url and uri against local servers (LocalTransport)', function () {
  this.timeout(60000);
  let pki: TestPki;
  let plain: TestServer;
  let tls: TestServer;
  let dir: string;
  const sha = createHash('sha256').update(FILE_BODY).digest('hex');

  before(async () => {
    pki = makePki();
    plain = await startHttp();
    tls = await startHttps(pki);
  });
  after(async () => {
    await plain?.close();
    await tls?.close();
    rmSync(pki.dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsplay-get_url-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('downloads with a checksum, then skips without fetching', async () => {
    const ctx = makeContext();
    const params = { url: `${plain.url}/file.bin`, dest: join(dir, 'f.bin'), checksum: `sha256:${sha}`, mode: '0640' };
    const first = await runModule(getUrlModule, params, ctx);
    expect(first.plan.kind).to.equal('change');
    expect(first.result).to.include({ changed: true });
    expect(readFileSync(params.dest)).to.deep.equal(FILE_BODY);
    expect((statSync(params.dest).mode & 0o777).toString(8)).to.equal('640');
    const hits = plain.hits.get('/file.bin');
    const second = await runModule(getUrlModule, params, ctx);
    expect(second.plan.kind).to.equal('noop');
    expect((second.plan as { reason: string }).reason).to.include('already has sha256');
    expect(plain.hits.get('/file.bin')).to.equal(hits);
    expect(readdirSync(dir)).to.deep.equal(['f.bin']); // no temp file left behind
  });

  it('check mode predicts without touching dest', async () => {
    const ctx = makeContext(undefined, true);
    const r = await runModule(getUrlModule, { url: `${plain.url}/file.bin`, dest: join(dir, 'f.bin') }, ctx);
    expect(r.plan.kind).to.equal('change');
    expect(r.result).to.equal(undefined);
    expect(readdirSync(dir)).to.deep.equal([]);
  });

  it('a wrong checksum fails and leaves the old dest untouched', async () => {
    const dest = join(dir, 'f.bin');
    writeFileSync(dest, 'old');
    const r = await runModule(getUrlModule, { url: `${plain.url}/file.bin`, dest, checksum: `sha256:${'0'.repeat(64)}` }, makeContext());
    expect(r.result).to.include({ failed: true, changed: false });
    expect(String(r.result!.msg)).to.include('checksum mismatch');
    expect(readFileSync(dest, 'utf8')).to.equal('old');
    expect(readdirSync(dir)).to.deep.equal(['f.bin']);
  });

  it('without checksum an existing dest is kept unless force; force with equal content is no change', async () => {
    const dest = join(dir, 'f.bin');
    writeFileSync(dest, FILE_BODY);
    const keep = await runModule(getUrlModule, { url: `${plain.url}/file.bin`, dest }, makeContext());
    expect(keep.plan.kind).to.equal('noop');
    const forced = await runModule(getUrlModule, { url: `${plain.url}/file.bin`, dest, force: true }, makeContext());
    expect(forced.result).to.include({ changed: false });
  });

  it('dest as a directory takes the URL basename; an HTTP 404 fails', async () => {
    const r = await runModule(getUrlModule, { url: `${plain.url}/file.bin`, dest: dir }, makeContext());
    expect(r.result).to.include({ changed: true, dest: join(dir, 'file.bin') });
    const nf = await runModule(getUrlModule, { url: `${plain.url}/nope`, dest: join(dir, 'x') }, makeContext());
    expect(nf.result).to.include({ failed: true });
    expect(readdirSync(dir)).to.deep.equal(['file.bin']);
  });

  it('https: verifies against ca_path, refuses an unknown CA, and validate_certs: false skips the check', async () => {
    const url = `${tls.url}/file.bin`;
    const good = await runModule(getUrlModule, { url, dest: join(dir, 'a'), ca_path: pki.caCert }, makeContext());
    expect(good.result).to.include({ changed: true });
    const bad = await runModule(getUrlModule, { url, dest: join(dir, 'b') }, makeContext());
    expect(bad.result).to.include({ failed: true });
    const insecure = await runModule(getUrlModule, { url, dest: join(dir, 'c'), validate_certs: false }, makeContext());
    expect(insecure.result).to.include({ changed: true });
  });

  it('uri GET: no change, status, headers, json, content; runs in check mode too', async () => {
    for (const check of [false, true]) {
      const r = await runModule(uriModule, { url: `${plain.url}/json`, return_content: true }, makeContext(undefined, check));
      expect(r.plan.kind).to.equal('noop');
      expect(r.plan.result).to.deep.include({ changed: false, status: 200, json: { hello: 'world' }, content: '{"hello":"world"}', x_test: 'yes' });
    }
  });

  it('uri GET follows a redirect; a wrong status fails with Ansible wording', async () => {
    const r = await runModule(uriModule, { url: `${plain.url}/redirect` }, makeContext());
    expect(r.plan.result).to.deep.include({ status: 200, json: { hello: 'world' } });
    const nf = await runModule(uriModule, { url: `${plain.url}/missing` }, makeContext());
    expect(nf.plan).to.include({ kind: 'fail', msg: 'Status code was 404 and not [200]: HTTP Error 404' });
    const ok = await runModule(uriModule, { url: `${plain.url}/missing`, status_code: [200, 404] }, makeContext());
    expect(ok.plan.kind).to.equal('noop');
  });

  it('uri POST json: skipped in check mode, sent in a real run with body and headers', async () => {
    const params = { url: `${plain.url}/echo`, method: 'POST', body: { a: 1, quote: "it's" }, body_format: 'json' as const, headers: { 'X-Auth': 'tok en' }, status_code: 201 };
    const before = plain.hits.get('/echo') ?? 0;
    const check = await runModule(uriModule, params, makeContext(undefined, true));
    expect(check.plan).to.include({ kind: 'change', unknowable: true });
    expect(plain.hits.get('/echo') ?? 0).to.equal(before);
    const real = await runModule(uriModule, params, makeContext());
    expect(real.result).to.deep.include({ changed: false, status: 201 });
    expect(real.result!.json).to.deep.equal({ method: 'POST', type: 'application/json', auth: 'tok en', body: JSON.stringify({ a: 1, quote: "it's" }) });
  });

  it('uri https with a client certificate (mutual TLS)', async () => {
    const base = { url: `${tls.url}/mtls`, ca_path: pki.caCert, return_content: true };
    const withCert = await runModule(uriModule, { ...base, client_cert: pki.clientCert, client_key: pki.clientKey }, makeContext());
    expect(withCert.plan.result).to.deep.include({ status: 200, content: 'hello client' });
    const without = await runModule(uriModule, base, makeContext());
    expect(without.plan).to.include({ kind: 'fail' });
    const untrusted = await runModule(uriModule, { url: `${tls.url}/json` }, makeContext());
    expect(untrusted.plan).to.include({ kind: 'fail' });
    expect(String((untrusted.plan as { msg: string }).msg)).to.match(/^Status code was -1 and not \[200\]: Request failed: curl: \(60\)/);
  });
});
