// The main job: playbooks/ha-cluster.yml on the lab, through the real CLI. It runs first (.mocharc
// "file"), so in CI, where the lab hosts are wiped and the clone has no PKI, its plan (--check
// --plan-out) is made on fresh hosts and then applied with `tsplay apply`, and the changes the
// apply makes are compared with the plan's, task by task.
import { expect } from 'chai';
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { projectRoot } from '../../engine/paths.js';
import { tsplay, recapOf } from './run-tsplay.js';
import type { PlanDoc } from '../../engine/plan/types.js';

const run = promisify(execFile);
const LAB = '/var/lib/tsplay-lab';
const ROOT = projectRoot();
const HOSTS: Record<string, string> = { master1: '10.77.0.11', master2: '10.77.0.12', master3: '10.77.0.13', worker1: '10.77.0.21', worker2: '10.77.0.22' };
const ssh = (ip: string, cmd: string) =>
  run('ssh', ['-i', `${LAB}/id_ed25519`, '-o', `UserKnownHostsFile=${LAB}/known_hosts`, '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes', `root@${ip}`, cmd], { timeout: 30_000 });

interface JsonRun {
  plays: { tasks: { task: { name: string }; hosts: Record<string, { changed: boolean }> }[] }[];
  stats: Record<string, Record<string, number>>;
}
/** task/host for every change, once each (a task name may recur: plays that share a role's tasks), as a plan names them */
const changes = (r: JsonRun) =>
  [...new Set(r.plays.flatMap((p) => p.tasks.flatMap((t) => Object.entries(t.hosts).filter(([, v]) => v.changed).map(([h]) => `${t.task.name}/${h}`))))].sort();
/** the plan's changes as `changes` names a run's: task/host, once per task and host */
const plannedChanges = (p: PlanDoc) => [...new Set(p.entries.filter((e) => e.outcome === 'change').map((e) => `${e.task}/${e.host}`))].sort();
/** what one list has that the other has not, for an assertion's message */
const apart = (a: string[], b: string[]) => JSON.stringify({ only: a.filter((x) => !b.includes(x)), missing: b.filter((x) => !a.includes(x)) });
/** the tasks the plan leaves to apply time (commands it cannot predict), named the same way */
const applyTimeTasks = (p: PlanDoc) => new Set(p.entries.filter((e) => e.outcome === 'apply-time').map((e) => `${e.task}/${e.host}`));

