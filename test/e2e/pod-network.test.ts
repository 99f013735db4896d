// The pod network on the lab with the real CNI plugins (Debian's containernetworking-plugins, not
// stand-ins): the preflight and cni roles give each node its own slice of kube_pods_subnet and
// routes to every other node's slice; then on worker1 and worker2 a network namespace is attached
// through the node's conflist the way the kubelet's runtime does it (libcni's ADD: bridge with
// host-local, then portmap and bandwidth, each given the previous result), each gets an address
// of its own node's slice, they ping each other across the nodes and see each other's pod
// address (no masquerading between pods); DEL releases the addresses. It changes the hosts'
// network setup: run it under the EXCLUSIVE lab lock.
import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { projectRoot } from '../../engine/paths.js';
import { ipv4CidrContains, ipv4Subnet } from '../../engine/net/ipv4-math.js';
import { tsplay, recapOf } from './run-tsplay.js';
import { LAB, labSsh } from './lab-ssh.js';

const INV = join(projectRoot(), 'inventories', 'lab');
const MASTER1 = '10.77.0.11';
const NODES = [
  { name: 'worker1', ip: '10.77.0.21' },
  { name: 'worker2', ip: '10.77.0.22' },
] as const;
// the role defaults (roles/cluster_defaults), which the lab inventory does not change
const PODS = '10.233.64.0/18';
const MASK = 24;

