// The etcd role's package pin on the lab's etcd members (read-only: every run here is --check):
// etcd-server/etcd-client are installed at etcd_package_version, whose default is the version the
// lab's package repository carries; a pin other than the installed version stops the run before
// anything is changed unless etcd_package_upgrade is true, and with it the run predicts apt moving
// the held packages to the pin (the hold kept). Runs the role's own tasks (tasks_from: version).
import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { projectRoot } from '../../engine/paths.js';
import { tsplay, recapOf } from './run-tsplay.js';
import { LAB, labSsh } from './lab-ssh.js';

const INV = join(projectRoot(), 'inventories', 'lab');
const MEMBERS = { master1: '10.77.0.11', master2: '10.77.0.12' } as const;
const PIN = (load(readFileSync(join(projectRoot(), 'roles/etcd/defaults/main.yml'), 'utf8')) as { etcd_package_version: string }).etcd_package_version;
// a version the hosts do not have
const OTHER = '3.4.22-1';
const extra = (vars: Record<string, unknown>) => ['-e', JSON.stringify(vars)];

describe('e2e: etcd packages pinned to etcd_package_version', function () {
  this.timeout(300_000);
  let dir = '';

  before(async function () {
    if (!existsSync(`${LAB}/id_ed25519`) || !existsSync(`${LAB}/known_hosts`)) {
      console.log('      (skipped: the lab is not up)');
      return this.skip();
    }
    try {
      for (const ip of Object.values(MEMBERS)) await labSsh(ip, 'command -v etcd', 15_000);
    } catch (e) {
      console.log(`      (skipped: the lab's etcd members are not reachable or not converged: ${(e as Error).message.split('\n')[0]})`);
      return this.skip();
    }
    dir = await mkdtemp(join(tmpdir(), 'tsplay-etcd-pin-'));
    await writeFile(join(dir, 'pin.yml'), '- hosts: etcd\n  gather_facts: false\n  become: true\n  tasks:\n    - import_role: { name: etcd, tasks_from: version }\n');
  });

  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const check = (...extra: string[]) => tsplay(['run', join(dir, 'pin.yml'), '-i', INV, '--limit', Object.keys(MEMBERS).join(','), '--check', '--no-lock', ...extra], { timeoutMs: 240_000 });
  const installed = async (ip: string) =>
    (await labSsh(ip, "dpkg-query -W -f='${Package}=${Version} ${db:Status-Abbrev}\\n' etcd-server etcd-client")).stdout.trim().split('\n').map((l) => l.trimEnd());

  it('the members run the default pin, the version the lab repository carries, held: nothing to change', async () => {
    for (const ip of Object.values(MEMBERS)) {
      // the candidate apt sees is the lab repository's only version
      expect((await labSsh(ip, 'apt-cache policy etcd-server')).stdout).to.match(new RegExp(`Candidate: ${PIN.replace(/[+.]/g, '\\$&')}\n`));
      expect((await installed(ip)).sort()).to.deep.equal([`etcd-client=${PIN} hi`, `etcd-server=${PIN} hi`]);
    }
    const r = await check();
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    for (const h of Object.keys(MEMBERS)) expect(recapOf(r.stdout, h), h).to.include({ changed: 0, failed: 0 });
  });

  it('another pin stops the run on every member before anything changes, naming the installed version', async () => {
    const r = await check(...extra({ etcd_package_version: OTHER }));
    expect(r.code, r.stdout).to.not.equal(0);
    for (const h of Object.keys(MEMBERS)) {
      expect(recapOf(r.stdout, h), h).to.include({ changed: 0, failed: 1 });
      expect(r.stdout).to.contain(`${h} has etcd-client=${PIN}, etcd-server=${PIN} installed, not etcd_package_version ${OTHER}`);
    }
    for (const ip of Object.values(MEMBERS)) expect((await installed(ip)).sort()).to.deep.equal([`etcd-client=${PIN} hi`, `etcd-server=${PIN} hi`]);
  });

  it('with etcd_package_upgrade the run predicts each member moved to the pin by apt, its hold kept', async () => {
    const r = await check(...extra({ etcd_package_version: OTHER, etcd_package_upgrade: true }), '-v');
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    for (const h of Object.keys(MEMBERS)) expect(recapOf(r.stdout, h), h).to.include({ changed: 1, failed: 0 });
    expect(r.stdout).to.contain(`change etcd-server ${PIN} -> ${OTHER}; change etcd-client ${PIN} -> ${OTHER}`);
  });
});