describe('e2e: playbooks/ha-cluster.yml on the lab (first, on clean hosts in CI)', function () {
  this.timeout(600_000);
  const args = (...extra: string[]) => ['run', join(ROOT, 'playbooks', 'ha-cluster.yml'), '-i', join(ROOT, 'inventories', 'lab'), ...extra];
  before(async function () {
    try {
      await access(`${LAB}/id_ed25519`);
      await ssh(HOSTS.worker1, 'true');
    } catch (e) {
      console.log(`      (skipped: the lab is not up: ${(e as Error).message.split('\n')[0]}; run \`tsplay lab up\`)`);
      this.skip();
    }
  });

  let predicted: JsonRun;
  let plan: PlanDoc;
  const planFile = join(tmpdir(), `tsplay-ha-cluster-plan-${process.pid}.json`);
  after(() => rm(planFile, { force: true }));

  it('--check --diff --plan-out runs without errors on the current hosts and writes the plan', async () => {
    const r = await tsplay(args('--check', '--diff', '--json', '--plan-out', planFile));
    expect(r.code, r.stderr + r.stdout.slice(-3000)).to.equal(0);
    predicted = JSON.parse(r.stdout);
    plan = JSON.parse(await readFile(planFile, 'utf8')) as PlanDoc;
    // the plan holds what the check run showed, task by task, but for the tasks it leaves to apply
    // time (commands, and what follows from them, such as a restart for a new binary)
    const later = applyTimeTasks(plan);
    const shown = changes(predicted).filter((c) => !later.has(c));
    expect(shown, apart(shown, plannedChanges(plan))).to.deep.equal(plannedChanges(plan));
  });

  it('tsplay apply of the plan makes exactly the planned changes, task by task, and leaves containerd answering', async () => {
    const r = await tsplay(['apply', planFile, '--json']);
    expect(r.code, r.stderr + r.stdout.slice(-3000)).to.equal(0);
    expect(r.stderr).to.match(/applied as planned|the plan is already true/);
    const real: JsonRun = JSON.parse(r.stdout);
    // restarts by handlers are predicted as notified changes too. Every change outside the tasks the
    // plan left to apply time is a planned one.
    const later = applyTimeTasks(plan);
    const made = changes(real);
    const planned = made.filter((c) => !later.has(c));
    expect(planned, apart(planned, plannedChanges(plan))).to.deep.equal(plannedChanges(plan));
    expect(planned).to.deep.equal(changes(predicted).filter((c) => !later.has(c)));
    // a change decided at apply time that --check did not show is one of the add-ons' kubectl applies
    // (from master1) or a node's own Node object (each host applies its own)
    const shown = new Set(changes(predicted));
    for (const c of made.filter((x) => later.has(x) && !shown.has(x))) {
      expect(c).to.match(/^Node applied \(kubectl apply --server-side, as admin\)\/[\w-]+$|\(kubectl apply --server-side, as (super-)?admin\)\/master1$/);
    }
    for (const [h, ip] of Object.entries(HOSTS)) {
      const { stdout } = await ssh(ip, 'systemctl is-active containerd; systemctl is-enabled containerd; ctr version >/dev/null && echo ctr-ok; grep -c SystemdCgroup /etc/containerd/config.toml; sysctl -n net.ipv4.ip_forward');
      expect(stdout.split('\n').slice(0, 5), h).to.deep.equal(['active', 'enabled', 'ctr-ok', '1', '1']);
    }
  });

  it('the second run reports changed=0 on every host; --check after it predicts no change', async () => {
    const r = await tsplay(args());
    expect(r.code, r.stdout.slice(-3000)).to.equal(0);
    for (const h of Object.keys(HOSTS)) expect(recapOf(r.stdout, h)?.changed, h).to.equal(0);
    const c = await tsplay(args('--check', '--detailed-exitcode'));
    expect(c.code, c.stdout.slice(-3000)).to.equal(0);
  });

  it('a site setting added to containerd is kept and changes only the config plus one restart', async () => {
    const extra = ['-e', '{"containerd_extra_config": "[plugins.\\"io.containerd.grpc.v1.cri\\".cni]\\n  bin_dir = \\"/opt/cni/bin\\""}', '--limit', 'worker2'];
    const check = await tsplay(args('--check', '--json', ...extra));
    expect(check.code, check.stderr).to.equal(0);
    const real = await tsplay(args('--json', ...extra));
    expect(real.code, real.stderr).to.equal(0);
    const r = JSON.parse(real.stdout) as JsonRun;
    expect(changes(r)).to.deep.equal(changes(JSON.parse(check.stdout)));
    expect(changes(r)).to.deep.equal(['containerd config (systemd cgroups, sandbox image, registry hosts)/worker2', 'restart containerd/worker2']);
    const { stdout } = await ssh(HOSTS.worker2, 'grep -c bin_dir /etc/containerd/config.toml; systemctl is-active containerd');
    expect(stdout.trim().split('\n')).to.deep.equal(['1', 'active']);
    const back = await tsplay(args('--limit', 'worker2'));
    expect(recapOf(back.stdout, 'worker2')?.changed).to.equal(2);
  });

  // The hosts start without the role packages (engine/lab/recipe.ts): the roles installed them
  // from the lab repository, the hosts' only apt source, with their postinst scripts run.
  it('the roles installed their packages from the lab repository; etcd never formed a cluster of its own; host settings', async () => {
    const masters = Object.entries(HOSTS).filter(([h]) => h.startsWith('master'));
    for (const [h, ip] of Object.entries(HOSTS)) {
      const { stdout } = await ssh(
        ip,
        [
          "dpkg-query -W -f='${Package} ${db:Status-Abbrev}\\n' containerd curl runc systemd-timesyncd",
          "grep -rh '^deb' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null",
          'echo "swap:$(swapon --show --noheadings)"',
          'echo "timesyncd:$(systemctl is-enabled systemd-timesyncd)"',
          "grep -o -e '--node-ip=[^ ]*' -e '--register-with-taints=[^ ]*' /etc/systemd/system/kubelet.service",
        ].join('; '),
      );
      const lines = stdout.trim().split('\n').map((l) => l.trimEnd());
      expect(lines.slice(0, 4), h).to.deep.equal(['containerd ii', 'curl ii', 'runc ii', 'systemd-timesyncd ii']);
      expect(lines[4], h).to.equal('deb [trusted=yes] file:/srv/tsplay-lab-repo ./');
      expect(lines.slice(5, 7), h).to.deep.equal(['swap:', 'timesyncd:enabled']);
      const taint = h.startsWith('master') ? ['--register-with-taints=node-role.kubernetes.io/control-plane:NoSchedule'] : [];
      expect(lines.slice(7), h).to.deep.equal([`--node-ip=${ip}`, ...taint]);
    }
    const peers = masters.map(([m, ip]) => `${m} https://${ip}:2380`).sort();
    const etcdctl = 'etcdctl --endpoints=https://127.0.0.1:2379 --cacert=/etc/kubernetes/pki/etcd/ca.crt --cert=/etc/kubernetes/pki/etcd/healthcheck-client.crt --key=/etc/kubernetes/pki/etcd/healthcheck-client.key';
    let vipHolders = 0;
    for (const [m, ip] of masters) {
      const members = await ssh(ip, `${etcdctl} member list -w json`);
      const list = (JSON.parse(members.stdout) as { members: { name: string; peerURLs: string[] }[] }).members;
      expect(list.map((x) => `${x.name} ${x.peerURLs.join(',')}`).sort(), m).to.deep.equal(peers);
      const health = await ssh(ip, `${etcdctl} endpoint health --cluster 2>&1`);
      expect(health.stdout.match(/is healthy/g) ?? [], m).to.have.length(3);
      const { stdout } = await ssh(
        ip,
        [
          'apt-mark showhold',
          "grep -c -e 'uri /readyz' -e 'ca-file /etc/kubernetes/pki/ca.crt' /etc/haproxy/haproxy.cfg",
          'grep -c "verify none" /etc/haproxy/haproxy.cfg || true',
          "sed -n '/unicast_peer {/,/}/p' /etc/keepalived/keepalived.conf | grep -o '[0-9.]*[0-9]' | sort | tr '\\n' ' '",
          'echo',
          "grep -o -e '--kubelet-preferred-address-types=[^ ]*' /etc/systemd/system/kube-apiserver.service",
          "ip -4 -o addr show to 10.77.0.100/32 | wc -l",
        ].join('; '),
      );
      const lines = stdout.trim().split('\n');
      expect(lines.slice(0, 4), m).to.deep.equal(['etcd-client', 'etcd-server', '2', '0']);
      const others = masters.filter(([o]) => o !== m).map(([, oip]) => oip).sort();
      expect(lines[4].trim(), m).to.equal(others.join(' '));
      expect(lines[5], m).to.equal('--kubelet-preferred-address-types=InternalIP,Hostname');
      vipHolders += Number(lines[6]);
    }
    expect(vipHolders, 'masters holding the VIP').to.equal(1);
    // the API's readiness through the VIP and haproxy, verified against the cluster CA
    const ready = await run('curl', ['-s', '-w', ' %{http_code}', '--max-time', '5', '--cacert', join(ROOT, 'inventories', 'lab', '.pki', 'ca.crt'), 'https://10.77.0.100:8443/readyz']);
    expect(ready.stdout.trim().split(' ').pop()).to.equal('200');
  });

  it('a check weight that could tie a failed master with a healthy one, or an even etcd count, stops the run at its assert', async () => {
    const weight = await tsplay(args('--check', '-e', '{"keepalived_check_weight": -2}'));
    expect(weight.code, weight.stdout.slice(-2000)).to.equal(2);
    expect(weight.stdout).to.match(/keepalived_check_weight -2 with priorities from 110 down by 1 for 3 masters: a failed master could tie a healthy one/);
    const dir = await mkdtemp(join(tmpdir(), 'tsplay-even-etcd-'));
    try {
      await writeFile(join(dir, 'even.yml'), 'etcd:\n  hosts:\n    worker1:\n');
      const even = await tsplay(['run', join(ROOT, 'playbooks', 'ha-cluster.yml'), '-i', join(ROOT, 'inventories', 'lab'), '-i', join(dir, 'even.yml'), '--check']);
      expect(even.code, even.stdout.slice(-2000)).to.equal(2);
      // the preflight play's check stops it first (before any host changes); the etcd role's own assert is the second guard
      expect(even.stdout).to.match(/the etcd group .* has 4 members \(master1, master2, master3, worker1\): etcd needs an odd number, 3 or 5/);
      // nothing after the assert ran: no etcd task past it
      expect(even.stdout).to.not.include('TASK [etcd : etcd packages]');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
