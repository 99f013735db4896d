// Real: what uri and get_url send (URL with its credentials and query, headers, body) never
// appears in a command line on the host, where every user can read it (`ps`). A server on
// 127.0.0.1 holds each request open while the test reads every process's arguments, then answers.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import { getUrlModule } from '../../../engine/modules/builtin/get_url.js';
import { uriModule } from '../../../engine/modules/builtin/uri.js';
import { makeContext, runModule } from './run-module.js';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Seen {
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** answers each request only when `release()` is called; records what arrived */
async function heldServer() {
  const seen: Seen[] = [];
  let open: (() => void) | undefined;
  let opened = new Promise<void>((r) => (open = r));
  const waiting: Array<() => void> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      waiting.push(() => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ got: req.headers.authorization ?? null })));
      open?.();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    base: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    /** resolves once a request has arrived and is being held */
    arrived: () => opened,
    release() {
      for (const w of waiting.splice(0)) w();
      opened = new Promise<void>((r) => (open = r));
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

/** every command line on this machine, in full (ww: no width limit) */
async function commandLines(): Promise<string[]> {
  return (await run('ps', ['-eww', '-o', 'args='], { maxBuffer: 16 << 20 })).stdout.split('\n');
}

/**
 * While the request is held: read all command lines until the tool's own is among them, then a
 * few more times; every time, none may hold a secret. Returns the tool's command lines seen.
 */
async function watchWhileHeld(tool: RegExp, secrets: string[], arrived: Promise<void>, pending: Promise<unknown>): Promise<string[]> {
  let held = false;
  let settled = false;
  void arrived.then(() => (held = true));
  void pending.finally(() => (settled = true)).catch(() => undefined);
  const toolLines: string[] = [];
  let after = 0;
  for (let i = 0; i < 400 && after < 5 && !settled; i++) {
    const lines = await commandLines();
    for (const s of secrets) expect(lines.filter((l) => l.includes(s)), `"${s}" in a command line`).to.deep.equal([]);
    const mine = lines.filter((l) => tool.test(l));
    toolLines.push(...mine);
    if (held && mine.length) after++;
    else await sleep(25);
  }
  return toolLines;
}

describe('uri and get_url keep URL, headers and body out of command lines (LocalTransport)', function () {
  this.timeout(60000);
  let srv: Awaited<ReturnType<typeof heldServer>>;
  let dir: string;
  const token = () => `tok-${randomBytes(8).toString('hex')}`;

  beforeEach(async () => {
    srv = await heldServer();
    dir = mkdtempSync(join(tmpdir(), 'tsplay-argv-'));
  });
  afterEach(async () => {
    srv.release();
    await srv.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('uri: an Authorization header, a token in the query and a JSON body are sent but never in ps', async () => {
    const [auth, query, secretBody] = [token(), token(), token()];
    const params = {
      url: `http://${srv.base}/api?access_token=${query}`,
      method: 'POST',
      headers: { Authorization: `Bearer ${auth}` },
      body: { password: secretBody },
      body_format: 'json' as const,
      return_content: true,
    };
    const pending = runModule(uriModule, params, makeContext());
    const curls = await watchWhileHeld(/\bcurl\b/, [auth, query, secretBody], srv.arrived(), pending);
    expect(curls.length, 'curl was seen running while the request was held').to.be.greaterThan(0);
    srv.release();
    const r = await pending;
    expect(r.result).to.deep.include({ status: 200, json: { got: `Bearer ${auth}` } });
    expect(srv.seen).to.have.length(1);
    expect(srv.seen[0].url).to.equal(`/api?access_token=${query}`);
    expect(srv.seen[0].headers).to.include({ authorization: `Bearer ${auth}`, 'content-type': 'application/json' });
    expect(JSON.parse(srv.seen[0].body)).to.deep.equal({ password: secretBody });
  });

  it('uri GET: a header value with quotes, backslashes and shell syntax arrives byte for byte', async () => {
    const value = `a"b\\c 'd' $(touch ${dir}/canary) \`x\` ; | # \t%s`;
    const pending = runModule(uriModule, { url: `http://${srv.base}/q`, headers: { 'X-Odd': value } }, makeContext());
    await srv.arrived();
    srv.release();
    const r = await pending;
    expect(r.plan.kind).to.equal('noop');
    expect(srv.seen[0].headers['x-odd']).to.equal(value);
    expect(readdirSync(dir)).to.deep.equal([]);
  });

  it('get_url with curl: URL credentials and a header are sent but never in ps; no temp file left', async () => {
    const [pw, auth] = [token(), token()];
    const dest = join(dir, 'out.json');
    const pending = runModule(getUrlModule, { url: `http://user:${pw}@${srv.base}/file`, dest, headers: { 'X-Token': auth } }, makeContext());
    const curls = await watchWhileHeld(/\bcurl\b/, [pw, auth], srv.arrived(), pending);
    expect(curls.length, 'curl was seen running while the request was held').to.be.greaterThan(0);
    srv.release();
    const r = await pending;
    expect(r.result).to.include({ changed: true });
    expect(srv.seen[0].headers).to.include({ authorization: `Basic ${Buffer.from(`user:${pw}`).toString('base64')}`, 'x-token': auth });
    expect(readdirSync(dir)).to.deep.equal(['out.json']);
  });

  it('get_url with wget (no curl on PATH): the same, and wget still reads its own startup file', async () => {
    // a PATH with every command of /usr/bin except curl
    const bin = join(dir, 'bin');
    const out = join(dir, 'out');
    await run('mkdir', [bin, out]);
    for (const f of readdirSync('/usr/bin')) if (f !== 'curl') symlinkSync(join('/usr/bin', f), join(bin, f));
    // a setting from the host's own wgetrc must still apply next to the headers
    const sysrc = join(dir, 'wgetrc');
    await run('sh', ['-c', `printf 'header = X-From-Wgetrc: yes\\n' > "$1"`, 'sh', sysrc]);
    // mktemp on the host: its directory must be empty afterwards
    const tmp = join(dir, 'tmp');
    await run('mkdir', [tmp]);
    const saved = { PATH: process.env.PATH, SYSTEM_WGETRC: process.env.SYSTEM_WGETRC, TMPDIR: process.env.TMPDIR };
    process.env.PATH = bin;
    process.env.SYSTEM_WGETRC = sysrc;
    process.env.TMPDIR = tmp;
    try {
      const [pw, auth] = [token(), token()];
      const dest = join(out, 'f.json');
      const pending = runModule(getUrlModule, { url: `http://user:${pw}@${srv.base}/file`, dest, headers: { 'X-Token': auth } }, makeContext());
      const wgets = await watchWhileHeld(/\bwget\b/, [pw, auth], srv.arrived(), pending);
      expect(wgets.length, 'wget was seen running while the request was held').to.be.greaterThan(0);
      srv.release();
      const r = await pending;
      expect(r.result, JSON.stringify(r.result)).to.include({ changed: true });
      // wget sends URL credentials only when challenged (401); this server does not ask
      expect(srv.seen[0].headers).to.include({ 'x-token': auth, 'x-from-wgetrc': 'yes' });
      expect(JSON.parse(readFileSync(dest, 'utf8'))).to.deep.equal({ got: null });
      expect(readdirSync(out)).to.deep.equal(['f.json']);

      // without headers wget needs no config of its own; the URL still goes through stdin
      const pw2 = token();
      const plain = runModule(getUrlModule, { url: `http://user:${pw2}@${srv.base}/file`, dest: join(out, 'g.json') }, makeContext());
      expect(await watchWhileHeld(/\bwget\b/, [pw2], srv.arrived(), plain)).to.not.deep.equal([]);
      srv.release();
      expect((await plain).result).to.include({ changed: true });
      expect(readdirSync(out).sort()).to.deep.equal(['f.json', 'g.json']);
      expect(readdirSync(tmp)).to.deep.equal([]);
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});
