// Faults in the middle of a run, on the lab: sshd killed on one host during a play, and the
// host's link cut during an upload. Each time: that host is UNREACHABLE, the others finish,
// exit 4, every target file is fully old or fully new (sha256), no temp file is left, and a
// rerun converges with exactly the changes that were still missing.
import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import { spawn, execFile } from 'node:child_process';
import { mkdtemp, writeFile, rm, access, readFile, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../engine/paths.js';
import { hostCgroupDirs } from '../../engine/lab/cgroups.js';
import { CLI, tsplay, recapOf, type CliResult } from './run-tsplay.js';
import { LAB, labSsh } from './lab-ssh.js';

const run = promisify(execFile);
const INV = join(projectRoot(), 'inventories', 'lab');
const IP: Record<string, string> = { worker1: '10.77.0.21', worker2: '10.77.0.22' };
const ssh = (host: string, cmd: string) => labSsh(IP[host], cmd);
/** A host's files seen from the controller, through its mounted overlay (works with its link down). */
const onHost = (host: string, path: string) => join(LAB, 'hosts', host, 'root', path);
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// a dead connection is noticed within ~3 s instead of the default 45 s
const FAST_DEAD = ['-e', JSON.stringify({ ansible_ssh_common_args: '-o ServerAliveInterval=1 -o ServerAliveCountMax=2' })];

function startTsplay(args: string[]): { done: Promise<CliResult> } {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const t = setTimeout(() => child.kill('SIGKILL'), 240_000);
  return {
    done: new Promise((resolve) =>
      child.on('close', (code) => {
        clearTimeout(t);
        resolve({ code: code ?? -1, stdout, stderr });
      }),
    ),
  };
}

async function waitFor<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Every pid in the host's own cgroups (the container and everything in it). */
async function hostPids(host: string): Promise<number[]> {
  const out: number[] = [];
  const walk = async (dir: string) => {
    const procs = await readFile(join(dir, 'cgroup.procs'), 'utf8').catch(() => '');
    out.push(...procs.split('\n').filter(Boolean).map(Number));
    for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) if (e.isDirectory()) await walk(join(dir, e.name));
  };
  for (const d of await hostCgroupDirs(host)) await walk(d);
  return out;
}

