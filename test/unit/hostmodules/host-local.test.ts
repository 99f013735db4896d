// Real, on this machine through LocalTransport, only where safe and reversible: wait_for on a
// local port and path, unarchive into temp dirs, sysctl into a temp file (the kernel untouched),
// and read-only looks at apt, systemd and kernel modules.
import { expect } from 'chai';
import net from 'node:net';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, existsSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { waitForModule } from '../../../engine/modules/builtin/wait_for.js';
import { unarchiveModule } from '../../../engine/modules/builtin/unarchive.js';
import { sysctlModule } from '../../../engine/modules/builtin/sysctl.js';
import { aptModule } from '../../../engine/modules/builtin/apt.js';
import { packageModule } from '../../../engine/modules/builtin/package.js';
import { serviceModule } from '../../../engine/modules/builtin/service.js';
import { modprobeModule } from '../../../engine/modules/builtin/modprobe.js';
import { makeContext, runModule } from './run-module.js';

const has = (cmd: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
};

describe('host modules on this machine (LocalTransport)', function () {
  this.timeout(60000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsplay-host-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  describe('wait_for', () => {
    it('an open port is a no-op; a port that opens later is waited for; a closed port times out', async () => {
      const server = net.createServer((s) => s.end());
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const port = (server.address() as AddressInfo).port;
      try {
        const open = await runModule(waitForModule, { port, timeout: 5 }, makeContext());
        expect(open.plan.kind).to.equal('noop');
      } finally {
        await new Promise((r) => server.close(r));
      }
      // the same port, now closed: state stopped is a no-op, started waits until it reopens
      const stopped = await runModule(waitForModule, { port, state: 'stopped' }, makeContext());
      expect(stopped.plan.kind).to.equal('noop');
      const later = net.createServer((s) => s.end());
      const t = setTimeout(() => later.listen(port, '127.0.0.1'), 1500);
      try {
        const started = Date.now();
        const waited = await runModule(waitForModule, { port, timeout: 20, sleep: 0.5 }, makeContext());
        expect(waited.plan.kind).to.equal('change');
        expect(waited.result).to.include({ changed: false });
        expect(waited.result!.failed).to.equal(undefined);
        expect(Date.now() - started).to.be.within(1000, 10000);
      } finally {
        clearTimeout(t);
        await new Promise((r) => later.close(r));
      }
      const started = Date.now();
      const timedOut = await runModule(waitForModule, { port, timeout: 2, sleep: 0.5 }, makeContext());
      expect(timedOut.result).to.include({ failed: true, changed: false });
      expect(String(timedOut.result!.msg)).to.equal(`Timeout when waiting for port ${port} on 127.0.0.1 to be open`);
      expect(Date.now() - started).to.be.within(1500, 8000);
    });

    it('waits for a path to appear and to go away', async () => {
      const p = join(dir, 'ready');
      const t = setTimeout(() => writeFileSync(p, ''), 800);
      const r = await runModule(waitForModule, { path: p, timeout: 10, sleep: 0.2 }, makeContext());
      clearTimeout(t);
      expect(r.result).to.include({ changed: false });
      expect(r.result!.failed).to.equal(undefined);
      const t2 = setTimeout(() => rmSync(p), 800);
      const gone = await runModule(waitForModule, { path: p, state: 'absent', timeout: 10, sleep: 0.2 }, makeContext());
      clearTimeout(t2);
      expect(gone.result!.failed).to.equal(undefined);
      expect(existsSync(p)).to.equal(false);
    });
  });

  describe('unarchive', () => {
    const build = (d: string) => {
      mkdirSync(join(d, 'src/pkg/bin'), { recursive: true });
      writeFileSync(join(d, 'src/pkg/bin/tool'), '#!/bin/sh\necho tool\n', { mode: 0o755 });
      writeFileSync(join(d, 'src/pkg/README'), 'readme with spaces in name?\n');
      writeFileSync(join(d, "src/pkg/it's a file"), 'x\n');
      execFileSync('tar', ['-czf', join(d, 'pkg.tar.gz'), '-C', join(d, 'src'), 'pkg']);
      execFileSync('tar', ['-cJf', join(d, 'pkg.tar.xz'), '-C', join(d, 'src'), 'pkg']);
    };

    it('controller src: extracts, then is a no-op; a removed file makes it extract again', async () => {
      build(dir);
      const dest = join(dir, 'dest');
      mkdirSync(dest);
      const params = { src: join(dir, 'pkg.tar.gz'), dest };
      const check = await runModule(unarchiveModule, params, makeContext(undefined, true));
      expect(check.plan.kind).to.equal('change');
      expect(readdirSync(dest)).to.deep.equal([]);
      const first = await runModule(unarchiveModule, params, makeContext());
      expect(first.result).to.include({ changed: true });
      expect(readFileSync(join(dest, 'pkg/bin/tool'), 'utf8')).to.equal('#!/bin/sh\necho tool\n');
      expect(existsSync(join(dest, "pkg/it's a file"))).to.equal(true);
      const second = await runModule(unarchiveModule, params, makeContext());
      expect(second.plan).to.deep.include({ kind: 'noop', reason: `all 5 entries of ${params.src} exist in ${dest}` });
      rmSync(join(dest, 'pkg/README'));
      const third = await runModule(unarchiveModule, params, makeContext());
      expect((third.plan as { summary: string }).summary).to.include('1 of 5 entries missing: pkg/README');
      expect(existsSync(join(dest, 'pkg/README'))).to.equal(true);
    });

    it('remote_src .tar.xz with creates and extra_opts', async () => {
      build(dir);
      const dest = join(dir, 'opt');
      mkdirSync(dest);
      const params = { src: join(dir, 'pkg.tar.xz'), dest, remote_src: true, creates: join(dest, 'bin/tool'), extra_opts: ['--strip-components=1'] };
      const first = await runModule(unarchiveModule, params, makeContext());
      expect(first.result).to.include({ changed: true });
      expect(existsSync(join(dest, 'bin/tool'))).to.equal(true);
      const second = await runModule(unarchiveModule, params, makeContext());
      expect(second.plan).to.deep.include({ kind: 'noop', reason: `${params.creates} exists (creates)` });
    });

    it('a dest with backslash escapes is that directory: tar does not unquote it into another one', async () => {
      build(dir);
      // `lit\057..\057other` unquoted would be lit/../other
      for (const d of ['t/lit', 't/other', 't/lit\\057..\\057other']) mkdirSync(join(dir, d), { recursive: true });
      const dest = join(dir, 't/lit\\057..\\057other');
      for (const remote_src of [false, true]) {
        const r = await runModule(unarchiveModule, { src: join(dir, 'pkg.tar.gz'), dest, remote_src }, makeContext());
        expect(r.result, JSON.stringify(r)).to.include({ changed: true });
        expect(readFileSync(join(dest, 'pkg/bin/tool'), 'utf8')).to.equal('#!/bin/sh\necho tool\n');
        expect(readdirSync(join(dir, 't/other')), 'nothing lands in the unquoted path').to.deep.equal([]);
        expect(readdirSync(join(dir, 't/lit'))).to.deep.equal([]);
        const again = await runModule(unarchiveModule, { src: join(dir, 'pkg.tar.gz'), dest, remote_src }, makeContext());
        expect(again.plan.kind).to.equal('noop');
        rmSync(join(dest, 'pkg'), { recursive: true });
      }
    });

    it('remote_src named host:file is a local file, not a remote archive over rsh', async () => {
      build(dir);
      execFileSync('cp', [join(dir, 'pkg.tar.gz'), join(dir, 'h:pkg.tar.gz')]);
      const dest = join(dir, 'out');
      mkdirSync(dest);
      const cwd = process.cwd();
      process.chdir(dir); // the relative name reaches tar as written: "h:pkg.tar.gz"
      try {
        const r = await runModule(unarchiveModule, { src: 'h:pkg.tar.gz', dest, remote_src: true }, makeContext());
        expect(r.plan.kind, JSON.stringify(r.plan)).to.equal('change');
        expect(r.result).to.include({ changed: true });
      } finally {
        process.chdir(cwd);
      }
      expect(existsSync(join(dest, 'pkg/bin/tool'))).to.equal(true);
    });

    it('zip (when unzip exists); a broken archive and a missing dest fail without changes', async function () {
      build(dir);
      const dest = join(dir, 'z');
      mkdirSync(dest);
      if (has('zip') && has('unzip')) {
        execFileSync('zip', ['-qr', join(dir, 'pkg.zip'), 'pkg'], { cwd: join(dir, 'src') });
        const r = await runModule(unarchiveModule, { src: join(dir, 'pkg.zip'), dest }, makeContext());
        expect(r.result).to.include({ changed: true });
        expect(existsSync(join(dest, 'pkg/bin/tool'))).to.equal(true);
        const again = await runModule(unarchiveModule, { src: join(dir, 'pkg.zip'), dest }, makeContext());
        expect(again.plan.kind).to.equal('noop');
      }
      writeFileSync(join(dir, 'bad.tar.gz'), 'not an archive');
      const bad = await runModule(unarchiveModule, { src: join(dir, 'bad.tar.gz'), dest, remote_src: true }, makeContext());
      expect(bad.plan.kind).to.equal('fail');
      const nodest = await runModule(unarchiveModule, { src: join(dir, 'pkg.tar.gz'), dest: join(dir, 'missing') }, makeContext());
      expect(nodest.plan).to.deep.include({ kind: 'fail', msg: `dest ${join(dir, 'missing')} must be an existing directory` });
    });
  });

  describe('sysctl (temp sysctl_file; the running kernel is not changed)', () => {
    it('writes the key into the file atomically, then is a no-op', async () => {
      const file = join(dir, 'sysctl.d/50-test.conf');
      mkdirSync(join(dir, 'sysctl.d'));
      writeFileSync(file, '# site settings\nkernel.ostype=Linux\n');
      const current = readFileSync('/proc/sys/vm/swappiness', 'utf8').trim();
      const params = { name: 'vm.swappiness', value: current === '10' ? '11' : '10', sysctl_file: file, reload: false };
      const check = await runModule(sysctlModule, params, makeContext(undefined, true));
      expect(check.plan).to.deep.include({ kind: 'change', summary: `set vm.swappiness=${params.value} in ${file}` });
      const r = await runModule(sysctlModule, params, makeContext());
      expect(r.result).to.include({ changed: true });
      expect(readFileSync(file, 'utf8')).to.equal(`# site settings\nkernel.ostype=Linux\nvm.swappiness=${params.value}\n`);
      expect(readFileSync('/proc/sys/vm/swappiness', 'utf8').trim()).to.equal(current);
      const again = await runModule(sysctlModule, params, makeContext());
      expect(again.plan.kind).to.equal('noop');
      expect(readdirSync(join(dir, 'sysctl.d'))).to.deep.equal(['50-test.conf']);
      // the real kernel value, read from /proc/sys: equal value + sysctl_set is a no-op
      const same = await runModule(sysctlModule, { name: 'vm.swappiness', value: current, sysctl_file: join(dir, 'other.conf'), sysctl_set: true, reload: false }, makeContext(undefined, true));
      expect((same.plan as { summary: string }).summary).to.equal(`set vm.swappiness=${current} in ${join(dir, 'other.conf')}`);
      const absent = await runModule(sysctlModule, { name: 'vm.swappiness', state: 'absent', sysctl_file: file }, makeContext());
      expect(absent.result).to.include({ changed: true });
      expect(readFileSync(file, 'utf8')).to.equal('# site settings\nkernel.ostype=Linux\n');
    });
  });

  describe('read-only looks (apt, package, service, modprobe)', () => {
    it('apt reads installed versions with dpkg-query; check mode predicts removal without doing it', async function () {
      if (!has('dpkg-query')) this.skip();
      const ctx = makeContext(undefined, true);
      const present = await runModule(aptModule, { name: ['dpkg', 'coreutils'] }, ctx);
      expect(present.plan.kind).to.equal('noop');
      expect((present.plan as { reason: string }).reason).to.match(/^dpkg \S+ installed, coreutils \S+ installed$/);
      const absent = await runModule(aptModule, { name: 'coreutils', state: 'absent' }, ctx);
      expect((absent.plan as { summary: string }).summary).to.match(/^remove coreutils \S+$/);
      const missing = await runModule(aptModule, { name: 'tsplay-no-such-package' }, ctx);
      expect(missing.plan).to.deep.include({ kind: 'change', summary: 'install tsplay-no-such-package' });
      const latest = await runModule(aptModule, { name: 'dpkg', state: 'latest' }, ctx);
      expect(['noop', 'change']).to.include(latest.plan.kind);
      const pkg = await runModule(packageModule, { name: 'dpkg' }, ctx);
      expect(pkg.plan.kind).to.equal('noop');
    });

    it('service: without systemd as init, a clear failure (no exception)', async function () {
      const booted = existsSync('/run/systemd/system');
      const r = await runModule(serviceModule, { name: 'ssh', state: 'started' }, makeContext(undefined, true));
      if (booted) this.skip(); // covered by the lab e2e test
      expect(r.plan.kind).to.equal('fail');
      expect((r.plan as { msg: string }).msg).to.include('systemd is not available on this host');
    });

    it('modprobe sees built-in modules through /sys/module', async function () {
      if (!existsSync('/sys/module/bridge') || existsSync('/sys/module/bridge/initstate')) this.skip();
      const r = await runModule(modprobeModule, { name: 'bridge' }, makeContext(undefined, true));
      expect(r.plan).to.deep.include({ kind: 'noop', reason: 'bridge is built into the kernel' });
      const off = await runModule(modprobeModule, { name: 'bridge', state: 'absent' }, makeContext(undefined, true));
      expect(off.plan.kind).to.equal('fail');
      const persist = await runModule(modprobeModule, { name: 'bridge', persistent: 'present' }, makeContext(undefined, true));
      expect((persist.plan as { summary: string }).summary).to.equal('write /etc/modules-load.d/bridge.conf');
    });
  });
});
