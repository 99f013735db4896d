// playbooks/upgrade-cluster.yml on the lab, from the release before the default (v1.33.7) to the
// default (v1.33.8, inventories/lab): the lab's Kubernetes binaries are STAND-INS
// (lab/standins/releases/<version>, not Kubernetes) that differ between the two releases only in
// the version they report, and whose apiserver implements --shutdown-delay-duration, cordon,
// drain and uncordon as the real one answers Debian's kubectl. While the upgrade runs, a worker
// asks https://VIP:8443/readyz (cluster CA) every 100 ms: not one request may fail. --check
// before it predicts its changes, a second run changes nothing, and the lab ends where
// ha-cluster.yml converges it (changed=0). The release before is reached first with the same
// playbook and the documented downgrade permission; the after hook returns to the default if a
// step failed half-way.
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../engine/paths.js';
import type { PlanDoc } from '../../engine/plan/types.js';
import { LAB, labSsh } from './lab-ssh.js';
import { failuresOf, tsplay } from './run-tsplay.js';

const ROOT = projectRoot();
const HOSTS: Record<string, string> = { master1: '10.77.0.11', master2: '10.77.0.12', master3: '10.77.0.13', worker1: '10.77.0.21', worker2: '10.77.0.22' };
const MASTERS = ['master1', 'master2', 'master3'];
const DEFAULT = 'v1.33.8';
const PREVIOUS = 'v1.33.7';
const WATCHER = HOSTS.worker1;
const DOWNGRADE = ['-e', '{"kube_upgrade_allow_downgrade": true}'];

interface JsonRun { plays: { tasks: { task: { name: string }; hosts: Record<string, { changed: boolean }> }[] }[] }
const changes = (r: JsonRun) =>
  [...new Set(r.plays.flatMap((p) => p.tasks.flatMap((t) => Object.entries(t.hosts).filter(([, v]) => v.changed).map(([h]) => `${t.task.name}/${h}`))))].sort();
const plannedChanges = (p: PlanDoc) => [...new Set(p.entries.filter((e) => e.outcome === 'change').map((e) => `${e.task}/${e.host}`))].sort();
const applyTime = (p: PlanDoc) => new Set(p.entries.filter((e) => e.outcome === 'apply-time').map((e) => `${e.task}/${e.host}`));
const apart = (a: string[], b: string[]) => JSON.stringify({ only: a.filter((x) => !b.includes(x)), missing: b.filter((x) => !a.includes(x)) });

const upgrade = (...extra: string[]) => tsplay(['run', join(ROOT, 'playbooks', 'upgrade-cluster.yml'), '-i', join(ROOT, 'inventories', 'lab'), ...extra], { timeoutMs: 900_000 });

