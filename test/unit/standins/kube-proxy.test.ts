// The lab's STAND-IN kube-proxy (lab/standins, not Kubernetes) with the configuration the
// kube_proxy role writes: it refuses a field the real KubeProxyConfiguration does not have, and
// it is healthy only while the apiserver lets its certificate list Services (the bootstrap
// binding system:node-proxier for user system:kube-proxy), as the real one needs.
import { expect } from 'chai';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, startLab, STANDINS, toolsMissing, type Lab, type UserName } from './apiserver.js';
import { hostVars, render } from '../k8s/generated.js';

describe('lab stand-in kube-proxy with the kube_proxy role\'s configuration', function () {
  this.timeout(180000);
  let lab: Lab;
  const procs: ChildProcess[] = [];

  before(async function () {
    if (toolsMissing()) this.skip();
    lab = await startLab();
  });
  after(async () => {
    for (const p of procs) p.kill('SIGTERM');
    await lab?.stop();
  });

  /** the role's config for worker2, its kubeconfig the given user's; the healthz port */
  async function config(user: UserName, extra = '') {
    const dir = join(lab.dir, `proxy-${user}`);
    spawnSync('mkdir', ['-p', dir]);
    copyFileSync(lab.kubeconfig(user), join(dir, 'kube-proxy.conf'));
    const port = await freePort();
    const text = render('kube_proxy', 'config.yaml', hostVars('kube_proxy', 'worker2', { kube_config_dir: dir, kube_proxy_healthz_port: port })) + extra;
    writeFileSync(join(dir, 'config.yaml'), text);
    return { path: join(dir, 'config.yaml'), port };
  }

  async function health(port: number): Promise<{ code: string; body: string }> {
    const r = spawnSync('curl', ['-s', '-w', '\n%{http_code}', `http://127.0.0.1:${port}/healthz`], { encoding: 'utf8' });
    const lines = r.stdout.trimEnd().split('\n');
    return { code: lines.pop() ?? '', body: lines.join('\n') };
  }

  async function waitHealth(port: number, want: string) {
    let last = { code: '', body: '' };
    for (let i = 0; i < 100; i++) {
      last = await health(port);
      if (last.code === want) return last;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`healthz on ${port}: wanted ${want}, last ${JSON.stringify(last)}\n${lab.logs()}`);
  }

  it('with the system:kube-proxy certificate: healthy once it lists Services through the apiserver', async () => {
    const { path, port } = await config('kubeProxy');
    procs.push(spawn(join(STANDINS, 'kube-proxy'), [`--config=${path}`, '--v=2'], { stdio: 'ignore' }));
    await waitHealth(port, '200');
  });

  it('with a certificate RBAC gives no access to Services: unhealthy, saying the apiserver forbids it', async () => {
    const { path, port } = await config('nobody');
    procs.push(spawn(join(STANDINS, 'kube-proxy'), [`--config=${path}`], { stdio: 'ignore' }));
    const r = await waitHealth(port, '500');
    expect(r.body).to.include('HTTP 403');
  });

  it('refuses a field KubeProxyConfiguration does not have, as the real strict decoding does', async () => {
    const { path } = await config('kubeProxy', 'clusterCidr: 10.0.0.0/8\n');
    const r = spawnSync(join(STANDINS, 'kube-proxy'), [`--config=${path}`], { encoding: 'utf8', timeout: 60000 });
    expect(r.status).to.equal(1);
    expect(r.stderr).to.include('strict decoding error: unknown field \\"clusterCidr\\"');
  });
});
