// Host modules and gather_facts on the real lab hosts (systemd-nspawn Debian 12, systemd as
// PID 1) through SshTransport. Needs `tsplay lab up` (not started here); skips cleanly without it.
// Every test puts the host back as it found it.
import { expect } from 'chai';
import { existsSync, mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SshTransport } from '../../engine/transport/ssh.js';
import { sh } from '../../engine/transport/quote.js';
import type { Transport } from '../../engine/transport/types.js';
import { gatherFacts } from '../../engine/facts/gather.js';
import { serviceModule } from '../../engine/modules/builtin/service.js';
import { sysctlModule } from '../../engine/modules/builtin/sysctl.js';
import { modprobeModule } from '../../engine/modules/builtin/modprobe.js';
import { aptModule } from '../../engine/modules/builtin/apt.js';
import { packageModule } from '../../engine/modules/builtin/package.js';
import { makeContext, runModule } from '../unit/hostmodules/run-module.js';

const LAB = '/var/lib/tsplay-lab';
const HOSTS = { worker1: '10.77.0.21', worker2: '10.77.0.22' } as const;

function transport(name: keyof typeof HOSTS): SshTransport {
  return SshTransport.fromVars(name, {
    ansible_host: HOSTS[name],
    ansible_user: 'root',
    ansible_ssh_private_key_file: `${LAB}/id_ed25519`,
    ansible_ssh_known_hosts_file: `${LAB}/known_hosts`,
    ansible_ssh_timeout: 5,
  });
}

async function run(t: Transport, cmd: ReturnType<typeof sh>) {
  const r = await t.exec(cmd);
  if (r.exitCode !== 0) throw new Error(`${cmd.text}: exit ${r.exitCode}: ${r.stderr}`);
  return r.stdout.trim();
}

