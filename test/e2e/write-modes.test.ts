// File modes while files are written, on a lab host (worker2) through tsplay's own SshTransport:
// PATH shims on the host record every step of the real upload script, and no private file's
// bytes are ever open to someone its final mode and owner exclude. Then the CLI: copy with
// setuid/setgid modes and owner root lands with exactly those modes and a rerun changes nothing;
// `file: state=absent` on "link/" removes the link and not the directory's content.
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../engine/paths.js';
import { SshTransport } from '../../engine/transport/ssh.js';
import { sh } from '../../engine/transport/quote.js';
import { PutProbe, exposures, expectSetuidKept } from '../unit/transport/put-probe.js';
import { tsplay, recapOf } from './run-tsplay.js';
import { LAB, labSsh } from './lab-ssh.js';

const HOST = 'worker2';
const IP = '10.77.0.22';
const INV = join(projectRoot(), 'inventories', 'lab');
const HOST_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const KEY = '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEICCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC\n-----END PRIVATE KEY-----\n';
const NOBODY = 65534;

describe('e2e: file modes while writing, on worker2', function () {
  this.timeout(300_000);
  let t: SshTransport | undefined;
  let root = '';
  let dir = '';

  before(async function () {
    if (!existsSync(`${LAB}/id_ed25519`) || !existsSync(`${LAB}/known_hosts`)) {
      console.log('      (skipped: the lab is not up)');
      return this.skip();
    }
    try {
      t = SshTransport.fromVars(HOST, {
        ansible_host: IP,
        ansible_user: 'root',
        ansible_ssh_private_key_file: `${LAB}/id_ed25519`,
        ansible_ssh_known_hosts_file: `${LAB}/known_hosts`,
        ansible_ssh_timeout: 5,
      });
      await t.connect();
    } catch (e) {
      console.log(`      (skipped: the lab is not reachable: ${(e as Error).message})`);
      return this.skip();
    }
    const r = await t.exec(sh`mktemp -d /tmp/tsplay-write-modes.XXXXXX`);
    root = r.stdout.trim();
    expect(root).to.match(/^\/tmp\/tsplay-write-modes\./);
    dir = await mkdtemp(join(tmpdir(), 'tsplay-write-modes-'));
  });
  after(async () => {
    if (root) await t?.exec(sh`rm -rf -- ${root}`);
    await t?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('the upload over SSH: 0600, 0400 nobody and 0640 root:nogroup keys never open to others; 4755/2755 kept', async () => {
    const probe = await PutProbe.install(t!, `${root}/probe`, HOST_PATH);
    const cases = [
      { name: 'ca.key', opts: { mode: '0600' }, final: { mode: 0o600, uid: 0, gid: 0 } },
      { name: 'ro.key', opts: { mode: '0400', owner: 'nobody' }, final: { mode: 0o400, uid: NOBODY, gid: 0 } },
      { name: 'grp.key', opts: { mode: '0640', owner: 'root', group: 'nogroup' }, final: { mode: 0o640, uid: 0, gid: NOBODY } },
    ];
    for (const c of cases) {
      const steps = await probe.put(Buffer.from(KEY), c.name, c.opts);
      expect(steps.filter((s) => s.name.includes('/.tsplay-put.') && s.size > 0), `${c.name}: its temp file was seen with the bytes`).to.not.deep.equal([]);
      expect(exposures(steps, c.final), c.name).to.deep.equal([]);
      expect(await probe.stat(c.name), c.name).to.deep.equal({ ...c.final, content: KEY });
    }
    await expectSetuidKept(probe);
  });

  it('the CLI: copy 4755/2755 owner root and a 0600 key land exactly; file absent on "link/" keeps the directory; a rerun changes nothing', async () => {
    const base = `${root}/cli`;
    await labSsh(IP, `set -e; mkdir -p ${base}/target/sub; echo keep > ${base}/target/keep; echo deep > ${base}/target/sub/deep; ln -s target ${base}/ln`);
    const play = `- hosts: ${HOST}
  gather_facts: false
  tasks:
    - copy: { dest: "${base}/suid", content: "#!/bin/sh\\n", mode: "4755", owner: root }
    - copy: { dest: "${base}/sgid", content: "#!/bin/sh\\n", mode: "2755", owner: root, group: root }
    - copy: { dest: "${base}/sa.key", content: "${KEY.replaceAll('\n', '\\n')}", mode: "0600", owner: root, group: root }
    - file: { path: "${base}/ln/", state: absent }
`;
    await writeFile(join(dir, 'site.yml'), play);
    const run = () => tsplay(['run', join(dir, 'site.yml'), '-i', INV, '--limit', HOST]);
    const first = await run();
    expect(first.code, first.stdout + first.stderr).to.equal(0);
    expect(recapOf(first.stdout, HOST)).to.include({ changed: 4, failed: 0 });
    const st = await labSsh(IP, `cd ${base}; stat -c '%n %a %U %G' suid sgid sa.key; ls -A target target/sub; if [ -L ln ]; then echo link-kept; else echo link-gone; fi`);
    expect(st.stdout).to.equal('suid 4755 root root\nsgid 2755 root root\nsa.key 600 root root\ntarget:\nkeep\nsub\n\ntarget/sub:\ndeep\nlink-gone\n');
    const second = await run();
    expect(second.code, second.stdout + second.stderr).to.equal(0);
    expect(recapOf(second.stdout, HOST)).to.include({ changed: 0, failed: 0 });
    const check = await tsplay(['run', join(dir, 'site.yml'), '-i', INV, '--limit', HOST, '--check']);
    expect(recapOf(check.stdout, HOST)).to.include({ changed: 0, failed: 0 });
  });
});
