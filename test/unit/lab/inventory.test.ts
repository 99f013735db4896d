import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import { LAB_HOSTS, LAB_VIP } from '../../../engine/lab/hosts.js';
import { LAB_KEY_FILE, LAB_KNOWN_HOSTS_FILE } from '../../../engine/lab/paths.js';

// The test runs from .build/NAME/test/unit/lab or dist/test/unit/lab: find the repo root by
// walking up to the directory holding inventories/.
async function repoFile(rel: string): Promise<string> {
  let dir = new URL('.', import.meta.url);
  for (let i = 0; i < 8; i++) {
    try {
      return await readFile(fileURLToPath(new URL(rel, dir)), 'utf8');
    } catch {
      dir = new URL('..', dir);
    }
  }
  throw new Error(`cannot find ${rel}`);
}

type Group = { hosts?: Record<string, unknown>; children?: Record<string, unknown>; vars?: Record<string, unknown> };

describe('inventories/lab', () => {
  it('lists the lab hosts with the addresses the lab gives them', async () => {
    const inv = yaml.load(await repoFile('inventories/lab/hosts.yml')) as { all: Group & { children: Record<string, Group> } };
    const hosts = inv.all.hosts as Record<string, { ansible_host: string }>;
    expect(Object.keys(hosts)).to.deep.equal(LAB_HOSTS.map((h) => h.name));
    for (const h of LAB_HOSTS) expect(hosts[h.name].ansible_host).to.equal(h.ip);
    expect(inv.all.vars).to.include({ ansible_user: 'root', ansible_ssh_private_key_file: LAB_KEY_FILE });
    const c = inv.all.children;
    expect(Object.keys(c.kube_control_plane.hosts!)).to.deep.equal(['master1', 'master2', 'master3']);
    expect(Object.keys(c.etcd.hosts!)).to.deep.equal(['master1', 'master2', 'master3']);
    expect(Object.keys(c.kube_node.hosts!)).to.deep.equal(['worker1', 'worker2']);
    expect(Object.keys(c.k8s_cluster.children!)).to.deep.equal(['kube_control_plane', 'kube_node']);
    expect(Object.keys(c.lab_spare.hosts!)).to.deep.equal(['worker3']);
  });
  it('pins host keys and names the VIP in group_vars/all.yml', async () => {
    const vars = yaml.load(await repoFile('inventories/lab/group_vars/all.yml')) as Record<string, unknown>;
    expect(vars.ansible_ssh_known_hosts_file).to.equal(LAB_KNOWN_HOSTS_FILE);
    expect(vars.ansible_ssh_common_args).to.include(`UserKnownHostsFile=${LAB_KNOWN_HOSTS_FILE}`);
    expect(vars.loadbalancer_apiserver).to.deep.equal({ address: LAB_VIP, port: 8443 });
  });
});
