// Certificate renewal on the lab (playbooks/renew-certs.yml, verify.yml's expiry report): two
// leaf certificates on the controller are re-signed with the same key for 3 days, which the
// hosts take (their holders restart); verify.yml then fails naming them; renew-certs.yml
// re-issues exactly those two and restarts exactly their holders (compared by each unit's
// InvocationID before and after), one host at a time with health gates, as --check predicted;
// the cluster is healthy, a second run changes nothing, verify.yml passes.
// The lab's Kubernetes binaries are stand-ins (lab/standins): they load the certificates they
// are given at start and refuse what does not verify; etcd and haproxy are Debian's.
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { access, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { projectRoot } from '../../engine/paths.js';
import { issueLeaf } from '../../engine/pki/issue.js';
import { inspectPrivateKey } from '../../engine/pki/private-key.js';
import { Secret } from '../../engine/pki/secret.js';
import { certFacts, loadCertificate } from '../../engine/pki/cert-facts.js';
import { LAB, labSsh } from './lab-ssh.js';
import { tsplay, failuresOf } from './run-tsplay.js';

const ROOT = projectRoot();
const PKI = join(ROOT, 'inventories', 'lab', '.pki');
const HOSTS: Record<string, string> = { master1: '10.77.0.11', master2: '10.77.0.12', master3: '10.77.0.13', worker1: '10.77.0.21', worker2: '10.77.0.22' };
const MASTER_UNITS = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubelet', 'kube-proxy', 'haproxy', 'keepalived', 'containerd'];
const WORKER_UNITS = ['kubelet', 'kube-proxy', 'containerd'];
const unitsOf = (host: string) => (host.startsWith('master') ? MASTER_UNITS : WORKER_UNITS);
// the two certificates made to expire: every apiserver's etcd client certificate (held by
// kube-apiserver on each master) and master2's etcd peer certificate (held by etcd on master2)
const SHORT = [
  { cert: 'apiserver-etcd-client.crt', key: 'apiserver-etcd-client.key', ca: 'etcd/ca', hostPath: '/etc/kubernetes/pki/apiserver-etcd-client.crt' },
  { cert: 'nodes/master2/etcd-peer.crt', key: 'nodes/master2/etcd-peer.key', ca: 'etcd/ca', hostPath: '/etc/kubernetes/pki/etcd/peer.crt' },
];
const HOLDERS = ['master1 kube-apiserver', 'master2 etcd', 'master2 kube-apiserver', 'master3 kube-apiserver'];

interface JsonRun {
  plays: { tasks: { task: { name: string }; hosts: Record<string, { changed: boolean }> }[] }[];
  stats: Record<string, Record<string, number>>;
}
const changes = (r: JsonRun) =>
  [...new Set(r.plays.flatMap((p) => p.tasks.flatMap((t) => Object.entries(t.hosts).filter(([, v]) => v.changed).map(([h]) => `${t.task.name}/${h}`))))].sort();
const changedTotal = (r: JsonRun) => Object.values(r.stats).reduce((n, s) => n + (s.changed ?? 0), 0);

/** "host unit" → InvocationID of every unit that matters on every host */
async function invocations(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const [host, ip] of Object.entries(HOSTS)) {
    const units = unitsOf(host);
    const { stdout } = await labSsh(ip, `systemctl show --property=InvocationID --value ${units.join(' ')}`);
    const ids = stdout.split('\n').filter((l) => l.trim() !== '');
    expect(ids.length, `${host}: ${stdout}`).to.equal(units.length);
    units.forEach((u, i) => out.set(`${host} ${u}`, ids[i]));
  }
  return out;
}
const restartedBetween = (a: Map<string, string>, b: Map<string, string>) => [...a.keys()].filter((k) => a.get(k) !== b.get(k)).sort();

/** Re-signs a controller certificate with its own key and profile, valid `days` from now. */
async function resign(cert: string, key: string, ca: string, days: number): Promise<void> {
  const facts = certFacts(loadCertificate(await readFile(join(PKI, cert), 'utf8')));
  const keyInfo = inspectPrivateKey(new Secret(await readFile(join(PKI, key), 'utf8')));
  const caKey = new Secret(await readFile(join(PKI, `${ca}.key`), 'utf8'));
  const pem = await issueLeaf(
    keyInfo.publicPem,
    { certPem: await readFile(join(PKI, `${ca}.crt`), 'utf8'), key: { pem: caKey, info: inspectPrivateKey(caKey) } },
    {
      subject: { commonName: facts.commonNames[0], organizations: facts.organizations },
      dnsNames: facts.dnsNames,
      ipAddresses: facts.ipAddresses,
      keyUsage: facts.keyUsage ?? ['digitalSignature', 'keyEncipherment'],
      extendedKeyUsage: facts.extendedKeyUsage as ('serverAuth' | 'clientAuth')[],
      validityDays: days,
    },
    Date.now(),
  );
  await writeFile(join(PKI, cert), pem, { mode: 0o644 });
}

