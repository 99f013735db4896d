// Grow and shrink on the lab: etcd 3 -> 5 -> 3 with scale.yml and remove-node.yml (worker2 and
// worker3 join the etcd group in a temporary extra inventory, then leave), worker2 back as a
// worker, and reset.yml on worker3, while a loop of requests through the VIP must never fail.
// The apiservers behind the VIP are the lab's STAND-INS (lab/standins): their /healthz answers 200
// only while an etcd member in their --etcd-servers answers over mTLS. etcd, haproxy and keepalived
// are the real Debian packages.
import { expect } from 'chai';
import { mkdtemp, writeFile, rm, access, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { request } from 'node:https';
import { projectRoot } from '../../engine/paths.js';
import { tsplay, failuresOf } from './run-tsplay.js';
import { LAB, labSsh } from './lab-ssh.js';

const ROOT = projectRoot();
const INV = join(ROOT, 'inventories', 'lab');
const IP: Record<string, string> = { master1: '10.77.0.11', master2: '10.77.0.12', master3: '10.77.0.13', worker1: '10.77.0.21', worker2: '10.77.0.22', worker3: '10.77.0.23' };
const PKI = '/etc/kubernetes/pki/etcd';
const TLS = `--cacert=${PKI}/ca.crt --cert=${PKI}/healthcheck-client.crt --key=${PKI}/healthcheck-client.key`;

interface JsonRun {
  plays: { tasks: { task: { name: string }; hosts: Record<string, { changed?: boolean; failed?: boolean; skip_reason?: string }> }[] }[];
  stats: Record<string, Record<string, number>>;
}

/** "task @ host" for every change a --json run made (or, under --check, predicted) */
function changes(stdout: string): string[] {
  const j = JSON.parse(stdout) as JsonRun;
  const out = new Set<string>();
  for (const p of j.plays) for (const t of p.tasks) for (const [h, r] of Object.entries(t.hosts)) if (r.changed) out.add(`${t.task.name} @ ${h}`);
  return [...out].sort();
}

/** "task @ host" for every task --check could not know and left to the real run (commands) */
function unknowable(stdout: string): string[] {
  const j = JSON.parse(stdout) as JsonRun;
  const out = new Set<string>();
  for (const p of j.plays) for (const t of p.tasks) for (const [h, r] of Object.entries(t.hosts)) if (/not knowable in check mode/.test(String(r.skip_reason ?? ''))) out.add(`${t.task.name} @ ${h}`);
  return [...out].sort();
}

/** every change of the real run was predicted by --check, or left by it to the run */
function expectPredicted(check: string, run: string): void {
  const predicted = new Set([...changes(check), ...unknowable(check)]);
  const unpredicted = changes(run).filter((c) => !predicted.has(c));
  expect(unpredicted, `changed but not predicted by --check: ${JSON.stringify(unpredicted)}`).to.deep.equal([]);
  const done = new Set([...changes(run), ...unknowable(check)]);
  const over = changes(check).filter((c) => !done.has(c));
  if (over.length) console.log(`      (--check also predicted: ${over.join('; ')})`);
}

function totalChanged(stdout: string): number {
  const j = JSON.parse(stdout) as JsonRun;
  return Object.values(j.stats).reduce((n, s) => n + (s.changed ?? 0), 0);
}

/** the etcd members (names) the cluster lists, read through master1 */
async function members(): Promise<string[]> {
  const r = await labSsh(IP.master1, `etcdctl --endpoints=https://${IP.master1}:2379 ${TLS} member list`);
  return r.stdout.trim().split('\n').map((l) => l.split(', ')[2]).sort();
}

/** `etcdctl endpoint health` over mTLS against each named member: how many say healthy */
async function healthy(names: string[]): Promise<number> {
  const eps = names.map((n) => `https://${IP[n]}:2379`).join(',');
  const r = await labSsh(IP.master1, `etcdctl --endpoints=${eps} ${TLS} endpoint health 2>&1; true`);
  return (r.stdout.match(/ is healthy/g) ?? []).length;
}

async function etcdServers(master: string): Promise<string> {
  const r = await labSsh(IP[master], "grep -o -- '--etcd-servers=[^ ]*' /etc/systemd/system/kube-apiserver.service");
  return r.stdout.trim();
}

describe('e2e: grow and shrink (scale.yml, remove-node.yml, reset.yml): etcd 3 -> 5 -> 3 with the VIP answering throughout', function () {
  this.timeout(900_000);
  let dir: string | undefined;
  let restored = false;
  // the loop through the VIP
  let looping = false;
  let loop: Promise<void> | undefined;
  const seen = { ok: 0, failed: [] as string[] };

  const grow = (...extra: string[]) => ['run', join(ROOT, 'playbooks', 'scale.yml'), '-i', INV, '-i', join(dir!, 'grow.yml'), '--limit', 'etcd:kube_control_plane', ...extra];
  const shrink = (...extra: string[]) => ['run', join(ROOT, 'playbooks', 'remove-node.yml'), '-i', INV, '-i', join(dir!, 'grow.yml'), ...extra];
  const reset = (...extra: string[]) => ['run', join(ROOT, 'playbooks', 'reset.yml'), '-i', INV, '--limit', 'worker3', ...extra];
  const rejoin = (...extra: string[]) => ['run', join(ROOT, 'playbooks', 'scale.yml'), '-i', INV, '--limit', 'worker2', ...extra];

  before(async function () {
    try {
      await access(`${LAB}/id_ed25519`);
      await labSsh(IP.master1, 'systemctl is-active etcd kube-apiserver', 10_000);
    } catch {
      console.log('      (skipped: the lab or its cluster is not up)');
      return this.skip();
    }
    const up = await tsplay(['lab', 'up', '--hosts', '6']);
    expect(up.code, up.stderr).to.equal(0);
    dir = await mkdtemp(join(tmpdir(), 'tsplay-grow-'));
    // the site's change: two more etcd members, each joining a running cluster
    await writeFile(join(dir, 'grow.yml'), 'etcd:\n  hosts:\n    worker2:\n      etcd_member_join: true\n    worker3:\n      etcd_member_join: true\n');
    expect(await members()).to.deep.equal(['master1', 'master2', 'master3']);
    const ca = await readFile(join(INV, '.pki', 'ca.crt'));
    looping = true;
    loop = (async () => {
      while (looping) {
        const at = new Date().toISOString();
        const res = await new Promise<string>((resolve) => {
          const req = request({ host: '10.77.0.100', port: 8443, path: '/healthz', ca, timeout: 5000 }, (r) => {
            r.resume();
            r.on('end', () => resolve(String(r.statusCode)));
          });
          req.on('timeout', () => req.destroy(new Error('timeout')));
          req.on('error', (e) => resolve(e.message));
          req.end();
        });
        if (res === '200') seen.ok++;
        else seen.failed.push(`${at} ${res}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
  });

  after(async function () {
    looping = false;
    await loop;
    if (dir && !restored) {
      // a failure midway: the cluster back to three members and worker2 a worker again
      await tsplay(shrink('-e', 'node=worker2,worker3', '-e', 'etcd_remove_allow_even=true'));
      await tsplay(rejoin());
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('reset.yml refuses a current etcd member (master1) before any change', async () => {
    const r = await tsplay(['run', join(ROOT, 'playbooks', 'reset.yml'), '-i', INV, '--limit', 'master1']);
    expect(r.code).to.not.equal(0);
    expect(r.stdout + r.stderr).to.include('master1 is a member of the etcd cluster: remove it first (tsplay run playbooks/remove-node.yml -e node=master1), then reset it');
    expect((await labSsh(IP.master1, 'systemctl is-active etcd kube-apiserver kubelet')).stdout.trim().split('\n')).to.deep.equal(['active', 'active', 'active']);
  });

  it('scale.yml refuses new etcd members when the limit leaves out a member, before any change', async () => {
    const r = await tsplay(['run', join(ROOT, 'playbooks', 'scale.yml'), '-i', INV, '-i', join(dir!, 'grow.yml'), '--limit', 'worker3']);
    expect(r.code).to.not.equal(0);
    expect(r.stdout).to.match(/the limit has some etcd or control-plane hosts but not master1, master2, master3, worker2: their files list the members, so run with --limit etcd:kube_control_plane:NEW/);
    expect(await members()).to.deep.equal(['master1', 'master2', 'master3']);
  });

  it('scale.yml grows etcd 3 -> 5 one member at a time as --check predicted: all five healthy over mTLS, every apiserver on five --etcd-servers; a second run changes nothing', async () => {
    const check = await tsplay(grow('--check', '--json'));
    expect(check.code, failuresOf(check.stdout) + check.stderr).to.equal(0);
    const r = await tsplay(grow('--json'));
    expect(r.code, failuresOf(r.stdout) + r.stderr).to.equal(0);
    expectPredicted(check.stdout, r.stdout);
    expect(changes(r.stdout)).to.include.members(['add this host as a member @ worker2', 'add this host as a member @ worker3']);
    expect(await members()).to.deep.equal(['master1', 'master2', 'master3', 'worker2', 'worker3']);
    expect(await healthy(['master1', 'master2', 'master3', 'worker2', 'worker3'])).to.equal(5);
    const five = `--etcd-servers=${['master1', 'master2', 'master3', 'worker2', 'worker3'].map((n) => `https://${IP[n]}:2379`).join(',')}`;
    for (const m of ['master1', 'master2', 'master3']) expect(await etcdServers(m), m).to.equal(five);
    const again = await tsplay(grow('--json'));
    expect(again.code, failuresOf(again.stdout)).to.equal(0);
    expect(changes(again.stdout)).to.deep.equal([]);
  });

  it('remove-node.yml refuses to leave four members, naming the way out, before any change', async () => {
    const r = await tsplay(shrink('-e', 'node=worker3'));
    expect(r.code).to.not.equal(0);
    expect(r.stdout).to.include('the etcd cluster has 5 members; removing worker3 would leave an even number');
    expect(r.stdout).to.include('-e etcd_remove_allow_even=true');
    expect(r.stdout).to.match(/PLAY RECAP \*+\nmaster1 +: ok=\d+ changed=0 unreachable=0 failed=1/);
    expect(r.stdout.match(/ changed=[1-9]/g), 'a host changed').to.equal(null);
    expect(await members()).to.deep.equal(['master1', 'master2', 'master3', 'worker2', 'worker3']);
  });

  it('remove-node.yml -e node=worker2,worker3 shrinks etcd 5 -> 3 as --check predicted: members removed first, then stopped and wiped; three healthy, apiservers on three; a second run changes nothing', async () => {
    const check = await tsplay(shrink('-e', 'node=worker2,worker3', '--check', '--json'));
    expect(check.code, failuresOf(check.stdout) + check.stderr).to.equal(0);
    const r = await tsplay(shrink('-e', 'node=worker2,worker3', '--json'));
    expect(r.code, failuresOf(r.stdout) + r.stderr).to.equal(0);
    expectPredicted(check.stdout, r.stdout);
    // worker2 was a node too: drained and its Node deleted through the VIP (the stand-in apiserver
    // keeps Nodes in etcd; it runs no pods, so the drain evicts nothing)
    expect(changes(r.stdout)).to.include.members(['node drained @ worker2', 'Node object deleted @ worker2']);
    expect((await labSsh(IP.master1, 'kubectl --kubeconfig /etc/kubernetes/admin.conf get node worker2 -o name --ignore-not-found')).stdout.trim()).to.equal('');
    expect(await members()).to.deep.equal(['master1', 'master2', 'master3']);
    expect(await healthy(['master1', 'master2', 'master3'])).to.equal(3);
    const three = `--etcd-servers=${['master1', 'master2', 'master3'].map((n) => `https://${IP[n]}:2379`).join(',')}`;
    for (const m of ['master1', 'master2', 'master3']) expect(await etcdServers(m), m).to.equal(three);
    for (const w of ['worker2', 'worker3']) {
      const st = await labSsh(IP[w], 'systemctl is-active etcd; systemctl is-enabled etcd; test -e /var/lib/etcd/default && echo data || echo no-data; true');
      expect(st.stdout.trim().split('\n'), w).to.deep.equal(['inactive', 'disabled', 'no-data']);
      // no certificate the etcd CA signed stays on a former member outside the control plane
      expect((await labSsh(IP[w], 'ls /etc/kubernetes/pki/etcd 2>/dev/null; true')).stdout.trim(), w).to.equal('');
    }
    for (const m of ['master1', 'worker1']) expect((await labSsh(IP[m], "grep -cE '[[:space:]](worker2|worker3)$' /etc/hosts; true")).stdout.trim(), m).to.equal('0');
    // the controller keeps no copy of their certificates and keys
    for (const w of ['worker2', 'worker3']) expect(existsSync(join(ROOT, 'inventories', 'lab', '.pki', 'nodes', w)), w).to.equal(false);
    const again = await tsplay(shrink('-e', 'node=worker2,worker3', '--json'));
    expect(again.code, failuresOf(again.stdout)).to.equal(0);
    expect(changes(again.stdout)).to.deep.equal([]);
  });

  it('worker2 comes back as a worker with scale.yml --limit worker2', async () => {
    const r = await tsplay(rejoin());
    expect(r.code, r.stdout.slice(-3000)).to.equal(0);
    expect((await labSsh(IP.worker2, 'systemctl is-active kubelet kube-proxy')).stdout.trim().split('\n')).to.deep.equal(['active', 'active']);
    expect((await labSsh(IP.master1, "grep -E '[[:space:]]worker2$' /etc/hosts")).stdout.trim()).to.equal('10.77.0.22 worker2');
    // its Node is back, schedulable, with its own pod CIDR slice
    const node = await labSsh(IP.master1, "kubectl --kubeconfig /etc/kubernetes/admin.conf get node worker2 -o jsonpath='{.spec.unschedulable}/{.spec.podCIDR}'");
    expect(node.stdout.trim()).to.match(/^\/10\.233\.\d+\.0\/24$/);
  });

  it('reset.yml --limit worker3 returns it to its state before the cluster as --check predicted; a second reset changes nothing', async () => {
    // worker3 was an etcd member only here: what the cni role makes on a node (a pod route with its
    // protocol, the pod masquerade exception, the pod bridge) is made by hand, with the commands of
    // its tsplay-pod-network script
    await labSsh(
      IP.worker3,
      'ip route replace 10.233.64.0/24 via 10.77.0.11 proto 201 && iptables -t nat -I POSTROUTING 1 -s 10.233.64.0/18 -d 10.233.64.0/18 -j RETURN && { ip link show cni0 >/dev/null 2>&1 || ip link add cni0 type bridge; }',
    );
    const check = await tsplay(reset('--check', '--json'));
    expect(check.code, failuresOf(check.stdout) + check.stderr).to.equal(0);
    const r = await tsplay(reset('--json'));
    expect(r.code, r.stdout.slice(-3000) + r.stderr).to.equal(0);
    expectPredicted(check.stdout, r.stdout);
    const st = await labSsh(
      IP.worker3,
      'for u in etcd kubelet kube-proxy containerd tsplay-pod-network prometheus-node-exporter systemd-journal-upload; do echo "$u $(systemctl is-active $u) $(systemctl is-enabled $u 2>/dev/null)"; done;' +
        ' for p in /etc/kubernetes /var/lib/etcd /var/lib/kubelet /etc/cni/net.d/10-tsplay-bridge.conflist /etc/default/etcd /usr/local/bin/kubelet' +
        ' /etc/systemd/journald.conf.d/10-tsplay.conf /etc/systemd/journal-upload.conf.d/10-tsplay.conf /usr/local/sbin/tsplay-textfile-metrics; do test -e $p && echo "left $p"; done;' +
        " ip -4 route show proto 201; iptables -t nat -S POSTROUTING | grep -- '-j RETURN'; grep -cE '^10[.]77[.]0[.][0-9]+[[:space:]]+(master|worker)[0-9]$' /etc/hosts; true",
    );
    const lines = st.stdout.trim().split('\n');
    // each service neither running nor enabled (a unit the host never had prints no enablement)
    for (const l of lines.slice(0, 7)) expect(l, st.stdout).to.match(/^[a-z-]+ inactive (disabled)?$/);
    // no file left, no pod route, no masquerade exception, no cluster host in /etc/hosts
    expect(lines.slice(7), st.stdout).to.deep.equal(['0']);
    expect((await labSsh(IP.worker3, 'ip -o link show cni0 2>&1; true')).stdout).to.match(/does not exist/);
    const again = await tsplay(reset('--json'));
    expect(again.code, failuresOf(again.stdout)).to.equal(0);
    expect(totalChanged(again.stdout), changes(again.stdout).join('\n')).to.equal(0);
    restored = true;
  });

  it('the VIP answered every request while etcd grew and shrank', () => {
    expect(seen.ok).to.be.greaterThan(50);
    expect(seen.failed, seen.failed.slice(0, 10).join('\n')).to.deep.equal([]);
  });
});
