// A host joining a running etcd cluster: `member add` through a running member, then the new
// member starts alone with initial-cluster-state=existing; the cluster keeps quorum throughout.
import { expect } from 'chai';
import { mkdtemp, writeFile, rm, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { projectRoot } from '../../engine/paths.js';
import { tsplay, recapOf } from './run-tsplay.js';

const run = promisify(execFile);
const LAB = '/var/lib/tsplay-lab';
const ROOT = projectRoot();
const ssh = (ip: string, cmd: string) =>
  run('ssh', ['-i', `${LAB}/id_ed25519`, '-o', `UserKnownHostsFile=${LAB}/known_hosts`, '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes', `root@${ip}`, cmd], { timeout: 60_000 });
// the health-check client the etcd role gives every member (roles/etcd defaults: etcd_cert_dir)
const PKI = '/etc/kubernetes/pki/etcd';
const etcdctl = `ETCDCTL_API=3 etcdctl --endpoints=https://10.77.0.11:2379 --cacert=${PKI}/ca.crt --cert=${PKI}/healthcheck-client.crt --key=${PKI}/healthcheck-client.key`;

describe('e2e: a fourth etcd member joins the running cluster', function () {
  this.timeout(600_000);
  let dir: string;
  before(async function () {
    try {
      await access(`${LAB}/id_ed25519`);
      await ssh('10.77.0.11', 'systemctl is-active etcd');
    } catch {
      console.log('      (skipped: the lab or its etcd cluster is not up)');
      return this.skip();
    }
    const up = await tsplay(['lab', 'up', '--hosts', '6']);
    expect(up.code, up.stderr).to.equal(0);
    dir = await mkdtemp(join(tmpdir(), 'tsplay-join-'));
    await writeFile(join(dir, 'join.yml'), 'etcd:\n  hosts:\n    worker3:\n      etcd_member_join: true\n');
  });
  after(async () => {
    if (!dir) return;
    // put the cluster back to three members and clear worker3's member data
    const list = await ssh('10.77.0.11', `${etcdctl} member list`).catch(() => ({ stdout: '' }));
    const id = list.stdout.split('\n').find((l) => l.includes('worker3'))?.split(',')[0];
    await ssh('10.77.0.23', 'systemctl disable --now etcd; rm -rf /var/lib/etcd/*').catch(() => undefined);
    if (id) await ssh('10.77.0.11', `${etcdctl} member remove ${id}`);
    await rm(dir, { recursive: true, force: true });
  });

  it('joins with member add + existing and the cluster reports 4 healthy members; a second run changes nothing', async () => {
    const args = ['run', join(ROOT, 'playbooks', 'ha-cluster.yml'), '-i', join(ROOT, 'inventories', 'lab'), '-i', join(dir, 'join.yml'), '--limit', 'worker3'];
    const r = await tsplay(args);
    expect(r.code, r.stdout.slice(-3000)).to.equal(0);
    expect(r.stdout).to.match(/TASK \[etcd : add this host as a member\][^\n]*\nchanged: \[worker3 -> master1\]|changed: \[worker3\]/);
    const list = await ssh('10.77.0.11', `${etcdctl} member list`);
    expect(list.stdout.trim().split('\n')).to.have.length(4);
    expect(list.stdout).to.include('worker3');
    const health = await ssh('10.77.0.11', `${etcdctl} endpoint health --cluster`);
    // etcdctl prints endpoint health on stderr
    expect((health.stdout + health.stderr).match(/is healthy/g), health.stdout + health.stderr).to.have.length(4);
    const env = await ssh('10.77.0.23', 'cat /etc/default/etcd');
    expect(env.stdout).to.match(/ETCD_INITIAL_CLUSTER_STATE="?existing"?/);
    const again = await tsplay(args);
    expect(again.code).to.equal(0);
    expect(recapOf(again.stdout, 'worker3')?.changed, again.stdout.slice(-2000)).to.equal(0);
  });
});