/** relative path → sha256 of every file of the controller's PKI */
async function pkiDigests(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const f of await readdir(PKI, { recursive: true, withFileTypes: true })) {
    if (!f.isFile()) continue;
    const path = join(f.parentPath, f.name);
    out.set(path.slice(PKI.length + 1), createHash('sha256').update(await readFile(path)).digest('hex'));
  }
  return out;
}

/** whole days until a certificate on a host expires (read over ssh, parsed here: hosts need no openssl) */
async function daysLeftOnHost(ip: string, path: string): Promise<number> {
  const { stdout } = await labSsh(ip, `cat ${path}`);
  return Math.floor((certFacts(loadCertificate(stdout)).notAfter - Date.now()) / 86_400_000);
}

async function clusterHealthy(): Promise<void> {
  const etcd = await labSsh(
    HOSTS.master1,
    'etcdctl --endpoints=https://10.77.0.11:2379 --cacert=/etc/kubernetes/pki/etcd/ca.crt --cert=/etc/kubernetes/pki/etcd/healthcheck-client.crt --key=/etc/kubernetes/pki/etcd/healthcheck-client.key endpoint health --cluster 2>&1',
  );
  expect(etcd.stdout.match(/is healthy/g)?.length, etcd.stdout).to.equal(3);
  const vip = await labSsh(HOSTS.master1, 'curl -s -o /dev/null -w "%{http_code}" --cacert /etc/kubernetes/pki/ca.crt https://10.77.0.100:8443/readyz');
  expect(vip.stdout).to.equal('200');
}

