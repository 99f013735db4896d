// The lab's STAND-IN kube-apiserver (lab/standins/kube-standin-api.py, not Kubernetes) answers
// what Debian's kubectl 1.20 asks for `apply --server-side`, `diff --server-side`, `get` and
// `delete`, keeps the objects in a real etcd, authenticates clients by certificate and authorizes
// them by the RBAC objects it stores. Skips when the Debian tools are not unpacked.
import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { kubectl, startLab, toolsMissing, type Lab } from './apiserver.js';
import { hostVars, render } from '../k8s/generated.js';

const run = promisify(execFile);

const binding = (name: string, group: string, role = 'cluster-admin') => `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: ${name}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: ${role}
subjects:
  - apiGroup: rbac.authorization.k8s.io
    kind: Group
    name: ${group}
`;
const configMap = (data: Record<string, string>, labels: Record<string, string> = {}) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'demo', namespace: 'kube-system', labels }, data });

describe('lab stand-in kube-apiserver API with Debian kubectl and a real etcd', function () {
  this.timeout(180000);
  let lab: Lab;
  let files: string;
  const file = (name: string, text: string) => {
    const p = join(files, name);
    writeFileSync(p, text);
    return p;
  };

  before(async function () {
    const missing = toolsMissing();
    if (missing) this.skip();
    lab = await startLab();
    files = mkdtempSync(join(tmpdir(), 'tsplay-standin-manifests-'));
  });
  after(async () => {
    await lab?.stop();
  });

  it('system:masters may do anything; kubeadm:cluster-admins is forbidden until its group is bound, then allowed; others stay forbidden', async () => {
    const su = await kubectl(lab, 'superAdmin', ['get', 'clusterrolebindings']);
    expect(su.code, su.stderr).to.equal(0);
    expect(su.stdout).to.match(/^cluster-admin\s/m);
    expect(su.stdout).to.match(/^system:discovery\s/m);

    const before = await kubectl(lab, 'admin', ['get', 'clusterrolebindings']);
    expect(before.code).to.equal(1);
    expect(before.stderr).to.include('clusterrolebindings.rbac.authorization.k8s.io is forbidden: User "kubernetes-admin" cannot list resource "clusterrolebindings" in API group "rbac.authorization.k8s.io" at the cluster scope');

    const applied = await kubectl(lab, 'superAdmin', ['apply', '--server-side', '--field-manager=tsplay', '-f', file('crb.yaml', binding('kubeadm:cluster-admins', 'kubeadm:cluster-admins'))]);
    expect(applied.code, applied.stderr).to.equal(0);
    expect(applied.stdout.trim()).to.equal('clusterrolebinding.rbac.authorization.k8s.io/kubeadm:cluster-admins serverside-applied');

    const after = await kubectl(lab, 'admin', ['get', 'clusterrolebindings']);
    expect(after.code, after.stderr).to.equal(0);
    expect(after.stdout).to.match(/^kubeadm:cluster-admins\s/m);

    const other = await kubectl(lab, 'nobody', ['get', 'configmaps', '-n', 'kube-system']);
    expect(other.code).to.equal(1);
    expect(other.stderr).to.include('configmaps is forbidden: User "someone" cannot list resource "configmaps" in API group "" in the namespace "kube-system"');
  });

  it('stores what it applies in etcd; a second apply writes nothing; diff --server-side tells changed from converged', async () => {
    const cm = file('cm.json', configMap({ a: '1', b: '2' }, { app: 'demo' }));
    const first = await kubectl(lab, 'superAdmin', ['apply', '--server-side', '--field-manager=tsplay', '-f', cm]);
    expect(first.code, first.stderr).to.equal(0);
    const stored = (await lab.etcdGet('/registry/configmaps/kube-system/demo')) as { data: Record<string, string>; metadata: { managedFields: { manager: string }[] } };
    expect(stored.data).to.deep.equal({ a: '1', b: '2' });
    expect(stored.metadata.managedFields.map((m) => m.manager)).to.deep.equal(['tsplay']);

    const rv = async () => JSON.parse((await kubectl(lab, 'superAdmin', ['get', 'configmap', 'demo', '-n', 'kube-system', '-o', 'json'])).stdout).metadata.resourceVersion as string;
    const rv1 = await rv();
    const converged = await kubectl(lab, 'superAdmin', ['diff', '--server-side', '--field-manager=tsplay', '-f', cm]);
    expect(converged.code, converged.stdout + converged.stderr).to.equal(0);
    expect((await kubectl(lab, 'superAdmin', ['apply', '--server-side', '--field-manager=tsplay', '-f', cm])).code).to.equal(0);
    expect(await rv()).to.equal(rv1);

    // a key dropped from the manifest is removed from the object; diff predicts it
    const cm2 = file('cm2.json', configMap({ a: '1' }, { app: 'demo' }));
    const pending = await kubectl(lab, 'superAdmin', ['diff', '--server-side', '--field-manager=tsplay', '-f', cm2]);
    expect(pending.code, pending.stderr).to.equal(1);
    expect(pending.stdout).to.match(/^-\s+b: "2"$/m);
    expect((await kubectl(lab, 'superAdmin', ['apply', '--server-side', '--field-manager=tsplay', '-f', cm2])).code).to.equal(0);
    expect(((await lab.etcdGet('/registry/configmaps/kube-system/demo')) as { data: object }).data).to.deep.equal({ a: '1' });
    expect(await rv()).to.not.equal(rv1);
  });

  it('a second field manager changing a field tsplay owns is a conflict unless forced', async () => {
    const mine = file('cm3.json', configMap({ a: 'other' }, { app: 'demo' }));
    const refused = await kubectl(lab, 'superAdmin', ['apply', '--server-side', '--field-manager=someone-else', '-f', mine]);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.include('conflict with "tsplay"');
    const forced = await kubectl(lab, 'superAdmin', ['apply', '--server-side', '--field-manager=someone-else', '--force-conflicts', '-f', mine]);
    expect(forced.code, forced.stderr).to.equal(0);
    const obj = (await lab.etcdGet('/registry/configmaps/kube-system/demo')) as { data: object; metadata: { managedFields: { manager: string }[] } };
    expect(obj.data).to.deep.equal({ a: 'other' });
  });

  it("the kubelet role's Node manifest: applied with its pod CIDR, read back as the role reads it, and the pod CIDR cannot change", async () => {
    const podCidr = async () => kubectl(lab, 'superAdmin', ['get', 'node', 'master2', '--ignore-not-found', '-o', 'jsonpath={.spec.podCIDR}']);
    // the role's first question, before the Node exists: empty, not an error
    const absent = await podCidr();
    expect(absent.code, absent.stderr).to.equal(0);
    expect(absent.stdout).to.equal('');

    const vars = hostVars('kubelet', 'master2');
    const manifest = file('node.yaml', render('kubelet', 'node.yaml', vars));
    const applied = await kubectl(lab, 'superAdmin', ['apply', '--server-side', '--field-manager=tsplay', '-f', manifest]);
    expect(applied.code, applied.stderr).to.equal(0);
    expect(applied.stdout.trim()).to.equal('node/master2 serverside-applied');
    const present = await podCidr();
    expect(present.stdout).to.equal('10.233.65.0/24').and.to.equal(vars.kube_node_pod_cidr);
    const stored = (await lab.etcdGet('/registry/nodes/master2')) as { spec: { podCIDRs: string[]; taints: object[] } };
    expect(stored.spec.podCIDRs).to.deep.equal(['10.233.65.0/24']);
    expect(stored.spec.taints).to.deep.equal([{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }]);
    expect((await kubectl(lab, 'superAdmin', ['diff', '--server-side', '--field-manager=tsplay', '-f', manifest])).code).to.equal(0);

    // as the real apiserver: a Node's pod CIDR does not change once set, whoever forces it
    const moved = file('node-moved.yaml', render('kubelet', 'node.yaml', { ...vars, kube_node_pod_cidr: '10.233.70.0/24' }));
    const refused = await kubectl(lab, 'superAdmin', ['apply', '--server-side', '--force-conflicts', '--field-manager=tsplay', '-f', moved]);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.include('Node "master2" is invalid: spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid');
    expect((await podCidr()).stdout).to.equal('10.233.65.0/24');
    const bad = file('node-bad.json', JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'w9' }, spec: { podCIDR: '10.233.1.0/24', podCIDRs: ['10.233.1.0/33'] } }));
    const invalid = await kubectl(lab, 'superAdmin', ['apply', '--server-side', '--field-manager=tsplay', '-f', bad]);
    expect(invalid.code).to.equal(1);
    expect(invalid.stderr).to.include('spec.podCIDRs[0]: Invalid value: "10.233.1.0/33"');
  });

  it('a second stand-in apiserver on the same etcd serves the same objects (HA)', async () => {
    const port = await lab.startApiserver();
    const r = await kubectl(lab, 'admin', ['get', 'clusterrolebinding', 'kubeadm:cluster-admins', '-o', 'name'], { port });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout.trim()).to.equal('clusterrolebinding.rbac.authorization.k8s.io/kubeadm:cluster-admins');
  });

  it('a client without a certificate is anonymous: health answers, discovery is forbidden', async () => {
    const url = (path: string) => `https://127.0.0.1:${lab.apiserverPort}${path}`;
    const code = async (path: string) =>
      (await run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '--cacert', join(lab.pki, 'ca.crt'), url(path)])).stdout;
    expect(await code('/healthz')).to.equal('200');
    expect(await code('/apis')).to.equal('403');
    expect(await code('/api/v1/namespaces/kube-system/configmaps')).to.equal('403');
  });
});