/** the release every Kubernetes binary on every host reports, as `host component version` lines */
async function reported(): Promise<string[]> {
  const out: string[] = [];
  for (const [h, ip] of Object.entries(HOSTS)) {
    const components = h.startsWith('master') ? ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubelet', 'kube-proxy'] : ['kubelet', 'kube-proxy'];
    const { stdout } = await labSsh(ip, components.map((c) => `echo "${c} $(/usr/local/bin/${c} --version)"`).join('; '));
    out.push(...stdout.trim().split('\n').map((l) => `${h} ${l}`));
  }
  return out;
}
const all = (version: string) =>
  Object.keys(HOSTS).flatMap((h) => (h.startsWith('master') ? ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubelet', 'kube-proxy'] : ['kubelet', 'kube-proxy']).map((c) => `${h} ${c} Kubernetes ${version}`));

describe('e2e: playbooks/upgrade-cluster.yml on the lab (stand-in binaries), no request through the VIP fails', function () {
  this.timeout(1_800_000);
  const planFile = join(tmpdir(), `tsplay-upgrade-plan-${process.pid}.json`);
  let loopDir = '';
  let plan: PlanDoc;
  let predicted: JsonRun;

  before(async function () {
    if (!existsSync(`${LAB}/id_ed25519`)) {
      console.log('      (skipped: the lab is not up)');
      this.skip();
    }
    try {
      await labSsh(WATCHER, 'true', 15_000);
    } catch (e) {
      console.log(`      (skipped: the lab is not reachable: ${(e as Error).message.split('\n')[0]})`);
      this.skip();
    }
  });

  after(async function () {
    await rm(planFile, { force: true });
    if (loopDir) await labSsh(WATCHER, `touch ${loopDir}/stop; sleep 1; rm -rf -- ${loopDir}`).catch(() => undefined);
    // a step that failed half-way leaves some hosts at the release before: back to the default
    if (!existsSync(`${LAB}/id_ed25519`)) return;
    const now = await reported().catch(() => []);
    if (now.length && JSON.stringify(now) !== JSON.stringify(all(DEFAULT))) {
      const r = await upgrade(...DOWNGRADE, '--json');
      if (r.code !== 0) console.log(`      (after: the return to ${DEFAULT} failed: ${failuresOf(r.stdout)})`);
    }
  });

  it(`the release before the default (${PREVIOUS}) is refused without the downgrade permission, then reached with it`, async () => {
    const refused = await upgrade('-e', `kube_version=${PREVIOUS}`, '--json');
    expect(refused.code, refused.stderr).to.equal(2);
    expect(failuresOf(refused.stdout)).to.include(`run a release after ${PREVIOUS}: a downgrade needs kube_upgrade_allow_downgrade=true`);
    expect(await reported()).to.deep.equal(all(DEFAULT));

    const r = await upgrade('-e', `kube_version=${PREVIOUS}`, ...DOWNGRADE, '--json');
    expect(r.code, failuresOf(r.stdout)).to.equal(0);
    expect(await reported()).to.deep.equal(all(PREVIOUS));
  });

  it('--check --plan-out predicts the upgrade to the default without changing a host', async () => {
    const r = await upgrade('--check', '--json', '--plan-out', planFile);
    expect(r.code, failuresOf(r.stdout)).to.equal(0);
    predicted = JSON.parse(r.stdout) as JsonRun;
    plan = JSON.parse(await readFile(planFile, 'utf8')) as PlanDoc;
    expect(plannedChanges(plan)).to.include.members(['binaries from the artifacts directory/master1', 'binaries from the artifacts directory/worker2', 'restart kubelet/worker1']);
    expect(await reported()).to.deep.equal(all(PREVIOUS));
  });

  it('the upgrade: every request to https://VIP:8443/readyz from a worker answers 200, its changes are the planned ones, every component reports the default', async () => {
    loopDir = (await labSsh(WATCHER, 'mktemp -d /tmp/tsplay-upgrade-readyz.XXXXXX')).stdout.trim();
    // one request every 100 ms, each on a new connection, until the stop file appears
    const loop = `while [ ! -e ${loopDir}/stop ]; do echo "$(date +%s.%N) $(curl -s -o /dev/null -w '%{http_code}' --cacert /etc/kubernetes/pki/ca.crt --max-time 2 https://10.77.0.100:8443/readyz)" >> ${loopDir}/log; sleep 0.1; done`;
    await labSsh(WATCHER, `nohup sh -c ${JSON.stringify(loop)} >/dev/null 2>&1 &`);
    await new Promise((res) => setTimeout(res, 1000));
    const r = await upgrade('--json');
    await labSsh(WATCHER, `touch ${loopDir}/stop`);
    await new Promise((res) => setTimeout(res, 2500));
    expect(r.code, failuresOf(r.stdout)).to.equal(0);

    const log = (await labSsh(WATCHER, `cat ${loopDir}/log`)).stdout.trim().split('\n');
    const failed = log.filter((l) => !l.endsWith(' 200'));
    console.log(`      ${log.length} requests through the VIP during the upgrade, ${failed.length} failed`);
    expect(log.length).to.be.greaterThan(100);
    expect(failed, failed.slice(0, 10).join('\n')).to.deep.equal([]);

    // every change the run made outside the tasks the plan left to apply time was planned, and
    // every planned change was made
    const later = applyTime(plan);
    const made = changes(JSON.parse(r.stdout) as JsonRun).filter((c) => !later.has(c));
    expect(made, apart(made, plannedChanges(plan))).to.deep.equal(plannedChanges(plan));
    expect(made).to.deep.equal(changes(predicted).filter((c) => !later.has(c)));

    expect(await reported()).to.deep.equal(all(DEFAULT));
    for (const m of MASTERS) {
      const v = await labSsh(HOSTS[m], `curl -sS --cacert /etc/kubernetes/pki/ca.crt https://${HOSTS[m]}:6443/version`);
      expect((JSON.parse(v.stdout) as { gitVersion: string }).gitVersion, m).to.equal(DEFAULT);
    }
    // etcd: all three members started and healthy
    const tls = '--cacert=/etc/kubernetes/pki/etcd/ca.crt --cert=/etc/kubernetes/pki/etcd/healthcheck-client.crt --key=/etc/kubernetes/pki/etcd/healthcheck-client.key';
    const members = await labSsh(HOSTS.master1, `etcdctl --endpoints=https://${HOSTS.master1}:2379 ${tls} member list`);
    expect(members.stdout.trim().split('\n').filter((l) => l.includes(', started, '))).to.have.length(3);
    await labSsh(HOSTS.master1, `etcdctl --endpoints=https://${HOSTS.master1}:2379 ${tls} endpoint health --cluster`);
    // no node left cordoned (the stand-in API keeps what kubectl cordon wrote in etcd)
    const nodes = await labSsh(HOSTS.master1, `kubectl --kubeconfig /etc/kubernetes/admin.conf get nodes -o 'jsonpath={range .items[*]}{.metadata.name}={.spec.unschedulable}{"\\n"}{end}' 2>&1 || true`);
    expect(nodes.stdout).not.to.include('=true');
  });

  it('a second upgrade run changes nothing, and ha-cluster.yml converges the lab with changed=0', async () => {
    const again = await upgrade('--json');
    expect(again.code, failuresOf(again.stdout)).to.equal(0);
    expect(changes(JSON.parse(again.stdout) as JsonRun)).to.deep.equal([]);
    const ha = await tsplay(['run', join(ROOT, 'playbooks', 'ha-cluster.yml'), '-i', join(ROOT, 'inventories', 'lab'), '--json'], { timeoutMs: 900_000 });
    expect(ha.code, failuresOf(ha.stdout)).to.equal(0);
    expect(changes(JSON.parse(ha.stdout) as JsonRun)).to.deep.equal([]);
  });
});
