// `-i NAME` as the README tells people to type it: inventories/NAME from the current directory or
// from the playbook's project, a ./NAME path winning over both; and the site roles beside that
// inventory (inventories/<site>/site/roles) on the role path without --roles-path, ahead of every
// other role directory. The real CLI, run locally; no host is contacted except localhost.
import { expect } from 'chai';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { projectRoot } from '../../engine/paths.js';
import { tsplay } from './run-tsplay.js';

async function put(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
}

const PROD_HOSTS = /pattern: \['k8s_cluster'\]\n  hosts \(6\):\n    master1\n    master2\n    master3\n    worker1\n    worker2\n    worker3\n/;

describe('e2e: -i NAME finds inventories/NAME, and its site roles are on the role path', function () {
  this.timeout(120_000);
  let work: string;
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'tsplay-invname-'));
  });
  after(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('`run playbooks/ha-cluster.yml -i prod` from the repository root lists the prod hosts', async () => {
    const r = await tsplay(['run', 'playbooks/ha-cluster.yml', '-i', 'prod', '--list-hosts'], { cwd: projectRoot() });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(PROD_HOSTS);
    const inv = await tsplay(['inventory', '-i', 'prod', '--list'], { cwd: projectRoot() });
    expect(inv.code, inv.stderr).to.equal(0);
    expect(JSON.parse(inv.stdout).kube_node.hosts).to.deep.equal(['worker1', 'worker2', 'worker3']);
  });

  it('from another directory, -i prod is found in the playbook\'s project (the parent of playbooks/)', async () => {
    const r = await tsplay(['run', join(projectRoot(), 'playbooks', 'ha-cluster.yml'), '-i', 'prod', '--list-hosts'], { cwd: work });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(PROD_HOSTS);
  });

  it('the prod site role (inventories/prod/site/roles/containerd) is used without --roles-path, once even when also given', async () => {
    const hook = /containerd : site registry certificate directory\tTAGS: \[\]\n    containerd : containerd and runc installed/g;
    const r = await tsplay(['run', 'playbooks/ha-cluster.yml', '-i', 'prod', '--list-tasks'], { cwd: projectRoot() });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout.match(hook)).to.have.length(1);
    const twice = await tsplay(['run', 'playbooks/ha-cluster.yml', '-i', 'prod', '--roles-path', 'inventories/prod/site/roles', '--list-tasks'], { cwd: projectRoot() });
    expect(twice.code, twice.stderr).to.equal(0);
    expect(twice.stdout.match(hook)).to.have.length(1);
  });

  it('a ./NAME file wins over inventories/NAME; an unknown NAME names every place looked; a ./NAME that fails says so (exit 4)', async () => {
    const proj = join(work, 'shadow');
    await put(join(proj, 'prod'), '[web]\nhere-file ansible_connection=local\n');
    await put(join(proj, 'inventories', 'prod', 'hosts.yml'), 'all:\n  hosts:\n    in-inventories:\n');
    await put(join(proj, 'playbooks', 'ping.yml'), '- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: { msg: hi }\n');
    const inv = await tsplay(['inventory', '-i', 'prod', '--graph'], { cwd: proj });
    expect(inv.code, inv.stderr).to.equal(0);
    expect(inv.stdout).to.include('here-file').and.not.include('in-inventories');
    const run = await tsplay(['run', 'playbooks/ping.yml', '-i', 'prod', '--list-hosts'], { cwd: proj });
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/hosts \(1\):\n    here-file\n/);
    // a ./NAME that is not an inventory (the repository's own lab/ is code): the error says which was read
    await put(join(proj, 'lab', 'tool'), '#!/bin/sh\nexec base64 -d\n');
    await put(join(proj, 'inventories', 'lab', 'hosts.yml'), 'all:\n  hosts:\n    lab-host:\n');
    const lab = await tsplay(['inventory', '-i', 'lab', '--list'], { cwd: proj });
    expect(lab.code).to.equal(4);
    expect(lab.stderr).to.include('(-i lab read ./lab; for inventories/lab write -i inventories/lab)');
    const missing = await tsplay(['run', join(proj, 'playbooks', 'ping.yml'), '-i', 'nosuch', '--list-hosts'], { cwd: work });
    expect(missing.code).to.equal(4);
    expect(missing.stderr).to.include(`inventory source not found: nosuch (looked for nosuch, inventories/nosuch, ${join(proj, 'inventories', 'nosuch')})`);
  });

  it('a site role extends the playbook\'s role and a site role with tasks/main.yml replaces a --roles-path role (local run)', async () => {
    const proj = join(work, 'proj');
    const out = join(work, 'out');
    await put(join(proj, 'playbooks', 'site.yml'), '- hosts: web\n  gather_facts: false\n  roles: [greet, audit]\n');
    // the playbook's own role, beside it (what a site gets with the playbook)
    await put(join(proj, 'playbooks', 'roles', 'greet', 'tasks', 'main.yml'), '- name: greeting\n  template: { src: greet.hbs, dest: "{{ out }}/greet", mode: "0644" }\n');
    await put(join(proj, 'playbooks', 'roles', 'greet', 'templates', 'greet.hbs'), 'shipped greeting\n');
    // a role library given by --roles-path
    await put(join(proj, 'library', 'audit', 'tasks', 'main.yml'), '- name: library audit\n  copy: { content: "library\\n", dest: "{{ out }}/audit", mode: "0644" }\n');
    // the site: inventory, and roles beside it
    await put(join(proj, 'inventories', 'site1', 'hosts.yml'), `all:\n  vars: { out: ${JSON.stringify(out)} }\n  children:\n    web:\n      hosts:\n        web1: { ansible_connection: local }\n`);
    await put(join(proj, 'inventories', 'site1', 'site', 'roles', 'greet', 'tasks', 'pre.yml'), '- name: site pre hook\n  file: { path: "{{ out }}", state: directory, mode: "0755" }\n');
    await put(join(proj, 'inventories', 'site1', 'site', 'roles', 'greet', 'templates', 'greet.hbs'), 'site greeting for {{ inventory_hostname }}\n');
    await put(join(proj, 'inventories', 'site1', 'site', 'roles', 'audit', 'tasks', 'main.yml'), '- name: site audit\n  copy: { content: "site\\n", dest: "{{ out }}/audit", mode: "0644" }\n');
    const args = ['run', 'playbooks/site.yml', '-i', 'site1', '--roles-path', 'library'];
    const tasks = await tsplay([...args, '--list-tasks'], { cwd: proj });
    expect(tasks.code, tasks.stderr).to.equal(0);
    expect(tasks.stdout).to.match(/greet : site pre hook\tTAGS: \[\]\n    greet : greeting\tTAGS: \[\]\n    audit : site audit\tTAGS: \[\]\n/);
    const r = await tsplay(args, { cwd: proj, env: { CI: 'true' } });
    expect(r.code, r.stderr + r.stdout).to.equal(0);
    expect(await readFile(join(out, 'greet'), 'utf8')).to.equal('site greeting for web1\n');
    expect(await readFile(join(out, 'audit'), 'utf8')).to.equal('site\n');
    const again = await tsplay(args, { cwd: proj, env: { CI: 'true' } });
    expect(again.code, again.stderr).to.equal(0);
    expect(again.stdout).to.match(/^web1\s+: ok=3 changed=0 /m);
  });
});