/** SIGKILL every sshd of that host (listener and sessions), found through the host's cgroup only. */
async function killSshd(host: string): Promise<number> {
  let n = 0;
  for (const pid of await hostPids(host)) {
    const comm = (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')).trim();
    if (comm !== 'sshd') continue;
    try {
      process.kill(pid, 'SIGKILL');
      n++;
    } catch {
      /* already gone */
    }
  }
  return n;
}

const exists = (p: string) => access(p).then(() => true, () => false);

async function tempFiles(host: string, dir: string): Promise<string[]> {
  return (await readdir(onHost(host, dir)).catch(() => [] as string[])).filter((f) => f.startsWith('.tsplay-put'));
}

describe('e2e: faults in the middle of a run', function () {
  this.timeout(400_000);
  let dir: string;
  before(async function () {
    try {
      await access(`${LAB}/id_ed25519`);
      await ssh('worker1', 'true');
      await ssh('worker2', 'true');
    } catch {
      console.log('      (skipped: the lab is not up)');
      return this.skip();
    }
    dir = await mkdtemp(join(tmpdir(), 'tsplay-midrun-'));
  });
  after(async () => {
    if (!dir) return;
    await run('ip', ['link', 'set', 'vb-worker1', 'up']).catch(() => undefined);
    for (const h of ['worker1', 'worker2']) await ssh(h, 'rm -rf /srv/tsplay-mid /srv/tsplay-cut').catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  it('sshd killed on one host in the middle of a play: UNREACHABLE, the other finishes, files old or new, a rerun converges', async () => {
    const N = 20;
    const names = Array.from({ length: N }, (_, i) => `f${i}`);
    const content = (tag: string, name: string) => `${tag} ${name}\n${'x'.repeat(200_000)}\n`;
    const play = (tag: string) =>
      [
        '- hosts: worker1:worker2',
        '  gather_facts: false',
        '  tasks:',
        '    - file: { path: /srv/tsplay-mid, state: directory }',
        `    - copy: { dest: "/srv/tsplay-mid/{{ item }}", content: "${tag} {{ item }}\\n{{ pad }}\\n" }`,
        `      loop: ${JSON.stringify(names.slice(0, N / 2))}`,
        '    - name: a pause in the middle of the play',
        '      command: sleep 4',
        '      changed_when: false',
        `    - copy: { dest: "/srv/tsplay-mid/{{ item }}", content: "${tag} {{ item }}\\n{{ pad }}\\n" }`,
        `      loop: ${JSON.stringify(names.slice(N / 2))}`,
        '',
      ].join('\n');
    await writeFile(join(dir, 'vars.json'), JSON.stringify({ pad: 'x'.repeat(200_000) }));
    await writeFile(join(dir, 'old.yml'), play('old'));
    await writeFile(join(dir, 'new.yml'), play('new'));
    for (const h of ['worker1', 'worker2']) await ssh(h, 'rm -rf /srv/tsplay-mid');
    const old = await tsplay(['run', join(dir, 'old.yml'), '-i', INV, '-e', `@${join(dir, 'vars.json')}`]);
    expect(old.code, old.stdout.slice(-1500)).to.equal(0);

    const running = startTsplay(['run', join(dir, 'new.yml'), '-i', INV, '-e', `@${join(dir, 'vars.json')}`, ...FAST_DEAD]);
    // the first half is written on worker1: the play is in its pause
    const last = onHost('worker1', `/srv/tsplay-mid/${names[N / 2 - 1]}`);
    await waitFor('the first half on worker1', 120_000, async () => ((await readFile(last, 'utf8')).startsWith('new ') ? true : undefined));
    expect(await killSshd('worker1')).to.be.greaterThan(0);
    const r = await running.done;

    expect(r.code, r.stdout.slice(-2000)).to.equal(4);
    expect(r.stdout).to.match(/fatal: \[worker1\]: UNREACHABLE!/);
    expect(recapOf(r.stdout, 'worker1')?.unreachable).to.equal(1);
    const w2 = recapOf(r.stdout, 'worker2')!;
    expect(w2).to.include({ unreachable: 0, failed: 0, changed: 2 }); // both copy tasks (the recap counts tasks)
    let stillOld = 0;
    for (const n of names) {
      const got = sha(await readFile(onHost('worker1', `/srv/tsplay-mid/${n}`)));
      expect([sha(content('old', n)), sha(content('new', n))], `${n} is neither old nor new`).to.include(got);
      if (got === sha(content('old', n))) stillOld++;
      expect(sha(await readFile(onHost('worker2', `/srv/tsplay-mid/${n}`)))).to.equal(sha(content('new', n)));
    }
    expect(stillOld).to.equal(N / 2);
    expect(await tempFiles('worker1', '/srv/tsplay-mid')).to.deep.equal([]);

    // systemd restarts the killed ssh.service (Restart=on-failure); then a rerun makes exactly the rest
    await waitFor('sshd on worker1 again', 60_000, async () => ((await ssh('worker1', 'true')) ? true : undefined));
    const again = await tsplay(['run', join(dir, 'new.yml'), '-i', INV, '-e', `@${join(dir, 'vars.json')}`]);
    expect(again.code, again.stdout.slice(-1500)).to.equal(0);
    expect(recapOf(again.stdout, 'worker1')?.changed).to.equal(1); // the second copy task…
    expect(again.stdout.match(/^changed: \[worker1\] => \(item=/gm)?.length).to.equal(stillOld); // …for exactly the files still old
    expect(recapOf(again.stdout, 'worker2')?.changed).to.equal(0);
    for (const n of names) expect(sha(await readFile(onHost('worker1', `/srv/tsplay-mid/${n}`)))).to.equal(sha(content('new', n)));
  });

  it('SIGINT during an upload, grace 0: the upload is stopped, the old file intact, no temp file, exit 99; a rerun converges', async () => {
    const big = join(dir, 'int.bin');
    const bytes = Buffer.concat(Array.from({ length: 48 }, () => randomBytes(4 << 20)));
    await writeFile(big, bytes);
    await writeFile(join(dir, 'int.yml'), `- hosts: worker1\n  gather_facts: false\n  tasks:\n    - copy: { src: ${big}, dest: /srv/tsplay-cut/int.bin }\n    - copy: { dest: /srv/tsplay-cut/after, content: "x" }\n`);
    await ssh('worker1', 'rm -rf /srv/tsplay-cut && mkdir -p /srv/tsplay-cut && echo old > /srv/tsplay-cut/int.bin');
    const child = spawn(process.execPath, [CLI, 'run', join(dir, 'int.yml'), '-i', INV, '--interrupt-grace', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const closed = new Promise<number | null>((res) => child.on('close', res));
    const partial = await waitFor('the upload to start', 120_000, async () => {
      for (const f of await tempFiles('worker1', '/srv/tsplay-cut')) if ((await stat(onHost('worker1', `/srv/tsplay-cut/${f}`))).size > 0) return true;
      return undefined;
    });
    expect(partial).to.equal(true);
    child.kill('SIGINT');
    const code = await closed;
    expect(code, out.slice(-2000)).to.equal(99);
    expect(out).to.match(/fatal: \[worker1\]: FAILED! .*aborted/);
    expect(sha(await readFile(onHost('worker1', '/srv/tsplay-cut/int.bin')))).to.equal(sha('old\n'));
    expect(await exists(onHost('worker1', '/srv/tsplay-cut/after'))).to.equal(false);
    // the upload's shell got TERM and removed its temp file
    await waitFor('the temp file to go', 30_000, async () => ((await tempFiles('worker1', '/srv/tsplay-cut')).length === 0 ? true : undefined));
    const again = await tsplay(['run', join(dir, 'int.yml'), '-i', INV]);
    expect(again.code, again.stdout.slice(-1500)).to.equal(0);
    expect(recapOf(again.stdout, 'worker1')?.changed).to.equal(2);
    expect(sha(await readFile(onHost('worker1', '/srv/tsplay-cut/int.bin')))).to.equal(sha(bytes));
  });

  it('link cut during an upload: UNREACHABLE, the old file intact, the temp file removed, a rerun converges', async () => {
    const big = join(dir, 'big.bin');
    const chunks: Buffer[] = [];
    for (let i = 0; i < 48; i++) chunks.push(randomBytes(4 << 20)); // 192 MiB, incompressible
    const bytes = Buffer.concat(chunks);
    await writeFile(big, bytes);
    const newSum = sha(bytes);
    await writeFile(
      join(dir, 'cut.yml'),
      `- hosts: worker1:worker2\n  gather_facts: false\n  tasks:\n    - file: { path: /srv/tsplay-cut, state: directory }\n    - copy: { src: ${big}, dest: /srv/tsplay-cut/big.bin }\n`,
    );
    for (const h of ['worker1', 'worker2']) await ssh(h, 'rm -rf /srv/tsplay-cut && mkdir -p /srv/tsplay-cut && echo old > /srv/tsplay-cut/big.bin');
    const oldSum = sha('old\n');

    const running = startTsplay(['run', join(dir, 'cut.yml'), '-i', INV, ...FAST_DEAD]);
    // cut worker1's link once its upload has started and before it is complete
    const partial = await waitFor('the upload to start on worker1', 120_000, async () => {
      for (const f of await tempFiles('worker1', '/srv/tsplay-cut')) {
        const size = (await stat(onHost('worker1', `/srv/tsplay-cut/${f}`))).size;
        if (size > 0) return size;
      }
      return undefined;
    });
    await run('ip', ['link', 'set', 'vb-worker1', 'down']);
    let linkUp = false;
    try {
      const sizeAtCut = Math.max(partial, ...(await Promise.all((await tempFiles('worker1', '/srv/tsplay-cut')).map(async (f) => (await stat(onHost('worker1', `/srv/tsplay-cut/${f}`))).size))));
      expect(sizeAtCut, 'the cut came after the upload was complete').to.be.lessThan(bytes.length);
      const r = await running.done;
      expect(r.code, r.stdout.slice(-2000)).to.equal(4);
      expect(r.stdout).to.match(/fatal: \[worker1\]: UNREACHABLE!/);
      expect(recapOf(r.stdout, 'worker2')).to.include({ unreachable: 0, failed: 0, changed: 1 });
      expect(sha(await readFile(onHost('worker1', '/srv/tsplay-cut/big.bin')))).to.equal(oldSum);
      expect(sha(await readFile(onHost('worker2', '/srv/tsplay-cut/big.bin')))).to.equal(newSum);
      await run('ip', ['link', 'set', 'vb-worker1', 'up']);
      linkUp = true;
      // the host's sshd notices the dead client (lab: ClientAliveInterval), the upload's shell
      // sees a short file and its trap removes the temp file
      await waitFor('the temp file on worker1 to go', 90_000, async () => ((await tempFiles('worker1', '/srv/tsplay-cut')).length === 0 ? true : undefined));
      expect(sha(await readFile(onHost('worker1', '/srv/tsplay-cut/big.bin')))).to.equal(oldSum);
    } finally {
      if (!linkUp) await run('ip', ['link', 'set', 'vb-worker1', 'up']).catch(() => undefined);
    }
    await waitFor('worker1 reachable again', 60_000, async () => ((await ssh('worker1', 'true')) ? true : undefined));
    const again = await tsplay(['run', join(dir, 'cut.yml'), '-i', INV]);
    expect(again.code, again.stdout.slice(-1500)).to.equal(0);
    expect(recapOf(again.stdout, 'worker1')?.changed).to.equal(1);
    expect(recapOf(again.stdout, 'worker2')?.changed).to.equal(0);
    expect(sha(await readFile(onHost('worker1', '/srv/tsplay-cut/big.bin')))).to.equal(newSum);
  });
});
