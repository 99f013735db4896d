// The kubelet role on worker2 with a typo in kubelet_extra_args: the lab's kubelet STAND-IN
// (lab/standins, not Kubernetes) refuses the flag as the real kubelet does, so the run fails at
// the kubelet's health gate and the journal holds the real binary's message; the same run
// without the typo brings the kubelet back. It restarts worker2's kubelet: run it under the
// EXCLUSIVE lab lock.
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../engine/paths.js';
import { tsplay, recapOf } from './run-tsplay.js';
import { LAB, labSsh } from './lab-ssh.js';

const HOST = 'worker2';
const IP = '10.77.0.22';
const INV = join(projectRoot(), 'inventories', 'lab');

describe('e2e: a flag the real kubelet does not have stops the kubelet role (stand-in)', function () {
  this.timeout(600_000);
  let dir = '';

  before(async function () {
    if (!existsSync(`${LAB}/id_ed25519`) || !existsSync(`${LAB}/known_hosts`)) {
      console.log('      (skipped: the lab is not up)');
      return this.skip();
    }
    try {
      // the role needs what ha-cluster.yml gave worker2: its kubeconfig and the cluster CA
      await labSsh(IP, 'test -s /etc/kubernetes/kubelet.conf && test -s /etc/kubernetes/pki/ca.crt', 15_000);
    } catch (e) {
      console.log(`      (skipped: worker2 is not reachable or not converged: ${(e as Error).message.split('\n')[0]})`);
      return this.skip();
    }
    dir = await mkdtemp(join(tmpdir(), 'tsplay-standins-strict-'));
    await writeFile(join(dir, 'kubelet.yml'), `- hosts: ${HOST}\n  become: true\n  roles: [kubelet]\n`);
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const run = (...extra: string[]) => tsplay(['run', join(dir, 'kubelet.yml'), '-i', INV, '--limit', HOST, '--no-lock', ...extra]);

  it('fails the run, and the kubelet says why as the real one would', async () => {
    const since = (await labSsh(IP, 'date +%s')).stdout.trim();
    const typo = await run('-e', JSON.stringify({ kubelet_extra_args: { 'node-lables': 'role=edge' }, kubelet_health_retries: 5, kubelet_health_delay: 2 }));
    expect(typo.code, typo.stdout + typo.stderr).to.equal(2);
    expect(recapOf(typo.stdout, HOST)).to.include({ failed: 1 });
    expect(typo.stdout).to.match(/fatal: \[worker2\][^\n]*\n?[^\n]*/);
    expect(typo.stdout).to.contain('kubelet /healthz');
    const unit = (await labSsh(IP, 'cat /etc/systemd/system/kubelet.service')).stdout;
    expect(unit).to.contain('--node-lables=role=edge');
    const journal = (await labSsh(IP, `journalctl -u kubelet --since @${since} --no-pager -o cat`)).stdout;
    expect(journal).to.contain('Error: failed to parse kubelet flag: unknown flag: --node-lables');
  });

  it('the run without the typo brings the kubelet back', async () => {
    const fixed = await run();
    expect(fixed.code, fixed.stdout + fixed.stderr).to.equal(0);
    expect(recapOf(fixed.stdout, HOST)).to.include({ failed: 0 });
    expect((await labSsh(IP, 'cat /etc/systemd/system/kubelet.service')).stdout).not.to.contain('node-lables');
    expect((await labSsh(IP, 'curl -fsS http://127.0.0.1:10248/healthz')).stdout).to.equal('ok');
    const again = await run();
    expect(recapOf(again.stdout, HOST)).to.include({ changed: 0, failed: 0 });
  });
});