describe('host modules on the lab (SshTransport)', function () {
  this.timeout(240000);
  const t: Partial<Record<keyof typeof HOSTS, SshTransport>> = {};

  before(async function () {
    if (!existsSync(`${LAB}/id_ed25519`) || !existsSync(`${LAB}/known_hosts`)) {
      console.log(`      (skipped: the lab is not up: ${LAB}/id_ed25519 missing; run \`tsplay lab up\`)`);
      this.skip();
    }
    try {
      for (const name of Object.keys(HOSTS) as Array<keyof typeof HOSTS>) {
        const tr = transport(name);
        await tr.connect();
        t[name] = tr;
      }
    } catch (e) {
      console.log(`      (skipped: the lab is not reachable: ${(e as Error).message})`);
      this.skip();
    }
  });
  after(async () => {
    for (const tr of Object.values(t)) await tr?.close();
  });

  it('gather_facts: one round trip with the host\'s own view', async () => {
    const started = Date.now();
    const facts = await makeContext(t.worker1!).facts.get(gatherFacts, undefined);
    expect(Date.now() - started).to.be.lessThan(3000); // fqdn lookup must not stall
    expect(facts).to.include({ hostname: 'worker1', os_family: 'Debian', distribution: 'Debian', distribution_major_version: '12', distribution_release: 'bookworm', service_mgr: 'systemd', pkg_mgr: 'apt', user_id: 'root' });
    expect(facts.default_ipv4).to.include({ address: HOSTS.worker1, prefix: '24', network: '10.77.0.0', netmask: '255.255.255.0' });
    expect(facts.all_ipv4_addresses).to.include(HOSTS.worker1);
    const dev = (facts.default_ipv4 as { interface: string }).interface;
    expect(facts[dev]).to.deep.include({ device: dev, active: true });
  });

  describe('service / systemd (worker1)', () => {
    let initial: { active: string; enabled: string };
    // in /run: `systemctl mask` links /etc/systemd/system/NAME to /dev/null, and refuses when a
    // unit file of that name already sits in /etc
    const UNIT = '/run/systemd/system/tsplay-e2e-sleep.service';
    before(async () => {
      const tr = t.worker1!;
      initial = {
        active: (await tr.exec(sh`systemctl is-active containerd`)).stdout.trim(),
        enabled: (await tr.exec(sh`systemctl is-enabled containerd`)).stdout.trim(),
      };
    });
    after(async () => {
      const tr = t.worker1!;
      if (initial) {
        await tr.exec(sh`systemctl ${initial.enabled === 'enabled' ? 'enable' : 'disable'} containerd`);
        await tr.exec(sh`systemctl ${initial.active === 'active' ? 'start' : 'stop'} containerd`);
      }
      await tr.exec(sh`systemctl unmask tsplay-e2e-sleep 2>/dev/null; systemctl stop tsplay-e2e-sleep 2>/dev/null; rm -f ${UNIT}; systemctl daemon-reload`);
    });

    it('containerd: start+enable (predicted exactly in check mode), no-op, restart, stop+disable', async () => {
      const tr = t.worker1!;
      await run(tr, sh`systemctl stop containerd && systemctl disable containerd 2>/dev/null; true`);
      const params = { name: 'containerd', state: 'started' as const, enabled: true };
      const check = await runModule(serviceModule, params, makeContext(tr, true));
      expect(check.plan).to.deep.include({ kind: 'change', summary: 'containerd: enable, start' });
      expect((await tr.exec(sh`systemctl is-active containerd`)).stdout.trim()).to.not.equal('active');
      const real = await runModule(serviceModule, params, makeContext(tr));
      expect(real.result).to.include({ changed: true });
      expect(real.result!.failed).to.equal(undefined);
      expect((real.result!.status as Record<string, string>).ActiveState).to.equal('active');
      expect(await run(tr, sh`systemctl is-enabled containerd`)).to.equal('enabled');
      const again = await runModule(serviceModule, params, makeContext(tr));
      expect(again.plan).to.deep.include({ kind: 'noop', reason: 'containerd: enabled, running (active)' });
      const pid1 = await run(tr, sh`systemctl show -p MainPID --value containerd`);
      const restart = await runModule(serviceModule, { name: 'containerd', state: 'restarted' as const }, makeContext(tr));
      expect(restart.result).to.include({ changed: true });
      expect(await run(tr, sh`systemctl show -p MainPID --value containerd`)).to.not.equal(pid1);
      const off = await runModule(serviceModule, { name: 'containerd', state: 'stopped' as const, enabled: false }, makeContext(tr));
      expect(off.plan).to.deep.include({ kind: 'change', summary: 'containerd: disable, stop' });
      expect((await tr.exec(sh`systemctl is-active containerd`)).stdout.trim()).to.equal('inactive');
    });

    it('a unit that does not exist yet: predicted in check mode, a failure in a real run', async () => {
      const tr = t.worker1!;
      const params = { name: 'tsplay-e2e-absent', state: 'started' as const };
      const check = await runModule(serviceModule, params, makeContext(tr, true));
      expect(check.plan).to.deep.include({ kind: 'change', summary: 'unit tsplay-e2e-absent not installed yet; would start it' });
      const real = await runModule(serviceModule, params, makeContext(tr));
      expect(real.result).to.include({ failed: true, msg: 'Could not find the requested service tsplay-e2e-absent: unit not found' });
    });

    it('an edited unit file makes daemon_reload part of the change; masked stops it starting', async () => {
      const tr = t.worker1!;
      const unit = (desc: string) => Buffer.from(`[Unit]\nDescription=${desc}\n[Service]\nExecStart=/bin/sleep infinity\n`);
      await tr.put(unit('tsplay e2e'), UNIT);
      // systemd loads a unit it has not seen from disk on demand: no daemon-reload needed yet
      const params = { name: 'tsplay-e2e-sleep', state: 'started' as const, daemon_reload: true };
      const check = await runModule(serviceModule, params, makeContext(tr, true));
      expect(check.plan).to.deep.include({ kind: 'change', summary: 'tsplay-e2e-sleep: start' });
      const real = await runModule(serviceModule, params, makeContext(tr));
      expect(real.result).to.include({ changed: true });
      expect(await run(tr, sh`systemctl is-active tsplay-e2e-sleep`)).to.equal('active');
      const again = await runModule(serviceModule, params, makeContext(tr));
      expect(again.plan).to.deep.include({ kind: 'noop', reason: 'tsplay-e2e-sleep: systemd has the current unit files, running (active)' });
      await tr.put(unit('tsplay e2e, edited'), UNIT);
      const edited = await runModule(serviceModule, { ...params, state: 'restarted' as const }, makeContext(tr));
      expect(edited.plan).to.deep.include({ kind: 'change', summary: 'tsplay-e2e-sleep: reload systemd, restart' });
      expect(await run(tr, sh`systemctl show -p Description --value tsplay-e2e-sleep`)).to.equal('tsplay e2e, edited');
      const mask = await runModule(serviceModule, { name: 'tsplay-e2e-sleep', state: 'stopped' as const, masked: true }, makeContext(tr));
      expect(mask.plan).to.deep.include({ kind: 'change', summary: 'tsplay-e2e-sleep: mask, stop' });
      expect(mask.result).to.include({ changed: true });
      expect((await tr.exec(sh`systemctl is-active tsplay-e2e-sleep`)).stdout.trim()).to.equal('inactive');
      const blocked = await runModule(serviceModule, { name: 'tsplay-e2e-sleep', state: 'started' as const }, makeContext(tr));
      expect(blocked.plan).to.deep.include({ kind: 'fail', msg: 'tsplay-e2e-sleep is masked and cannot be started' });
      const unmask = await runModule(serviceModule, { name: 'tsplay-e2e-sleep', masked: false }, makeContext(tr));
      expect(unmask.result).to.include({ changed: true });
    });
  });

  describe('sysctl (worker2, a per-namespace key, restored afterwards)', () => {
    const KEY = 'net.ipv4.tcp_keepalive_probes';
    const FILE = '/etc/sysctl.d/99-tsplay-e2e.conf';
    let original = '';
    before(async () => {
      original = await run(t.worker2!, sh`cat /proc/sys/net/ipv4/tcp_keepalive_probes`);
    });
    after(async () => {
      await t.worker2!.exec(sh`sysctl -w ${`${KEY}=${original}`} >/dev/null; rm -f ${FILE}`);
    });

    it('persists in the file and sets the running kernel, then is a no-op; absent removes it', async () => {
      const tr = t.worker2!;
      const value = original === '7' ? '6' : '7';
      const params = { name: KEY, value, sysctl_file: FILE, sysctl_set: true };
      const check = await runModule(sysctlModule, params, makeContext(tr, true));
      expect(check.plan).to.deep.include({ kind: 'change', summary: `set ${KEY}=${value} in ${FILE}; set the running kernel's ${KEY} from ${original} to ${value}` });
      expect(await run(tr, sh`cat /proc/sys/net/ipv4/tcp_keepalive_probes`)).to.equal(original);
      const real = await runModule(sysctlModule, params, makeContext(tr));
      expect(real.result).to.include({ changed: true });
      expect(await run(tr, sh`cat /proc/sys/net/ipv4/tcp_keepalive_probes`)).to.equal(value);
      expect(await run(tr, sh`cat ${FILE}`)).to.equal(`${KEY}=${value}`);
      const again = await runModule(sysctlModule, params, makeContext(tr));
      expect(again.plan.kind).to.equal('noop');
      const absent = await runModule(sysctlModule, { name: KEY, state: 'absent' as const, sysctl_file: FILE }, makeContext(tr));
      expect(absent.result).to.include({ changed: true });
      expect(await run(tr, sh`cat ${FILE}`)).to.equal('');
    });
  });

  describe('modprobe (worker2: a container, so modules cannot be loaded)', () => {
    const CONF = '/etc/modules-load.d/overlay.conf';
    let before: Buffer | null = null;
    beforeEach(async () => {
      before = await t.worker2!.get(CONF);
    });
    afterEach(async () => {
      if (before) await t.worker2!.put(before, CONF);
      else await t.worker2!.exec(sh`rm -f ${CONF}`);
    });

    it('built-in overlay and br_netfilter are seen as present; persistence files are written and removed', async () => {
      const tr = t.worker2!;
      const overlay = await runModule(modprobeModule, { name: 'overlay' }, makeContext(tr));
      expect(overlay.plan).to.deep.include({ kind: 'noop', reason: 'overlay is in the running kernel (/proc/filesystems is there)' });
      const brnf = await runModule(modprobeModule, { name: 'br_netfilter' }, makeContext(tr));
      expect(brnf.plan).to.deep.include({ kind: 'noop', reason: 'br_netfilter is in the running kernel (/proc/sys/net/bridge is there)' });
      await tr.exec(sh`rm -f ${CONF}`);
      const persist = await runModule(modprobeModule, { name: 'overlay', persistent: 'present' as const }, makeContext(tr));
      expect(persist.result).to.include({ changed: true });
      expect((await tr.get(CONF))?.toString()).to.equal('overlay\n');
      const unpersist = await runModule(modprobeModule, { name: 'overlay', persistent: 'absent' as const }, makeContext(tr));
      expect(unpersist.result).to.include({ changed: true });
      expect(await tr.get(CONF)).to.equal(null);
    });

    it('loading a module that is not there fails with modprobe\'s own message', async () => {
      const r = await runModule(modprobeModule, { name: 'tsplay_no_such_module' }, makeContext(t.worker2!));
      expect(r.plan).to.deep.include({ kind: 'change', summary: 'load tsplay_no_such_module' });
      expect(r.result).to.include({ failed: true });
      expect(String(r.result!.msg)).to.include('not found');
    });
  });

  describe('apt (worker2, from a local file repository: the lab has no mirror)', () => {
    const REPO = '/srv/tsplay-e2e-repo';
    const CONF = '/etc/apt/apt.conf.d/99tsplay-e2e';
    const PKG = 'tsplay-e2e-hello';
    let local = '';

    // Two versions of a tiny package, built with dpkg-deb, and a flat repo index written by hand.
    function buildRepo(): Record<string, Buffer> {
      local = mkdtempSync(join(tmpdir(), 'tsplay-apt-'));
      const files: Record<string, Buffer> = {};
      const stanzas: string[] = [];
      for (const v of ['1.0', '1.1']) {
        const root = join(local, `pkg-${v}`);
        mkdirSync(join(root, 'DEBIAN'), { recursive: true });
        mkdirSync(join(root, 'usr/share/tsplay-e2e'), { recursive: true });
        writeFileSync(join(root, 'usr/share/tsplay-e2e/hello.txt'), `${v}\n`);
        const control = `Package: ${PKG}\nVersion: ${v}\nArchitecture: all\nMaintainer: tsplay tests <root@localhost>\nDescription: tsplay e2e test package\n`;
        writeFileSync(join(root, 'DEBIAN/control'), control);
        const deb = join(local, `${PKG}_${v}_all.deb`);
        execFileSync('dpkg-deb', ['--root-owner-group', '-Zgzip', '--build', root, deb], { stdio: 'pipe' });
        const bytes = readFileSync(deb);
        files[`${PKG}_${v}_all.deb`] = bytes;
        stanzas.push(`${control}Filename: ./${PKG}_${v}_all.deb\nSize: ${statSync(deb).size}\nSHA256: ${createHash('sha256').update(bytes).digest('hex')}\n`);
      }
      const packages = Buffer.from(stanzas.join('\n'));
      files.Packages = packages;
      files.Release = Buffer.from(
        `Origin: tsplay-e2e\nLabel: tsplay-e2e\nSuite: tsplay-e2e\nCodename: tsplay-e2e\nDate: ${new Date().toUTCString()}\nArchitectures: all amd64\nSHA256:\n ${createHash('sha256').update(packages).digest('hex')} ${packages.length} Packages\n`,
      );
      files['sources.list'] = Buffer.from(`deb [trusted=yes] file:${REPO} ./\n`);
      return files;
    }

    before(async () => {
      const tr = t.worker2!;
      const files = buildRepo();
      await run(tr, sh`mkdir -p ${REPO}/sources.list.d`);
      for (const [name, bytes] of Object.entries(files)) await tr.put(bytes, `${REPO}/${name}`);
      // Only this repository while the test runs: apt must not try to reach any mirror.
      await tr.put(Buffer.from(`Dir::Etc::SourceList "${REPO}/sources.list";\nDir::Etc::SourceParts "${REPO}/sources.list.d";\n`), CONF);
    });
    after(async () => {
      const tr = t.worker2!;
      await tr.exec(sh`DEBIAN_FRONTEND=noninteractive apt-get purge -y -q ${PKG} >/dev/null 2>&1; rm -f ${CONF}; rm -rf ${REPO}; rm -f /var/lib/apt/lists/_srv_tsplay-e2e-repo_* /var/cache/apt/pkgcache.bin /var/cache/apt/srcpkgcache.bin`);
      if (local) rmSync(local, { recursive: true, force: true });
    });

    it('installs a pinned version (predicted exactly in check mode), is idempotent, upgrades to latest, removes', async () => {
      const tr = t.worker2!;
      const version = async () => (await tr.exec(sh`dpkg-query -W -f=${'${Version}'} ${PKG} 2>/dev/null`)).stdout.trim();
      const pinned = { name: [`${PKG}=1.0`, 'iproute2'], update_cache: true };
      const check = await runModule(aptModule, pinned, makeContext(tr, true));
      expect(check.plan).to.deep.include({ kind: 'change', summary: `update the apt lists; install ${PKG}=1.0` });
      expect(await version()).to.equal('');
      const real = await runModule(aptModule, pinned, makeContext(tr));
      expect(real.result).to.include({ changed: true, rc: 0, cache_updated: true });
      expect(await version()).to.equal('1.0');
      expect(await run(tr, sh`cat /usr/share/tsplay-e2e/hello.txt`)).to.equal('1.0');

      const fresh = await runModule(aptModule, { name: PKG, update_cache: true, cache_valid_time: 3600 }, makeContext(tr));
      expect(fresh.plan.kind).to.equal('noop');
      expect((fresh.plan as { reason: string }).reason).to.match(new RegExp(`^${PKG} 1\\.0 installed; apt lists are \\d+s old \\(valid 3600s\\)$`));

      const latest = { name: PKG, state: 'latest' as const };
      const checkLatest = await runModule(aptModule, latest, makeContext(tr, true));
      expect(checkLatest.plan).to.deep.include({ kind: 'change', summary: `upgrade ${PKG} 1.0 -> 1.1` });
      await runModule(aptModule, latest, makeContext(tr));
      expect(await version()).to.equal('1.1');
      expect((await runModule(aptModule, latest, makeContext(tr))).plan.kind).to.equal('noop');

      const remove = await runModule(packageModule, { name: PKG, state: 'absent' as const }, makeContext(tr));
      expect(remove.plan).to.deep.include({ kind: 'change', summary: `remove ${PKG} 1.1` });
      expect(remove.result).to.include({ changed: true, rc: 0 });
      expect(await version()).to.equal('');
      expect((await runModule(packageModule, { name: PKG, state: 'absent' as const }, makeContext(tr))).plan.kind).to.equal('noop');
    });
  });
});
