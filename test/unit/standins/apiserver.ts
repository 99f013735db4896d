// The lab's STAND-IN kube-apiserver (lab/standins, not Kubernetes) on the controller, for the
// stand-in API tests: a private PKI made by tsplay's own PKI modules, a real etcd (Debian's
// etcd-server) with client-certificate auth on loopback, and the stand-in started with the flags
// the kube_control_plane role gives it. kubectl is Debian's (kubernetes-client 1.20), as the roles
// install it on the masters. Both are unpacked by scripts/debian-tools.sh.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { projectRoot } from '../../../engine/paths.js';
import { request } from 'node:https';
import { promisify } from 'node:util';
import { makeContext, runModule, tempDir } from '../pki/context.js';
import { x509CaModule } from '../../../engine/modules/builtin/x509_ca.js';
import { x509CertModule } from '../../../engine/modules/builtin/x509_cert.js';
import { x509KeyModule } from '../../../engine/modules/builtin/x509_key.js';
import { kubeconfigModule } from '../../../engine/modules/builtin/kubeconfig.js';

const TOOLS = '/var/cache/tsplay/debian-tools';
export const KUBECTL = `${TOOLS}/kubernetes-client/usr/bin/kubectl`;
export const ETCD = `${TOOLS}/etcd-server/usr/bin/etcd`;
export const STANDINS = join(projectRoot(), 'lab', 'standins');
export const toolsMissing = (): string | null =>
  [KUBECTL, ETCD].filter((p) => !existsSync(p)).map((p) => `${p} missing (scripts/debian-tools.sh unpacks it)`)[0] ?? null;

const run = promisify(execFile);

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (a && typeof a === 'object' ? res(a.port) : rej(new Error('no port'))));
    });
  });
}

async function ok<T extends { result?: { failed?: boolean; msg?: string } }>(p: Promise<T>): Promise<T> {
  const r = await p;
  if (r.result?.failed) throw new Error(r.result.msg);
  return r;
}

/** The users the tests act as: their kubeconfigs (CN = user, O = groups). */
export const USERS = {
  superAdmin: { cn: 'kubernetes-super-admin', o: ['system:masters'] },
  admin: { cn: 'kubernetes-admin', o: ['kubeadm:cluster-admins'] },
  nobody: { cn: 'someone', o: ['developers'] },
  kubeProxy: { cn: 'system:kube-proxy', o: [] },
} as const;
export type UserName = keyof typeof USERS;

export interface Lab {
  dir: string;
  pki: string;
  kubeconfig(user: UserName, port?: number): string;
  /** a further stand-in apiserver on the same etcd (HA: several apiservers, one store), with more
   * flags and the release its launcher would name (KUBE_STANDIN_RELEASE) */
  startApiserver(opts?: ApiserverOptions): Promise<number>;
  /** the stand-in apiserver process serving on `port` */
  apiserverProcess(port: number): ChildProcess;
  apiserverPort: number;
  etcdGet(key: string): Promise<unknown | null>;
  stop(): Promise<void>;
  logs(): string;
}

export interface ApiserverOptions { flags?: string[]; release?: string }

