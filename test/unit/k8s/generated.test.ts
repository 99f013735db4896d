// Every Kubernetes manifest and component configuration the roles generate, rendered for the
// lab's hosts as the template module renders it, is valid against the official schemas: API
// objects against the upstream OpenAPI (kubernetes-models), component configurations against
// the official Go types of v1.33.8 (schemas/kubernetes: an unknown field is an error, as the
// real binaries' strict decoding makes it).
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { apiObjectErrors, apiObjectsUnknownFields, componentConfigErrors, documents, hostVars, render } from './generated.js';
import { projectRoot } from '../../../engine/paths.js';
import { Templater } from '../../../engine/template/templater.js';
import { makeContext, runModule } from '../pki/context.js';
import { x509CaModule } from '../../../engine/modules/builtin/x509_ca.js';
import { x509CertModule } from '../../../engine/modules/builtin/x509_cert.js';
import { kubeconfigModule } from '../../../engine/modules/builtin/kubeconfig.js';

describe('generated Kubernetes files against the official schemas', function () {
  this.timeout(60000);

  describe('API objects (cluster_addons) against the upstream OpenAPI', () => {
    const vars = hostVars('cluster_addons');
    const manifests = Object.fromEntries(['rbac', 'coredns', 'network-policy'].map((n) => [n, documents(render('cluster_addons', `${n}.yaml`, vars))]));

    it('every object of every manifest is valid', async () => {
      for (const [name, docs] of Object.entries(manifests)) {
        expect(docs.length, name).to.be.greaterThan(0);
        for (const d of docs) expect(await apiObjectErrors(d), `${name}: ${String(d.kind)} ${JSON.stringify(d.metadata)}`).to.deep.equal([]);
      }
    });

    it('no object has a field its upstream type does not have', async () => {
      expect(await apiObjectsUnknownFields(Object.values(manifests).flat())).to.deep.equal([]);
    });

    it('holds the bindings kubeadm makes, CoreDNS at the DNS address and a default-deny policy', () => {
      const names = (docs: Record<string, unknown>[]) => docs.map((d) => `${String(d.kind)}/${String((d.metadata as { name: string }).name)}`);
      expect(names(manifests.rbac)).to.deep.equal([
        'ClusterRoleBinding/kubeadm:cluster-admins', 'ClusterRoleBinding/kubeadm:apiserver-kubelet-client', 'ClusterRoleBinding/kubeadm:node-autoapprove-certificate-rotation',
      ]);
      expect(manifests.rbac[0]).to.deep.include({ roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' } });
      expect(names(manifests.coredns)).to.deep.equal([
        'ServiceAccount/coredns', 'ClusterRole/system:coredns', 'ClusterRoleBinding/system:coredns', 'ConfigMap/coredns', 'Deployment/coredns', 'Service/kube-dns',
      ]);
      const svc = manifests.coredns[5] as { spec: { clusterIP: string } };
      expect(svc.spec.clusterIP).to.equal(hostVars('kubelet').kube_dns_ip);
      expect(names(manifests['network-policy'])).to.deep.equal(['NetworkPolicy/default-deny-ingress']);
      expect(documents(render('cluster_addons', 'network-policy.yaml', { ...vars, cluster_addons_default_deny_namespaces: ['a', 'b'] })).map((d) => (d.metadata as { namespace: string }).namespace)).to.deep.equal(['a', 'b']);
    });

    it('the check itself catches a wrong object (so a pass means something)', async () => {
      const dep = structuredClone(manifests.coredns[4]) as { spec: Record<string, unknown> };
      dep.spec.replicas = 'two';
      expect((await apiObjectErrors(dep as unknown as Record<string, unknown>)).join()).to.match(/replicas/);
      expect(await apiObjectErrors({ apiVersion: 'v1', kind: 'NoSuchKind', metadata: { name: 'x' } })).to.have.length(1);
      const typo = structuredClone(manifests.coredns[4]) as { spec: { template: { spec: { containers: Record<string, unknown>[] } } } };
      typo.spec.template.spec.containers[0].imagePullPolicyy = 'Always';
      const unknown = await apiObjectsUnknownFields([manifests.rbac[0], typo as unknown as Record<string, unknown>]);
      expect(unknown).to.have.length(1);
      expect(unknown[0]).to.match(/^Deployment\/coredns: .*"imagePullPolicyy"' does not exist in type 'IContainer'/);
    });
  });

  describe('Node objects (kubelet) against the upstream OpenAPI', () => {
    const hosts = ['master1', 'master2', 'master3', 'worker1', 'worker2'];
    const nodes = Object.fromEntries(hosts.map((h) => [h, documents(render('kubelet', 'node.yaml', hostVars('kubelet', h)))]));

    it('each node\'s Node is one valid object, with no field its upstream type does not have', async () => {
      for (const h of hosts) {
        expect(nodes[h], h).to.have.length(1);
        expect(await apiObjectErrors(nodes[h][0]), h).to.deep.equal([]);
      }
      expect(await apiObjectsUnknownFields(hosts.map((h) => nodes[h][0]))).to.deep.equal([]);
    });

    it('its spec.podCIDR is the subnet of the node\'s bridge conflist (cni), a different slice per node; masters carry the kubelet\'s taints', () => {
      const seen = new Set<string>();
      for (const h of hosts) {
        const node = nodes[h][0] as { metadata: { name: string }; spec: { podCIDR: string; podCIDRs: string[]; taints?: unknown[] } };
        const conf = JSON.parse(render('cni', '10-bridge.conflist', hostVars('cni', h))) as { plugins: { ipam?: { ranges: { subnet: string }[][] } }[] };
        expect(node.metadata.name).to.equal(h);
        expect(node.spec.podCIDR, h).to.equal(conf.plugins[0].ipam?.ranges[0][0].subnet);
        expect(node.spec.podCIDRs).to.deep.equal([node.spec.podCIDR]);
        seen.add(node.spec.podCIDR);
        if (h.startsWith('master')) expect(node.spec.taints, h).to.deep.equal([{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }]);
        else expect(node.spec.taints, h).to.equal(undefined);
      }
      expect([...seen]).to.deep.equal(['10.233.64.0/24', '10.233.65.0/24', '10.233.66.0/24', '10.233.67.0/24', '10.233.68.0/24']);
      const valued = documents(render('kubelet', 'node.yaml', hostVars('kubelet', 'master1', { kubelet_control_plane_taints: ['dedicated=infra:NoExecute'] })))[0] as { spec: { taints: unknown[] } };
      expect(valued.spec.taints).to.deep.equal([{ key: 'dedicated', value: 'infra', effect: 'NoExecute' }]);
    });
  });

  describe('component configurations against the official Go types (unknown field = error)', () => {
    it('KubeProxyConfiguration (kube_proxy): valid, clusterCIDR is the pod subnet, its kubeconfig the pki role\'s', () => {
      for (const host of ['master1', 'worker2']) {
        const vars = hostVars('kube_proxy', host);
        const cfg = load(render('kube_proxy', 'config.yaml', vars)) as Record<string, unknown>;
        expect(componentConfigErrors('KubeProxyConfiguration', cfg), host).to.deep.equal([]);
        expect(cfg.clusterCIDR).to.equal(vars.kube_pods_subnet).and.to.equal(hostVars('kube_control_plane').kube_pods_subnet);
        expect(cfg.clientConnection).to.deep.equal({ kubeconfig: '/etc/kubernetes/kube-proxy.conf' });
        expect(cfg.hostnameOverride).to.equal(host);
      }
    });

    it('KubeletConfiguration (kubelet) is valid', () => {
      for (const host of ['master1', 'worker2'])
        expect(componentConfigErrors('KubeletConfiguration', load(render('kubelet', 'config.yaml', hostVars('kubelet', host)))), host).to.deep.equal([]);
    });

    it('the audit Policy (kube_control_plane) is valid', () => {
      expect(componentConfigErrors('Policy', load(render('kube_control_plane', 'audit-policy.yaml', hostVars('kube_control_plane'))))).to.deep.equal([]);
    });

    it('the EncryptionConfiguration the pki role writes is valid', () => {
      const dir = mkdtempSync(join(tmpdir(), 'tsplay-enc-'));
      try {
        // the role's own script, rendered for a private pki_dir and run
        const tasks = load(readFileSync(join(projectRoot(), 'roles/pki/tasks/generate.yml'), 'utf8')) as { block?: { name: string; shell?: string }[] }[];
        const task = tasks.find((t) => t.block)!.block!.find((t) => t.name.startsWith('encryption-at-rest config'));
        const script = new Templater().renderText(String(task?.shell), { pki_dir: dir });
        execFileSync('sh', ['-c', script]);
        expect(componentConfigErrors('EncryptionConfiguration', load(readFileSync(join(dir, 'encryption-config.yaml'), 'utf8')))).to.deep.equal([]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('kubeconfigs made by the kubeconfig module are valid v1 Configs', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'tsplay-kc-'));
      try {
        const p = (n: string) => join(dir, n);
        const ctx = makeContext();
        await runModule(x509CaModule, { cert_path: p('ca.crt'), key_path: p('ca.key'), common_name: 'kubernetes' }, ctx);
        await runModule(x509CertModule, { cert_path: p('kp.crt'), key_path: p('kp.key'), ca_cert_path: p('ca.crt'), ca_key_path: p('ca.key'), common_name: 'system:kube-proxy', extended_key_usage: ['clientAuth'] }, ctx);
        await runModule(kubeconfigModule, { path: p('kube-proxy.conf'), server: 'https://10.77.0.100:8443', ca_cert_path: p('ca.crt'), client_cert_path: p('kp.crt'), client_key_path: p('kp.key'), user: 'system:kube-proxy' }, ctx);
        expect(componentConfigErrors('Config', load(readFileSync(p('kube-proxy.conf'), 'utf8')))).to.deep.equal([]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('the check itself refuses an unknown or misspelled field and a wrong type', () => {
      const cfg = load(render('kube_proxy', 'config.yaml', hostVars('kube_proxy'))) as Record<string, unknown>;
      expect(componentConfigErrors('KubeProxyConfiguration', { ...cfg, clusterCidr: '10.0.0.0/8' })).to.deep.equal(['/ must NOT have additional properties: clusterCidr']);
      expect(componentConfigErrors('KubeProxyConfiguration', { ...cfg, clientConnection: { kubeConfig: 'x' } })).to.deep.equal(['/clientConnection must NOT have additional properties: kubeConfig']);
      expect(componentConfigErrors('KubeletConfiguration', { apiVersion: 'kubelet.config.k8s.io/v1beta1', kind: 'KubeletConfiguration', failSwapOn: 'yes' })).to.deep.equal(['/failSwapOn must be boolean']);
    });

    it('each schema names its upstream source', () => {
      for (const kind of ['KubeProxyConfiguration', 'KubeletConfiguration', 'Policy', 'EncryptionConfiguration', 'Config']) {
        const s = JSON.parse(readFileSync(join(projectRoot(), 'schemas/kubernetes', `${kind}.schema.json`), 'utf8')) as { $comment: string };
        expect(s.$comment, kind).to.match(/generated from kubernetes\/[a-z-]+ \S+\.go at v0\.33\.8 \([0-9a-f]{40}\)/);
      }
    });
  });
});
