// After playbooks/ha-cluster.yml on the lab (issue 16, points 3 and 5): administrators and
// components have their RBAC, kube-proxy runs on every node and CoreDNS is stored, through the
// API path `kubectl apply --server-side` takes from the first master. The kube-apiserver and
// kube-proxy here are the lab's STAND-INS (lab/standins, not Kubernetes): the apiserver keeps the
// objects in the lab's real etcd and authorizes by the RBAC objects it stores; kubectl is Debian's
// kubernetes-client, installed by the kube_control_plane role. Read-only: run it under the SHARED
// lab lock, on a converged lab (ha-cluster.yml first).
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { load } from 'js-yaml';
import { LAB, labSsh } from './lab-ssh.js';
import { apiObjectErrors, apiObjectsUnknownFields, componentConfigErrors, documents } from '../unit/k8s/generated.js';

const MASTERS: Record<string, string> = { master1: '10.77.0.11', master2: '10.77.0.12', master3: '10.77.0.13' };
const NODES: Record<string, string> = { ...MASTERS, worker1: '10.77.0.21', worker2: '10.77.0.22' };
const M1 = MASTERS.master1;
const kubectl = (kubeconfig: string, args: string) => labSsh(M1, `kubectl --kubeconfig /etc/kubernetes/${kubeconfig} ${args}`);
/** exit code and output of a command that may fail */
const attempt = (ip: string, cmd: string) =>
  labSsh(ip, cmd).then((r) => ({ code: 0, out: r.stdout, err: r.stderr }), (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? -1, out: e.stdout ?? '', err: e.stderr ?? '' }));

