// What playbooks/upgrade-cluster.yml needs from the lab's STAND-IN kube-apiserver (not
// Kubernetes): Debian's kubectl 1.20 can cordon, drain and uncordon a Node through it (recorded in
// the real etcd), /version reports the release the stand-in was installed as, and
// --shutdown-delay-duration behaves as the real apiserver's: on SIGTERM /readyz fails at once
// while requests are still served until the delay ends, then it exits 0. Skips when the Debian
// tools are not unpacked (scripts/debian-tools.sh).
import { expect } from 'chai';
import { execFile, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { kubectl, startLab, toolsMissing, STANDINS, type Lab } from './apiserver.js';

const run = promisify(execFile);

interface StoredNode { spec?: { unschedulable?: boolean }; metadata: { managedFields?: { manager: string; operation: string }[] } }

describe('lab stand-in kube-apiserver for upgrades: drain, /version, shutdown delay', function () {
  this.timeout(180000);
  let lab: Lab;
  const get = async (port: number, path: string) => {
    const r = await run('curl', ['-s', '-w', '\n%{http_code}', '--cacert', join(lab.pki, 'ca.crt'), `https://127.0.0.1:${port}${path}`]).catch((e: { stdout?: string }) => ({ stdout: e.stdout ?? '\n000' }));
    const lines = r.stdout.split('\n');
    return { code: Number(lines.pop()), body: lines.join('\n') };
  };

  before(async function () {
    if (toolsMissing()) this.skip();
    lab = await startLab();
  });
  after(async () => {
    await lab?.stop();
  });

  it('kubectl drain cordons a Node (spec.unschedulable in etcd, an Update by kubectl), finds no pods on it, and uncordon clears it', async () => {
    const node = join(lab.dir, 'node.json');
    writeFileSync(node, JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'master1', labels: { 'kubernetes.io/hostname': 'master1' } } }));
    const applied = await kubectl(lab, 'superAdmin', ['apply', '--server-side', '--field-manager=tsplay', '-f', node]);
    expect(applied.code, applied.stderr).to.equal(0);

    const drained = await kubectl(lab, 'superAdmin', ['drain', 'master1', '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=60s']);
    expect(drained.code, drained.stderr + lab.logs()).to.equal(0);
    expect(drained.stdout).to.include('node/master1 cordoned');
    expect(drained.stdout).to.include('node/master1 drained');
    const cordoned = (await lab.etcdGet('/registry/nodes/master1')) as StoredNode;
    expect(cordoned.spec?.unschedulable).to.equal(true);
    expect(cordoned.metadata.managedFields?.map((m) => `${m.manager}/${m.operation}`)).to.have.members(['tsplay/Apply', 'kubectl/Update']);

    const shown = await kubectl(lab, 'superAdmin', ['get', 'node', 'master1', '-o', 'jsonpath={.spec.unschedulable}']);
    expect(shown.stdout).to.equal('true');
    const again = await kubectl(lab, 'superAdmin', ['cordon', 'master1']);
    expect(again.stdout.trim()).to.equal('node/master1 already cordoned');

    const uncordoned = await kubectl(lab, 'superAdmin', ['uncordon', 'master1']);
    expect(uncordoned.code, uncordoned.stderr).to.equal(0);
    expect(uncordoned.stdout.trim()).to.equal('node/master1 uncordoned');
    const after = (await lab.etcdGet('/registry/nodes/master1')) as StoredNode;
    expect(after.spec?.unschedulable).to.equal(undefined);
    expect(after.metadata.managedFields?.map((m) => m.manager)).to.deep.equal(['tsplay']);
    // the server-side apply that made the Node is still converged: the drain took none of its fields
    const reapplied = await kubectl(lab, 'superAdmin', ['diff', '--server-side', '--field-manager=tsplay', '-f', node]);
    expect(reapplied.code, reapplied.stdout + reapplied.stderr).to.equal(0);
  });

  it('a drain of a Node that does not exist fails and writes nothing', async () => {
    const r = await kubectl(lab, 'superAdmin', ['drain', 'nosuchnode', '--ignore-daemonsets']);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.include('nodes "nosuchnode" not found');
    expect(await lab.etcdGet('/registry/nodes/nosuchnode')).to.equal(null);
  });

  it('/version and --version report the release the launcher names', async () => {
    const port = await lab.startApiserver({ release: 'v1.33.9' });
    const v = await get(port, '/version');
    expect(v.code).to.equal(200);
    expect(JSON.parse(v.body)).to.include({ major: '1', minor: '33', gitVersion: 'v1.33.9' });
    const k = await kubectl(lab, 'superAdmin', ['version', '-o', 'json'], { port });
    expect((JSON.parse(k.stdout) as { serverVersion: { gitVersion: string } }).serverVersion.gitVersion).to.equal('v1.33.9');
    for (const component of ['kube-apiserver', 'kubelet', 'kube-proxy']) {
      const r = spawnSync(join(STANDINS, component), ['--version'], { encoding: 'utf8', env: { ...process.env, KUBE_STANDIN_RELEASE: 'v1.33.9' } });
      expect(r.stdout, component).to.equal('Kubernetes v1.33.9\n');
    }
  });

  it('--shutdown-delay-duration: on SIGTERM /readyz fails at once, /healthz and the API are still served, then it exits 0', async () => {
    const port = await lab.startApiserver({ flags: ['--shutdown-delay-duration=4s'] });
    expect((await get(port, '/readyz')).code).to.equal(200);
    const proc = lab.apiserverProcess(port);
    const exited = new Promise<number | null>((res) => proc.once('exit', (code) => res(code)));
    proc.kill('SIGTERM');
    let readyz = { code: 0, body: '' };
    for (let i = 0; i < 50 && readyz.code !== 500; i++) readyz = await get(port, '/readyz');
    expect(readyz.code).to.equal(500);
    expect(readyz.body).to.include('[-]shutdown failed');
    expect((await get(port, '/healthz')).code).to.equal(200);
    const ns = await kubectl(lab, 'superAdmin', ['get', 'namespace', 'kube-system', '-o', 'name'], { port });
    expect(ns.stdout.trim(), ns.stderr).to.equal('namespace/kube-system');
    expect(proc.exitCode).to.equal(null);
    expect(await exited).to.equal(0);
    expect((await get(port, '/healthz')).code).to.equal(0);
  });
});
