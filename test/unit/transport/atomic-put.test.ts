// The upload script on this machine (LocalTransport), watched step by step by PATH shims: a
// private file's bytes are never open to anyone its final mode and owner exclude, and the final
// mode is exactly the one asked for, setuid/setgid bits included. Also as a non-root writer.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, chmodSync, chownSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalTransport } from '../../../engine/transport/local.js';
import { atomicPutCommand } from '../../../engine/transport/atomic-put.js';
import { PutProbe, exposures, expectSetuidKept, parseProbeLog, type ProbeRecord } from './put-probe.js';

const KEY = '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n-----END PRIVATE KEY-----\n';
const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;

/** every step saw the temp file; the bytes went in before any chmod/chown (mode 0600 meanwhile) */
function sawEveryStep(steps: ProbeRecord[]): void {
  const withBytes = steps.filter((r) => r.name.includes('/.tsplay-put.') && r.size > 0);
  expect(withBytes.map((r) => `${r.cmd} ${r.when}`), 'the temp file holding the bytes was seen').to.include('head after');
  expect(withBytes.map((r) => `${r.cmd} ${r.when}`)).to.include('mv before');
}

describe('atomic upload: modes and owners while the file is written (LocalTransport)', function () {
  this.timeout(60_000);
  let root: string;
  let probe: PutProbe;
  const t = new LocalTransport('localhost');

  before(function () {
    if (!isRoot) this.skip(); // chown to other users and setuid files need root
  });
  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'tsplay-put-probe-'));
    probe = await PutProbe.install(t, root, process.env.PATH ?? '/usr/bin:/bin');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('a new 0600 private key: 0600 from the first byte to the rename, never 0644 on the way', async () => {
    const steps = await probe.put(Buffer.from(KEY), 'ca.key', { mode: '0600' });
    sawEveryStep(steps);
    expect(exposures(steps, { mode: 0o600, uid: 0, gid: 0 })).to.deep.equal([]);
    expect(await probe.stat('ca.key')).to.deep.equal({ mode: 0o600, uid: 0, gid: 0, content: KEY });
  });

  it('0400 owned by nobody, and 0640 root:nogroup: the bytes are never open to others', async () => {
    const a = await probe.put(Buffer.from(KEY), 'ro.key', { mode: '0400', owner: 'nobody' });
    sawEveryStep(a);
    expect(exposures(a, { mode: 0o400, uid: NOBODY, gid: 0 })).to.deep.equal([]);
    expect(await probe.stat('ro.key')).to.deep.equal({ mode: 0o400, uid: NOBODY, gid: 0, content: KEY });
    const b = await probe.put(Buffer.from(KEY), 'grp.key', { mode: '0640', owner: 'root', group: 'nogroup' });
    expect(exposures(b, { mode: 0o640, uid: 0, gid: NOBODY })).to.deep.equal([]);
    expect(await probe.stat('grp.key')).to.deep.equal({ mode: 0o640, uid: 0, gid: NOBODY, content: KEY });
  });

  it('replacing a 0600 file without a mode keeps 0600 and its owner throughout', async () => {
    await probe.write('kubelet.conf', 'old\n', '0600', 'nobody');
    const steps = await probe.put(Buffer.from(KEY), 'kubelet.conf');
    sawEveryStep(steps);
    expect(exposures(steps, { mode: 0o600, uid: NOBODY, gid: 0 })).to.deep.equal([]);
    expect(await probe.stat('kubelet.conf')).to.deep.equal({ mode: 0o600, uid: NOBODY, gid: 0, content: KEY });
  });

  it('setuid/setgid survive: mode 4755 and 2755 with an owner, and a 4755 file replaced without a mode', async () => {
    await expectSetuidKept(probe);
  });

  it('a non-root writer: a new 0400 file gets its bytes and mode, never open to others', async () => {
    const dir = join(root, 'mine');
    execFileSync('mkdir', [dir]);
    chownSync(dir, NOBODY, NOBODY);
    const bin = join(root, 'bin');
    const log = join(root, 'nobody.log');
    writeFileSync(log, '');
    chownSync(log, NOBODY, NOBODY);
    chmodSync(root, 0o755);
    const path = join(dir, 'own.key');
    const env = { PATH: `${bin}:${process.env.PATH}`, PROBE_REAL_PATH: process.env.PATH!, PROBE_DIR: dir, PROBE_LOG: log };
    execFileSync('setpriv', ['--reuid', String(NOBODY), '--regid', String(NOBODY), '--clear-groups', '/bin/sh', '-c', atomicPutCommand(path, Buffer.byteLength(KEY), { mode: '0400' }).text], { input: KEY, env });
    const steps = parseProbeLog(readFileSync(log, 'utf8'));
    sawEveryStep(steps);
    expect(exposures(steps, { mode: 0o400, uid: NOBODY, gid: NOBODY })).to.deep.equal([]);
    const st = statSync(path);
    expect([st.mode & 0o7777, st.uid, st.gid]).to.deep.equal([0o400, NOBODY, NOBODY]);
    expect(readFileSync(path, 'utf8')).to.equal(KEY);
  });
});