describe('e2e: pod network across two nodes with the real CNI plugins', function () {
  this.timeout(900_000);
  let dir = '';
  const id = randomBytes(4).toString('hex');
  const ns = `tsplay-podnet-${id}`;
  const remote = `/tmp/tsplay-podnet-${id}`;
  const pod: Record<string, string> = {};

  before(async function () {
    if (!existsSync(`${LAB}/id_ed25519`) || !existsSync(`${LAB}/known_hosts`)) {
      console.log('      (skipped: the lab is not up)');
      return this.skip();
    }
    try {
      for (const n of NODES) await labSsh(n.ip, 'true', 15_000);
    } catch (e) {
      console.log(`      (skipped: the lab is not reachable: ${(e as Error).message.split('\n')[0]})`);
      return this.skip();
    }
    dir = await mkdtemp(join(tmpdir(), 'tsplay-podnet-'));
    await writeFile(join(dir, 'pod-network.yml'), '- hosts: k8s_cluster\n  become: true\n  roles: [preflight, cni]\n');
  });

  after(async () => {
    for (const n of NODES) {
      await labSsh(n.ip, `python3 ${remote}/cni-exec.py DEL /etc/cni/net.d/10-tsplay-bridge.conflist /var/run/netns/${ns} ${ns}; ip netns del ${ns}; rm -rf -- ${remote}`).catch(() => undefined);
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const run = (...extra: string[]) => tsplay(['run', join(dir, 'pod-network.yml'), '-i', INV, '--no-lock', ...extra], { timeoutMs: 600_000 });

  it('the roles converge: a second run changes nothing and --check after it predicts nothing', async () => {
    const first = await run();
    expect(first.code, first.stdout + first.stderr).to.equal(0);
    const second = await run();
    expect(second.code, second.stdout + second.stderr).to.equal(0);
    for (const n of ['master1', 'master2', 'master3', 'worker1', 'worker2']) expect(recapOf(second.stdout, n), n).to.include({ changed: 0, failed: 0 });
    const check = await run('--check', '--detailed-exitcode');
    expect(check.code, check.stdout).to.equal(0);
  });

  it("each node's conflist holds only its own slice, and it routes every other slice to its node", async () => {
    const order = ['master1', 'master2', 'master3', 'worker1', 'worker2'];
    const addr: Record<string, string> = { master1: '10.77.0.11', master2: '10.77.0.12', master3: '10.77.0.13', worker1: '10.77.0.21', worker2: '10.77.0.22' };
    for (const n of NODES) {
      const conf = JSON.parse((await labSsh(n.ip, 'cat /etc/cni/net.d/10-tsplay-bridge.conflist')).stdout);
      expect(conf.plugins[0].ipam.ranges).to.deep.equal([[{ subnet: ipv4Subnet(PODS, MASK, order.indexOf(n.name)) }]]);
      const routes = (await labSsh(n.ip, 'ip -4 route show proto 201')).stdout;
      for (const [i, other] of order.entries()) {
        const slice = ipv4Subnet(PODS, MASK, i);
        if (other === n.name) expect(routes).not.to.contain(slice);
        else expect(routes, `${n.name} -> ${other}`).to.match(new RegExp(`^${slice.replace(/\./g, '\\.')} via ${addr[other].replace(/\./g, '\\.')} `, 'm'));
      }
    }
  });

  // The Node objects come from the kubelet role (ha-cluster.yml, which the CI job converges
  // first); the API serving them is the lab's STAND-IN kube-apiserver, keeping them in the lab's
  // real etcd. What is proven: the pod CIDR the API holds for each node is the subnet its bridge
  // network hands out, so a controller-manager (which keeps a podCIDR a Node has) agrees too.
  it("every Node's spec.podCIDR in the API is the subnet of that node's conflist", async () => {
    const listed = await labSsh(MASTER1, 'kubectl --kubeconfig /etc/kubernetes/admin.conf get nodes -o json');
    const nodes = (JSON.parse(listed.stdout) as { items: { metadata: { name: string }; spec: { podCIDR?: string; podCIDRs?: string[] } }[] }).items;
    const order = ['master1', 'master2', 'master3', 'worker1', 'worker2'];
    const addr: Record<string, string> = { master1: '10.77.0.11', master2: '10.77.0.12', master3: '10.77.0.13', worker1: '10.77.0.21', worker2: '10.77.0.22' };
    expect(nodes.map((n) => n.metadata.name)).to.include.members(order);
    for (const name of order) {
      const node = nodes.find((n) => n.metadata.name === name);
      const conf = JSON.parse((await labSsh(addr[name], 'cat /etc/cni/net.d/10-tsplay-bridge.conflist')).stdout);
      const subnet = conf.plugins[0].ipam.ranges[0][0].subnet as string;
      expect(node?.spec.podCIDR, name).to.equal(subnet);
      expect(node?.spec.podCIDRs, name).to.deep.equal([subnet]);
    }
  });

  it('a namespace on each of two nodes, attached through the real bridge/host-local plugins, gets an address of its node', async () => {
    const b64 = (f: string) => readFileSync(join(projectRoot(), 'test/e2e/files', f)).toString('base64');
    for (const [i, n] of NODES.entries()) {
      await labSsh(n.ip, `mkdir -p ${remote} && echo ${b64('cni-exec.py')} | base64 -d > ${remote}/cni-exec.py && echo ${b64('icmp-ping.py')} | base64 -d > ${remote}/icmp-ping.py && ip netns add ${ns}`);
      const out = (await labSsh(n.ip, `python3 ${remote}/cni-exec.py ADD /etc/cni/net.d/10-tsplay-bridge.conflist /var/run/netns/${ns} ${ns}`)).stdout;
      const result = JSON.parse(out) as { ips: { address: string; gateway: string }[] };
      const [address] = result.ips[0].address.split('/');
      const slice = ipv4Subnet(PODS, MASK, 3 + i);
      expect(ipv4CidrContains(slice, address), `${address} in ${slice}`).to.equal(true);
      expect(result.ips[0].gateway).to.equal(slice.replace(/0\/24$/, '1'));
      pod[n.name] = address;
      // the namespace has the address on eth0 and its default route through the node's bridge
      const inside = (await labSsh(n.ip, `ip netns exec ${ns} ip -4 -o addr show dev eth0; ip netns exec ${ns} ip route`)).stdout;
      expect(inside).to.contain(`inet ${result.ips[0].address}`);
      expect(inside).to.contain(`default via ${result.ips[0].gateway}`);
    }
    expect(pod.worker1).not.to.equal(pod.worker2);
  });

  it('the pods ping each other across the nodes, and see each other\'s pod address (no NAT between pods)', async () => {
    const [a, b] = NODES;
    // ICMP echo from a raw socket in the namespace (the hosts need not have iputils-ping)
    expect((await labSsh(a.ip, `ip netns exec ${ns} python3 ${remote}/icmp-ping.py ${pod[b.name]} 3`)).stdout).to.contain('3 received');
    expect((await labSsh(b.ip, `ip netns exec ${ns} python3 ${remote}/icmp-ping.py ${pod[a.name]} 3`)).stdout).to.contain('3 received');
    // a UDP datagram from the pod on worker1 to the pod on worker2: the receiver names its source
    const recv = `import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('0.0.0.0', 9999)); s.settimeout(20); d, peer = s.recvfrom(100); print(peer[0], d.decode())`;
    const send = `import socket, time; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); [s.sendto(b'hello', ('${pod[b.name]}', 9999)) or time.sleep(0.5) for _ in range(10)]`;
    const server = labSsh(b.ip, `ip netns exec ${ns} python3 -c "${recv}"`);
    await new Promise((r) => setTimeout(r, 1000));
    await labSsh(a.ip, `ip netns exec ${ns} python3 -c "${send}"`);
    expect((await server).stdout.trim()).to.equal(`${pod[a.name]} hello`);
  });

  it('DEL through the same plugins releases the addresses', async () => {
    for (const n of NODES) {
      await labSsh(n.ip, `python3 ${remote}/cni-exec.py DEL /etc/cni/net.d/10-tsplay-bridge.conflist /var/run/netns/${ns} ${ns}`);
      const left = (await labSsh(n.ip, `ls /var/lib/cni/networks/tsplay-pods/ 2>/dev/null; ip netns exec ${ns} ip -4 -o addr show`)).stdout;
      expect(left).not.to.contain(pod[n.name]);
    }
  });
});
