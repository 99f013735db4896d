// `tsplay lab up` on a controller that lacks the lab's programs names the Debian packages to
// install (or installs them, as root with apt-get), and never ends in a stack trace.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { access, mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LAB_TOOLS, labToolPackages, missingTools, packagesFor } from '../../../engine/lab/prereqs.js';
import { projectRoot } from '../../../engine/paths.js';

const CLI = fileURLToPath(new URL('../../../engine/cli/main.js', import.meta.url));

function tsplay(args: string[], env: Record<string, string>, uid?: number): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'], ...(uid === undefined ? {} : { uid, gid: uid }) });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, out, err })));
}

const STACK_LINE = /^\s+at /m;

describe('lab prerequisites', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tsplay-prereqs-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('.ci/lab-deps.sh installs exactly the packages the lab names', async () => {
    const script = await readFile(join(projectRoot(), '.ci', 'lab-deps.sh'), 'utf8');
    const m = /^PKGS="([^"]*)"$/m.exec(script);
    expect(m, 'PKGS= line').to.not.equal(null);
    expect(m![1].split(/\s+/).filter(Boolean).sort()).to.deep.equal(labToolPackages());
  });

  it('finds the programs on the PATH it is given, and names the packages of those missing', async () => {
    const bin = join(dir, 'bin');
    await mkdir(bin);
    // the controller's real ip and ssh, nothing else
    for (const p of ['ip', 'ssh']) {
      const candidates = (process.env.PATH ?? '').split(':').map((d) => join(d, p));
      const found = await Promise.any(candidates.map((f) => access(f).then(() => f)));
      await symlink(found, join(bin, p));
    }
    const missing = await missingTools(bin);
    expect(missing).to.not.include('ip').and.not.include('ssh');
    expect(missing).to.include.members(['debootstrap', 'systemd-nspawn', 'dpkg-scanpackages', 'ssh-keygen']);
    expect(missing.length).to.equal(Object.keys(LAB_TOOLS).length - 2);
    expect(packagesFor(['ssh-keygen', 'systemd-nspawn', 'dpkg-scanpackages'])).to.deep.equal(['dpkg-dev', 'openssh-client', 'systemd-container']);
  });

  it('`tsplay lab up` without the programs names their packages: exit 1, no stack trace, nothing started', async () => {
    const empty = join(dir, 'empty');
    await mkdir(empty);
    const r = await tsplay(['lab', 'up'], { PATH: empty, HOME: dir });
    expect(r.code, r.err).to.equal(1);
    expect(r.err).to.match(/^ERROR! tsplay lab/);
    for (const pkg of ['debootstrap', 'systemd-container', 'dpkg-dev', 'iproute2', 'openssh-client', 'dbus']) expect(r.err).to.include(pkg);
    // as root, with no apt-get on this PATH it cannot install them; as another user it needs root
    expect(r.err).to.match(process.getuid?.() === 0 ? /no apt-get on this controller/ : /needs root/);
    expect(r.err).to.not.match(STACK_LINE).and.not.include('unexpected');
    expect(r.out).to.equal('');
  });

  it('`tsplay lab up` by an unprivileged user says it needs root, without a stack trace', async function () {
    if (process.getuid?.() !== 0) this.skip(); // needs root to drop to another uid
    const r = await tsplay(['lab', 'up'], { PATH: process.env.PATH ?? '', HOME: dir }, 65534);
    expect(r.code, r.err).to.equal(1);
    expect(r.err.trim()).to.equal('ERROR! tsplay lab needs root');
  });

  it('`tsplay lab status` by an unprivileged user: the same one line', async function () {
    if (process.getuid?.() !== 0) this.skip();
    const r = await tsplay(['lab', 'status'], { PATH: process.env.PATH ?? '', HOME: dir }, 65534);
    expect(r.code, r.err).to.equal(1);
    expect(r.err.trim()).to.equal('ERROR! tsplay lab needs root');
  });
});