describe('e2e: cluster RBAC, kube-proxy and add-ons through the (stand-in) API', function () {
  this.timeout(300_000);

  before(async function () {
    if (!existsSync(`${LAB}/id_ed25519`) || !existsSync(`${LAB}/known_hosts`)) {
      console.log('      (skipped: the lab is not up)');
      return this.skip();
    }
    try {
      await labSsh(M1, 'test -s /etc/kubernetes/admin.conf', 15_000);
    } catch (e) {
      console.log(`      (skipped: master1 is not reachable or ha-cluster.yml has not converged it: ${(e as Error).message.split('\n')[0]})`);
      return this.skip();
    }
  });

  it('admin.conf (kubeadm:cluster-admins) lists the ClusterRoleBindings, kubeadm:cluster-admins among them', async () => {
    const r = await kubectl('admin.conf', 'get clusterrolebindings');
    expect(r.stdout).to.match(/^NAME\s/);
    for (const name of ['kubeadm:cluster-admins', 'kubeadm:apiserver-kubelet-client', 'kubeadm:node-autoapprove-certificate-rotation', 'cluster-admin', 'system:node-proxier', 'system:coredns'])
      expect(r.stdout, name).to.match(new RegExp(`^${name}\\s`, 'm'));
    const crb = JSON.parse((await kubectl('admin.conf', 'get clusterrolebinding kubeadm:cluster-admins -o json')).stdout) as { roleRef: { name: string }; subjects: { kind: string; name: string }[] };
    expect(crb.roleRef.name).to.equal('cluster-admin');
    expect(crb.subjects).to.deep.equal([{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'kubeadm:cluster-admins' }]);
  });

  it('a certificate without a binding to it (kube-proxy\'s) is forbidden to list them', async () => {
    const r = await attempt(M1, 'kubectl --kubeconfig /etc/kubernetes/kube-proxy.conf get clusterrolebindings');
    expect(r.code).to.equal(1);
    expect(r.err).to.include('User "system:kube-proxy" cannot list resource "clusterrolebindings"');
  });

  it('super-admin.conf (system:masters) is on the first master only', async () => {
    expect((await kubectl('super-admin.conf', 'get namespaces -o name')).stdout).to.include('namespace/kube-system');
    for (const ip of [MASTERS.master2, MASTERS.master3])
      expect((await attempt(ip, 'test -e /etc/kubernetes/super-admin.conf')).code, ip).to.equal(1);
  });

  it('kube-proxy is active and healthy on every node, with the KubeProxyConfiguration the role wrote', async () => {
    for (const [host, ip] of Object.entries(NODES)) {
      expect((await labSsh(ip, 'systemctl is-active kube-proxy')).stdout.trim(), host).to.equal('active');
      expect((await labSsh(ip, 'curl -fsS http://127.0.0.1:10256/healthz')).stdout, host).to.equal('ok');
      const cfg = load((await labSsh(ip, 'cat /var/lib/kube-proxy/config.yaml')).stdout) as Record<string, unknown>;
      expect(componentConfigErrors('KubeProxyConfiguration', cfg), host).to.deep.equal([]);
      expect(cfg.clusterCIDR, host).to.equal('10.233.64.0/18');
    }
  });

  it('CoreDNS, the kube-dns Service and the default-deny policy are stored in etcd, as applied by tsplay', async () => {
    const get = async (what: string) => JSON.parse((await kubectl('admin.conf', `get ${what} -o json`)).stdout) as { metadata: { managedFields: { manager: string; operation: string }[] }; spec: Record<string, unknown> };
    const dep = await get('deployment coredns -n kube-system');
    expect(dep.metadata.managedFields.map((m) => `${m.manager}/${m.operation}`)).to.deep.equal(['tsplay/Apply']);
    expect((await get('service kube-dns -n kube-system')).spec.clusterIP).to.equal('10.233.0.3');
    expect((await get('networkpolicy default-deny-ingress -n default')).spec).to.deep.equal({ podSelector: {}, policyTypes: ['Ingress'] });
    // the same object read from etcd itself, with the apiserver's etcd client certificate
    const etcd = await labSsh(M1, 'ETCDCTL_API=3 etcdctl --endpoints=https://10.77.0.11:2379 --cacert=/etc/kubernetes/pki/etcd/ca.crt '
      + '--cert=/etc/kubernetes/pki/apiserver-etcd-client.crt --key=/etc/kubernetes/pki/apiserver-etcd-client.key get --print-value-only /registry/deployments/kube-system/coredns');
    expect((JSON.parse(etcd.stdout) as { spec: { template: { spec: { containers: { image: string }[] } } } }).spec.template.spec.containers[0].image).to.match(/^registry\.k8s\.io\/coredns\/coredns:/);
  });

  it('the files the roles wrote on the hosts are valid against the official schemas', async () => {
    const objects: Record<string, unknown>[] = [];
    for (const name of ['rbac', 'coredns', 'network-policy'])
      for (const d of documents((await labSsh(M1, `cat /etc/kubernetes/addons/${name}.yaml`)).stdout)) {
        expect(await apiObjectErrors(d), `${name}: ${String(d.kind)}`).to.deep.equal([]);
        objects.push(d);
      }
    expect(objects).to.have.length(10);
    expect(await apiObjectsUnknownFields(objects)).to.deep.equal([]);
    const file = async (ip: string, path: string) => load((await labSsh(ip, `cat ${path}`)).stdout);
    expect(componentConfigErrors('KubeletConfiguration', await file(NODES.worker2, '/var/lib/kubelet/config.yaml'))).to.deep.equal([]);
    expect(componentConfigErrors('Policy', await file(M1, '/etc/kubernetes/audit-policy.yaml'))).to.deep.equal([]);
    expect(componentConfigErrors('EncryptionConfiguration', await file(M1, '/etc/kubernetes/encryption-config.yaml'))).to.deep.equal([]);
    for (const kc of ['admin.conf', 'super-admin.conf', 'kube-proxy.conf', 'kubelet.conf', 'controller-manager.conf', 'scheduler.conf'])
      expect(componentConfigErrors('Config', await file(M1, `/etc/kubernetes/${kc}`)), kc).to.deep.equal([]);
  });
});