export async function startLab(): Promise<Lab> {
  const tmp = tempDir();
  const dir = tmp.dir;
  const pki = join(dir, 'pki');
  mkdirSync(join(pki, 'etcd'), { recursive: true });
  const p = (n: string) => join(pki, n);
  const ctx = makeContext();
  for (const [name, cn] of [['ca', 'kubernetes'], ['etcd/ca', 'etcd-ca'], ['front-proxy-ca', 'front-proxy-ca']])
    await ok(runModule(x509CaModule, { cert_path: p(`${name}.crt`), key_path: p(`${name}.key`), common_name: cn }, ctx));
  const cert = (name: string, ca: string, cn: string, o: readonly string[], eku: ('clientAuth' | 'serverAuth')[], ips: string[] = []) =>
    ok(runModule(x509CertModule, {
      cert_path: p(`${name}.crt`), key_path: p(`${name}.key`), ca_cert_path: p(`${ca}.crt`), ca_key_path: p(`${ca}.key`),
      common_name: cn, organization: [...o], extended_key_usage: eku, ip_addresses: ips, dns_names: ips.length ? ['localhost'] : [],
    }, ctx));
  await cert('apiserver', 'ca', 'kube-apiserver', [], ['serverAuth'], ['127.0.0.1']);
  await cert('apiserver-kubelet-client', 'ca', 'kube-apiserver-kubelet-client', [], ['clientAuth']);
  await cert('apiserver-etcd-client', 'etcd/ca', 'kube-apiserver-etcd-client', [], ['clientAuth']);
  await cert('front-proxy-client', 'front-proxy-ca', 'front-proxy-client', [], ['clientAuth']);
  await cert('etcd/server', 'etcd/ca', 'etcd', [], ['serverAuth', 'clientAuth'], ['127.0.0.1']);
  for (const [name, u] of Object.entries(USERS)) await cert(name, 'ca', u.cn, u.o, ['clientAuth']);
  await ok(runModule(x509KeyModule, { path: p('sa.key'), public_path: p('sa.pub'), type: 'RSA', size: 2048 }, ctx));
  writeFileSync(join(dir, 'encryption-config.yaml'), 'apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n  - resources: [secrets]\n    providers:\n      - identity: {}\n');

  const children: ChildProcess[] = [];
  const output: string[] = [];
  const spawnLogged = (cmd: string, args: string[], env: Record<string, string> = {}) => {
    const c = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    c.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
    c.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
    children.push(c);
    return c;
  };

  const [client, peer] = [await freePort(), await freePort()];
  spawnLogged(ETCD, [
    '--name', 'test', '--data-dir', join(dir, 'etcd'),
    '--listen-client-urls', `https://127.0.0.1:${client}`, '--advertise-client-urls', `https://127.0.0.1:${client}`,
    '--listen-peer-urls', `http://127.0.0.1:${peer}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${peer}`,
    '--initial-cluster', `test=http://127.0.0.1:${peer}`,
    '--cert-file', p('etcd/server.crt'), '--key-file', p('etcd/server.key'),
    '--client-cert-auth', '--trusted-ca-file', p('etcd/ca.crt'),
  ]);

  const etcdTls = { ca: readFileSync(p('etcd/ca.crt')), cert: readFileSync(p('apiserver-etcd-client.crt')), key: readFileSync(p('apiserver-etcd-client.key')) };
  const etcdGet = (key: string) =>
    new Promise<unknown | null>((res, rej) => {
      const body = JSON.stringify({ key: Buffer.from(key).toString('base64') });
      const req = request({ host: '127.0.0.1', port: client, path: '/v3/kv/range', method: 'POST', ...etcdTls }, (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => {
          const kvs = (JSON.parse(Buffer.concat(chunks).toString()) as { kvs?: { value: string }[] }).kvs;
          res(kvs?.length ? JSON.parse(Buffer.from(kvs[0].value, 'base64').toString()) : null);
        });
      });
      req.on('error', rej);
      req.end(body);
    });

  const healthy = async (port: number) => {
    for (let i = 0; i < 150; i++) {
      const r = await run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '--cacert', p('ca.crt'), `https://127.0.0.1:${port}/healthz`]).catch(() => null);
      if (r?.stdout === '200') return;
      if (children.some((c) => c.exitCode !== null)) break;
      await new Promise((r2) => setTimeout(r2, 200));
    }
    throw new Error(`the stand-in apiserver on ${port} did not become healthy:\n${output.join('')}`);
  };

  const apiservers = new Map<number, ChildProcess>();
  const startApiserver = async (opts: ApiserverOptions = {}) => {
    const port = await freePort();
    apiservers.set(port, spawnLogged('python3', [join(STANDINS, 'kube-apiserver'),
      '--advertise-address=127.0.0.1', `--secure-port=${port}`, '--authorization-mode=Node,RBAC',
      `--client-ca-file=${p('ca.crt')}`, `--tls-cert-file=${p('apiserver.crt')}`, `--tls-private-key-file=${p('apiserver.key')}`,
      `--kubelet-client-certificate=${p('apiserver-kubelet-client.crt')}`, `--kubelet-client-key=${p('apiserver-kubelet-client.key')}`,
      `--etcd-servers=https://127.0.0.1:${client}`, `--etcd-cafile=${p('etcd/ca.crt')}`,
      `--etcd-certfile=${p('apiserver-etcd-client.crt')}`, `--etcd-keyfile=${p('apiserver-etcd-client.key')}`,
      `--requestheader-client-ca-file=${p('front-proxy-ca.crt')}`, `--proxy-client-cert-file=${p('front-proxy-client.crt')}`,
      `--proxy-client-key-file=${p('front-proxy-client.key')}`,
      `--service-account-key-file=${p('sa.pub')}`, `--service-account-signing-key-file=${p('sa.key')}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      '--service-cluster-ip-range=10.233.0.0/18', `--encryption-provider-config=${join(dir, 'encryption-config.yaml')}`,
      ...(opts.flags ?? []),
    ], opts.release ? { KUBE_STANDIN_RELEASE: opts.release } : {}));
    await healthy(port);
    return port;
  };
  // a kubeconfig per user and apiserver, made by the kubeconfig module
  const kubeconfigs = async (port: number) => {
    for (const user of Object.keys(USERS) as UserName[])
      await ok(runModule(kubeconfigModule, {
        path: join(dir, `${user}-${port}.conf`), server: `https://127.0.0.1:${port}`,
        ca_cert_path: p('ca.crt'), client_cert_path: p(`${user}.crt`), client_key_path: p(`${user}.key`), user: USERS[user].cn,
      }, ctx));
    return port;
  };
  const apiserverPort = await kubeconfigs(await startApiserver());

  return {
    dir, pki, apiserverPort, etcdGet,
    kubeconfig: (user, port = apiserverPort) => join(dir, `${user}-${port}.conf`),
    startApiserver: async (opts) => kubeconfigs(await startApiserver(opts)),
    apiserverProcess: (port) => {
      const c = apiservers.get(port);
      if (!c) throw new Error(`no stand-in apiserver on ${port}`);
      return c;
    },
    logs: () => output.join(''),
    stop: async () => {
      await Promise.all(children.map((c) => new Promise<void>((res) => {
        if (c.exitCode !== null || c.signalCode !== null) return res();
        c.once('exit', () => res());
        c.kill('SIGTERM');
      })));
      tmp.remove();
    },
  };
}

/** Debian's kubectl as `user`, with a private discovery cache; never throws: exit code and output. */
export async function kubectl(lab: Lab, user: UserName, args: string[], opts: { port?: number; stdin?: string } = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((res) => {
    const c = spawn(KUBECTL, ['--kubeconfig', lab.kubeconfig(user, opts.port), '--cache-dir', join(lab.dir, 'kube-cache'), ...args],
      { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, HOME: lab.dir } });
    let stdout = '', stderr = '';
    c.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    c.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    c.on('close', (code) => res({ code: code ?? -1, stdout, stderr }));
    c.stdin.end(opts.stdin ?? '');
  });
}
