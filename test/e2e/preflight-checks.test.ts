// ha-cluster.yml's first play (roles/preflight/tasks/checks.yml) on the lab: a site setting that
// would fail later stops the run before any host is changed, naming the variable and the
// inventory line that set it. Each case is a copy of the lab inventory with one bad setting; the
// run is a real one (not --check): every host ends with changed=0 and no later play starts.
// Runs playbooks/ha-cluster.yml: under the EXCLUSIVE lab lock.
import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../engine/paths.js';
import { tsplay, recapOf } from './run-tsplay.js';
import { LAB, labSsh } from './lab-ssh.js';

const HOSTS = ['master1', 'master2', 'master3', 'worker1', 'worker2'];

interface Case {
  name: string;
  /** the bad setting, in the copy's group_vars/k8s_cluster.yml */
  setting?: string;
  /** hosts.yml with this change */
  hosts?: (text: string) => string;
  /** what the failure says ($INV: the inventory copy) */
  says: string[];
}

describe('e2e: preflight checks stop ha-cluster.yml before any host is changed', function () {
  this.timeout(600_000);
  let dir = '';
  const lab = join(projectRoot(), 'inventories', 'lab');
  const groupVars = readFileSync(join(lab, 'group_vars', 'all.yml'), 'utf8').replace('{{ inventory_dir }}/../../lab/standins/', `${join(projectRoot(), 'lab', 'standins')}/`);
  // the bad setting: line 2 of group_vars/k8s_cluster.yml (which wins over all.yml)
  const line = 2;

  before(async function () {
    if (!existsSync(`${LAB}/id_ed25519`) || !existsSync(`${LAB}/known_hosts`)) {
      console.log('      (skipped: the lab is not up)');
      return this.skip();
    }
    try {
      await labSsh('10.77.0.11', 'true', 15_000);
    } catch (e) {
      console.log(`      (skipped: the lab is not reachable: ${(e as Error).message.split('\n')[0]})`);
      return this.skip();
    }
    dir = await mkdtemp(join(tmpdir(), 'tsplay-preflight-'));
    await mkdir(join(dir, 'empty-artifacts'));
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const cases: Case[] = [
    {
      name: 'no sha256 for binaries to download',
      setting: 'kube_artifacts_dir: ""',
      says: ['kube_binary_checksums has no sha256 for kube-apiserver kube-controller-manager kube-scheduler kube-proxy of v1.33.8/amd64', `kube_artifacts_dir: $INV/group_vars/k8s_cluster.yml:${line}:1`, 'kube_binary_checksums: ', 'roles/cluster_defaults/defaults/main.yml:'],
    },
    {
      name: 'an artifacts directory without the binaries',
      setting: 'kube_artifacts_dir: $DIR/empty-artifacts',
      says: ['kube_artifacts_dir $DIR/empty-artifacts has no kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy', `kube_artifacts_dir: $INV/group_vars/k8s_cluster.yml:${line}:1`],
    },
    {
      name: 'an even etcd count',
      hosts: (t) => t.replace(/(etcd:\n\s+hosts:\n\s+master1:\n\s+master2:\n)\s+master3:\n/, '$1'),
      says: ['the etcd group ($INV/hosts.yml) has 2 members (master1, master2): etcd needs an odd number, 3 or 5'],
    },
    {
      name: "a VIP outside the masters' network",
      setting: 'loadbalancer_apiserver: { address: 192.0.2.100, port: 8443 }',
      says: ["loadbalancer_apiserver.address 192.0.2.100 is outside master1's network 10.77.0.0/24", `loadbalancer_apiserver: $INV/group_vars/k8s_cluster.yml:${line}:1`],
    },
    {
      name: 'overlapping pod and service networks',
      setting: 'kube_pods_subnet: 10.233.0.0/17',
      says: ['kube_pods_subnet 10.233.0.0/17 and kube_service_addresses 10.233.0.0/18 overlap', `kube_pods_subnet: $INV/group_vars/k8s_cluster.yml:${line}:1`, 'kube_service_addresses: ', 'roles/cluster_defaults/defaults/main.yml:'],
    },
    {
      name: "a service network overlapping the nodes' network",
      setting: 'kube_service_addresses: 10.77.0.0/16',
      says: ["network 10.77.0.0/24 overlaps kube_pods_subnet 10.233.64.0/18 or kube_service_addresses 10.77.0.0/16", `kube_service_addresses: $INV/group_vars/k8s_cluster.yml:${line}:1`],
    },
  ];

  for (const c of cases) {
    it(`${c.name}: the run stops in its first play, naming the variable and its line; no host changed`, async () => {
      const inv = join(dir, c.name.replace(/\W+/g, '-'));
      await mkdir(join(inv, 'group_vars'), { recursive: true });
      const sub = (s: string) => s.replaceAll('$DIR', dir).replaceAll('$INV', inv);
      const hostsText = readFileSync(join(lab, 'hosts.yml'), 'utf8');
      const hosts = c.hosts ? c.hosts(hostsText) : hostsText;
      if (c.hosts) expect(hosts, 'the case changed hosts.yml').not.to.equal(hostsText);
      await writeFile(join(inv, 'hosts.yml'), hosts);
      await writeFile(join(inv, 'group_vars', 'all.yml'), groupVars);
      if (c.setting) await writeFile(join(inv, 'group_vars', 'k8s_cluster.yml'), `# the site's setting\n${sub(c.setting)}\n`);
      const r = await tsplay(['run', join(projectRoot(), 'playbooks', 'ha-cluster.yml'), '-i', inv, '--no-lock']);
      const out = r.stdout + r.stderr;
      if (process.env.TSPLAY_TEST_SHOW) console.log(out);
      expect(r.code, out).to.equal(2);
      for (const s of c.says) expect(out).to.contain(sub(s));
      // one failure stops every host (any_errors_fatal): no task of a later play ran, nothing changed
      const first = out.indexOf('PLAY [preflight checks]');
      const later = out.indexOf('PLAY [', first + 1);
      expect(first, out).to.be.at.least(0);
      if (later >= 0) expect(out.slice(later), 'tasks after the preflight checks').not.to.match(/^(TASK|ok|changed|fatal):? ?\[/m);
      for (const h of HOSTS) expect(recapOf(r.stdout, h), h).to.include({ changed: 0 });
    });
  }
});
