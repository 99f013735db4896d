// Modes while modules other than the upload write on this machine, watched by the PATH shims of
// put-probe: get_url's download (a file:// URL, through curl) and file's new directory.
import { expect } from 'chai';
import { mkdtemp, writeFile, readFile, rm, stat, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getUrlModule } from '../../../engine/modules/builtin/get_url.js';
import { file } from '../../../engine/modules/builtin/file.js';
import { sh } from '../../../engine/transport/quote.js';
import { makeContext, runModule } from '../hostmodules/run-module.js';
import { installShims, probeEnv, parseProbeLog, exposures, type ProbeRecord } from '../transport/put-probe.js';

const KEY = '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB\n-----END PRIVATE KEY-----\n';
const isRoot = process.getuid?.() === 0;

describe('modes while modules write (LocalTransport, PATH shims)', function () {
  this.timeout(60_000);
  let root: string;
  let dir: string;
  let log: string;
  let saved: NodeJS.ProcessEnv;
  before(function () {
    if (!isRoot) this.skip();
  });
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'tsplay-write-modes-'));
    dir = join(root, 'target');
    log = join(root, 'probe.log');
    const t = makeContext().transport;
    await installShims(t, join(root, 'bin'), ['chmod', 'chown', 'mv', 'mkdir']);
    await t.exec(sh`mkdir -m 0755 -- ${dir} && : > ${log}`);
    saved = { ...process.env };
    // LocalTransport's shells inherit this process's environment
    Object.assign(process.env, probeEnv(join(root, 'bin'), process.env.PATH ?? '/usr/bin:/bin', dir, log));
  });
  afterEach(async () => {
    for (const k of ['PATH', 'PROBE_REAL_PATH', 'PROBE_DIR', 'PROBE_LOG']) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
    await rm(root, { recursive: true, force: true });
  });
  const records = async (): Promise<ProbeRecord[]> => parseProbeLog(await readFile(log, 'utf8'));
  const isGetUrlTemp = (n: string) => n.includes('/.tsplay-get_url.');

  it('get_url: a downloaded 0600 file is 0600 from its first byte to the rename', async () => {
    const src = join(root, 'ca.key');
    await writeFile(src, KEY);
    const r = await runModule(getUrlModule, { url: `file://${src}`, dest: join(dir, 'ca.key'), mode: '0600' }, makeContext());
    expect(r.result, JSON.stringify(r)).to.include({ changed: true });
    const steps = await records();
    expect(steps.filter((s) => isGetUrlTemp(s.name) && s.size > 0), 'the temp file was seen with its bytes').to.not.deep.equal([]);
    expect(exposures(steps, { mode: 0o600, uid: 0, gid: 0 }, isGetUrlTemp)).to.deep.equal([]);
    const st = await stat(join(dir, 'ca.key'));
    expect(st.mode & 0o7777).to.equal(0o600);
    expect(await readFile(join(dir, 'ca.key'), 'utf8')).to.equal(KEY);
  });

  it('get_url: mode 4755 with owner root keeps setuid, and the next run changes nothing', async () => {
    const src = join(root, 'tool');
    await writeFile(src, '#!/bin/sh\n');
    await chmod(src, 0o755);
    const params = { url: `file://${src}`, dest: join(dir, 'tool'), mode: '4755', owner: 'root', group: 'root' };
    const r = await runModule(getUrlModule, params, makeContext());
    expect(r.result, JSON.stringify(r)).to.include({ changed: true });
    expect((await stat(join(dir, 'tool'))).mode & 0o7777).to.equal(0o4755);
    const again = await runModule(getUrlModule, params, makeContext());
    expect(again.plan.kind, JSON.stringify(again.plan)).to.equal('noop');
  });

  it('file: a new directory with mode 0700 is never 0755 on its way there', async () => {
    const d = join(dir, 'pki');
    const r = await runModule(file, { path: d, state: 'directory', mode: '0700' }, makeContext());
    expect(r.result, JSON.stringify(r)).to.include({ changed: true });
    const seen = (await records()).filter((s) => s.name === d);
    expect(seen.length, 'the directory was seen before its chmod').to.be.greaterThan(0);
    for (const s of seen) expect(s.mode.toString(8), `${s.cmd} ${s.when}`).to.equal('700');
    expect((await stat(d)).mode & 0o7777).to.equal(0o700);
  });
});