describe('e2e: renew-certs.yml renews what is near expiry and restarts exactly its holders; verify.yml reports expiry', function () {
  this.timeout(900_000);
  const play = (name: string, ...extra: string[]) => tsplay(['run', join(ROOT, 'playbooks', name), '-i', join(ROOT, 'inventories', 'lab'), ...extra], { timeoutMs: 600_000 });
  let converged = false;

  before(async function () {
    try {
      await access(`${LAB}/id_ed25519`);
      await labSsh(HOSTS.worker1, 'true', 15_000);
    } catch (e) {
      console.log(`      (skipped: the lab is not up: ${(e as Error).message.split('\n')[0]})`);
      return this.skip();
    }
    // the baseline: nothing holds an old file (a checkout without the site's PKI adopts the
    // cluster's first, read-only on the hosts); on a converged cluster this run changes nothing
    const r = await play('renew-certs.yml', '--json');
    expect(r.code, failuresOf(r.stdout)).to.equal(0);
  });

  // whatever failed, the cluster is left as ha-cluster.yml converges it: anything near expiry renewed
  after(async function () {
    if (converged || !(await access(join(PKI, 'etcd', 'ca.key')).then(() => true, () => false))) return;
    const r = await play('renew-certs.yml', '--json');
    if (r.code !== 0) console.log(`      renew-certs.yml in after: ${failuresOf(r.stdout)}`);
  });

  it('certificates re-signed for 3 days on the controller reach the hosts, and only their holders restart', async () => {
    for (const s of SHORT) await resign(s.cert, s.key, s.ca, 3);
    const before = await invocations();
    // a 1-day renewal window keeps the 3-day certificates: they are only distributed
    const r = await play('renew-certs.yml', '--json', '-e', '{"pki_renew_before_days": 1}');
    expect(r.code, failuresOf(r.stdout)).to.equal(0);
    expect(restartedBetween(before, await invocations()), changes(JSON.parse(r.stdout) as JsonRun).join('\n')).to.deep.equal(HOLDERS);
    expect(await daysLeftOnHost(HOSTS.master2, '/etc/kubernetes/pki/etcd/peer.crt')).to.be.within(2, 3);
  });

  // verify.yml's certificate play alone (--tags certificates): the other plays are ha-cluster.test.ts's
  it('verify.yml (also under --check) fails below pki_expiry_fail_days, naming each certificate, host and subject', async () => {
    const r = await play('verify.yml', '--check', '--tags', 'certificates', '-e', '{"pki_expiry_fail_days": 7}');
    expect(r.code, r.stdout.slice(-3000)).to.equal(2);
    const failed = r.stdout.split('\n').filter((l) => l.startsWith('fatal:'));
    expect(failed.map((l) => /^fatal: \[(\w+)\]/.exec(l)?.[1]).sort(), failed.join('\n')).to.deep.equal(['master1', 'master2', 'master3']);
    expect(failed.find((l) => l.includes('[master2]'))).to.match(/etcd\/peer\.crt \(CN=master2\) expires in 2 days/);
    for (const l of failed) expect(l).to.match(/apiserver-etcd-client\.crt \(CN=kube-apiserver-etcd-client\) expires in 2 days/);
    // the report: days left, file and subject of every certificate on every host
    expect(r.stdout).to.match(/364 days left {2}\/etc\/kubernetes\/kube-proxy\.conf {2}CN=system:kube-proxy/);
    expect(r.stdout).to.include('WARNING renew soon');
  });

  it('renew-certs.yml re-issues exactly those two, restarts exactly their holders as --check predicted, and the cluster is healthy', async () => {
    const check = await play('renew-certs.yml', '--check', '--json');
    expect(check.code, failuresOf(check.stdout)).to.equal(0);
    const predicted = changes(JSON.parse(check.stdout) as JsonRun);
    const before = await invocations();
    const files = await pkiDigests();
    const r = await play('renew-certs.yml', '--json');
    expect(r.code, failuresOf(r.stdout)).to.equal(0);
    // on the controller, exactly those two certificates were re-issued (keys kept)
    expect(restartedBetween(files, await pkiDigests())).to.deep.equal(SHORT.map((s) => s.cert).sort());
    const done = changes(JSON.parse(r.stdout) as JsonRun);
    expect(predicted).to.deep.equal(done);
    // re-issued on the controller: those two only (the tasks that issue every other certificate did not change)
    const issued = done.filter((c) => /^(certificate authorities|shared client certificates|.* certificate of each \w+)\//.test(c)).map((c) => c.split('/')[0]);
    expect([...new Set(issued)].sort(), done.join('\n')).to.deep.equal(['etcd peer certificate of each member', 'shared client certificates']);
    expect(restartedBetween(before, await invocations())).to.deep.equal(HOLDERS);
    for (const s of SHORT) {
      for (const host of s.cert.includes('master2') ? ['master2'] : ['master1', 'master2', 'master3']) {
        expect(await daysLeftOnHost(HOSTS[host], s.hostPath), `${host} ${s.hostPath}`).to.be.above(300);
      }
    }
    await clusterHealthy();
  });

  it('-e pki_force_renew=scheduler re-issues the scheduler certificate now and restarts only the schedulers; an unknown name stops before any change', async () => {
    const bad = await play('renew-certs.yml', '--json', '-e', 'pki_force_renew=schedular');
    expect(bad.code).to.equal(2);
    expect(failuresOf(bad.stdout)).to.include("unknown certificate name in 'schedular'");
    expect(changedTotal(JSON.parse(bad.stdout) as JsonRun)).to.equal(0);
    const before = await invocations();
    const files = await pkiDigests();
    const r = await play('renew-certs.yml', '--json', '-e', 'pki_force_renew=scheduler');
    expect(r.code, failuresOf(r.stdout)).to.equal(0);
    expect(restartedBetween(files, await pkiDigests())).to.deep.equal(['nodes/master1/scheduler.conf', 'nodes/master2/scheduler.conf', 'nodes/master3/scheduler.conf', 'scheduler.crt']);
    expect(restartedBetween(before, await invocations())).to.deep.equal(['master1 kube-scheduler', 'master2 kube-scheduler', 'master3 kube-scheduler']);
  });

  it('a second run changes nothing and verify.yml passes', async () => {
    const r = await play('renew-certs.yml', '--json');
    expect(r.code, failuresOf(r.stdout)).to.equal(0);
    expect(changedTotal(JSON.parse(r.stdout) as JsonRun), JSON.stringify(changes(JSON.parse(r.stdout) as JsonRun))).to.equal(0);
    const v = await play('verify.yml', '--tags', 'certificates', '-e', '{"pki_expiry_fail_days": 7}');
    expect(v.code, v.stdout.slice(-3000)).to.equal(0);
    converged = true;
  });
});
