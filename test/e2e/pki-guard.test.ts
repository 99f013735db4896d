// Issue 16 on the lab: the cluster's PKI is never replaced by accident. After the cluster is
// converged (ha-cluster.test runs first), ha-cluster.yml runs from a second checkout that has no
// inventories/lab/.pki (a colleague's clone, a lost laptop, CI): the PKI is adopted from the
// hosts, every file on every host keeps its bytes, etcd keeps its three members, the next run
// changes nothing. From a checkout holding another CA the run stops before any change. The site's
// PKI is backed up and restored with the README's commands; replace-pki.yml replaces the PKI only
// with the fingerprint of the CA it replaces, makes a new one, and puts the backup back the same
// way, so the lab ends as it began.
import { expect } from 'chai';
import { access, cp, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { projectRoot } from '../../engine/paths.js';
import { tsplay, recapOf, CLI, runJsonOk } from './run-tsplay.js';
import { labSsh, LAB } from './lab-ssh.js';

const run = promisify(execFile);
const ROOT = projectRoot();
const INV = join(ROOT, 'inventories', 'lab');
const MASTERS: Record<string, string> = { master1: '10.77.0.11', master2: '10.77.0.12', master3: '10.77.0.13' };
const WORKERS: Record<string, string> = { worker1: '10.77.0.21', worker2: '10.77.0.22' };
const ALL = { ...MASTERS, ...WORKERS };
const TLS = '--cacert=/etc/kubernetes/pki/etcd/ca.crt --cert=/etc/kubernetes/pki/etcd/healthcheck-client.crt --key=/etc/kubernetes/pki/etcd/healthcheck-client.key';
const ADOPT = "the cluster's PKI adopted onto the controller";

interface JsonRun {
  plays: { tasks: { task: { name: string }; hosts: Record<string, { changed: boolean }> }[] }[];
}
const changes = (r: JsonRun) =>
  r.plays.flatMap((p) => p.tasks.flatMap((t) => Object.entries(t.hosts).filter(([, v]) => v.changed).map(([h]) => `${t.task.name}/${h}`))).sort();
const playbook = (name: string, inv: string, ...extra: string[]) => ['run', join(ROOT, 'playbooks', name), '-i', inv, ...extra];
const runJson = async (args: string[]): Promise<JsonRun> => (await runJsonOk<JsonRun>(args)).json;

/** sha256 of every file tsplay puts under /etc/kubernetes and of keepalived.conf, per host */
async function hostSums(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [h, ip] of Object.entries(ALL)) out[h] = (await labSsh(ip, 'find /etc/kubernetes /etc/keepalived -type f | sort | xargs sha256sum')).stdout;
  return out;
}

/** members answering `endpoint health` over mTLS, asked on master1 */
async function healthyMembers(): Promise<number> {
  const endpoints = Object.values(MASTERS).map((ip) => `https://${ip}:2379`).join(',');
  const r = await labSsh(MASTERS.master1, `etcdctl --endpoints=${endpoints} ${TLS} --dial-timeout=2s --command-timeout=4s endpoint health 2>&1 || true`);
  return (r.stdout.match(/ is healthy/g) ?? []).length;
}

async function tree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      const mode = ((await stat(p)).mode & 0o777).toString(8);
      if (e.isDirectory()) {
        out[`${relative(dir, p)}/`] = mode;
        await walk(p);
      } else out[relative(dir, p)] = `${mode} ${(await readFile(p)).toString('base64')}`;
    }
  };
  await walk(dir);
  return out;
}

const fingerprint = async (crt: string) => (await run('openssl', ['x509', '-noout', '-fingerprint', '-sha256', '-in', crt])).stdout.trim().replace(/^sha256 Fingerprint=/i, '');
const hostFingerprint = async (ip: string, crt = '/etc/kubernetes/pki/ca.crt') => (await labSsh(ip, `openssl x509 -noout -fingerprint -sha256 -in ${crt}`)).stdout.trim().replace(/^sha256 Fingerprint=/i, '');
/** where a former etcd member keeps the etcd CA */
const STRAY = '/etc/kubernetes/pki/etcd/ca.crt';
/** 'file' or 'dir' when this test put the etcd CA on worker2 (and made its directory), '' when worker2 held one already */
let strayEtcdCa = '';
async function plantStrayEtcdCa(): Promise<string> {
  if ((await labSsh(WORKERS.worker2, `test -e ${STRAY} && echo held || true`)).stdout.trim() === 'held') return '';
  const made = (await labSsh(WORKERS.worker2, 'test -d /etc/kubernetes/pki/etcd && echo file || echo dir')).stdout.trim();
  const ca = (await labSsh(MASTERS.master1, `cat ${STRAY}`)).stdout;
  await labSsh(WORKERS.worker2, `mkdir -p /etc/kubernetes/pki/etcd && printf '%s' '${ca}' > ${STRAY}`);
  return made;
}
async function removeStrayEtcdCa(): Promise<void> {
  if (strayEtcdCa) await labSsh(WORKERS.worker2, strayEtcdCa === 'dir' ? 'rm -rf /etc/kubernetes/pki/etcd' : `rm -f ${STRAY}`);
  strayEtcdCa = '';
}

/** the README's backup and restore commands ("What the main job builds", item 3), `tsplay` being this build */
const sh = (script: string, cwd: string) => run('sh', ['-c', `tsplay() { ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} "$@"; }\nset -e\n${script}`], { cwd, timeout: 120_000 });
const backup = (inv: string, file: string, pass: string) =>
  sh(`umask 077\ntar -C ${inv} -czf - .pki | base64 > ${file}\ntsplay vault encrypt --vault-password-file ${pass} ${file}`, ROOT);
const restore = (inv: string, file: string, pass: string) => sh(`umask 077\ntsplay vault view --vault-password-file ${pass} ${file} | base64 -d | tar -C ${inv} -xzpf -`, ROOT);

describe('e2e: the PKI guard on the converged lab (issue 16)', function () {
  this.timeout(1_200_000);
  let tmp: string;
  let before0: Record<string, string>;
  /** the controller's CA when the test began (its .pki is kept in tmp/pki-before.tar) */
  let caBefore = '';
  /** PKIs replace-pki.yml moved aside before this test: not this test's to remove */
  let replacedBefore: string[] = [];
  const replacedDirs = async () => (await readdir(INV).catch(() => [] as string[])).filter((e) => e.startsWith('.pki.replaced-'));

  /** a second checkout: the lab inventory without .pki (and lab/ for the stand-ins it points at) */
  async function checkout(name: string): Promise<string> {
    const co = join(tmp, name);
    await mkdir(join(co, 'inventories', 'lab'), { recursive: true });
    await cp(join(INV, 'hosts.yml'), join(co, 'inventories', 'lab', 'hosts.yml'));
    await cp(join(INV, 'group_vars'), join(co, 'inventories', 'lab', 'group_vars'), { recursive: true });
    await symlink(join(ROOT, 'lab'), join(co, 'lab'));
    return join(co, 'inventories', 'lab');
  }

  before(async function () {
    try {
      await access(`${LAB}/id_ed25519`);
      await labSsh(MASTERS.master1, 'true');
    } catch (e) {
      console.log(`      (skipped: the lab is not up: ${(e as Error).message.split('\n')[0]}; run \`tsplay lab up\`)`);
      return this.skip();
    }
    tmp = await mkdtemp(join(tmpdir(), 'tsplay-pki-guard-'));
    replacedBefore = await replacedDirs();
    await runJson(playbook('ha-cluster.yml', INV)); // converged (a no-op after ha-cluster.test)
    before0 = await hostSums();
    expect(await healthyMembers()).to.equal(3);
    await run('tar', ['-C', INV, '-cpf', join(tmp, 'pki-before.tar'), '.pki']);
    caBefore = await fingerprint(join(INV, '.pki', 'ca.crt')); // only with the copy to restore from
  });
  after(async () => {
    // A replacement that stopped half-way leaves the controller or the hosts on the new PKI, and
    // every later test (and a host outside this run holding the site's PKI, as worker3 after the
    // etcd-join test) stopped at the guard: the PKI this test began with goes back on both.
    if (caBefore) {
      const controller = await fingerprint(join(INV, '.pki', 'ca.crt')).catch(() => '');
      const hosts = await hostFingerprint(MASTERS.master1).catch(() => '');
      if (controller !== caBefore || (hosts && hosts !== caBefore)) {
        console.log(`      (restoring the PKI this test began with: controller ${controller || 'none'}, master1 ${hosts || 'unknown'}, wanted ${caBefore})`);
        await rm(join(INV, '.pki'), { recursive: true, force: true });
        await run('tar', ['-C', INV, '-xpf', join(tmp, 'pki-before.tar')]);
        if (hosts && hosts !== caBefore) {
          const r = await tsplay(playbook('replace-pki.yml', INV, '-e', `pki_replace_confirm=${hosts}`), { timeoutMs: 600_000 });
          if (r.code !== 0) console.log(`      (restoring the PKI failed, exit ${r.code}:\n${r.stdout.slice(-3000)})`);
        }
      }
    }
    await removeStrayEtcdCa().catch(() => undefined);
    if (tmp) await rm(tmp, { recursive: true, force: true });
    for (const e of await replacedDirs()) if (!replacedBefore.includes(e)) await rm(join(INV, e), { recursive: true, force: true });
  });

  it('a checkout without the PKI: --check predicts only the adoption and writes nothing', async () => {
    const inv = await checkout('check');
    const r = await runJson(playbook('ha-cluster.yml', inv, '--check'));
    expect(changes(r)).to.deep.equal(Object.keys(ALL).map((h) => `${ADOPT}/${h}`).sort());
    await access(join(inv, '.pki')).then(
      () => expect.fail('--check created the PKI directory'),
      () => undefined,
    );
  });

  it('... the run adopts the cluster\'s PKI: the same files, 0700/0600, nothing on any host changed, etcd healthy; the next run changes nothing', async () => {
    const inv = await checkout('adopt');
    const r = await runJson(playbook('ha-cluster.yml', inv));
    expect(changes(r)).to.deep.equal(Object.keys(ALL).map((h) => `${ADOPT}/${h}`).sort());
    const ours = await tree(join(inv, '.pki'));
    // the site's PKI may also hold nodes outside this inventory (worker3, from the scale and etcd-join tests)
    const theirs = Object.fromEntries(Object.entries(await tree(join(INV, '.pki'))).filter(([f]) => !/^nodes\//.test(f) || /^nodes\/?$/.test(f) || Object.keys(ALL).includes(f.split('/')[1])));
    // every file of the site's PKI, byte for byte (the original may have modes the adoption tightens)
    expect(Object.keys(ours).sort()).to.deep.equal(Object.keys(theirs).sort());
    for (const [f, v] of Object.entries(ours)) {
      if (f.endsWith('/')) expect(v, f).to.equal('700');
      else expect(v.split(' ')[1], f).to.equal(theirs[f].split(' ')[1]);
      if (/\.(key|conf|yaml)$|keepalived-auth-pass$/.test(f)) expect(v.split(' ')[0], f).to.equal('600');
    }
    expect(await hostSums()).to.deep.equal(before0);
    expect(await healthyMembers()).to.equal(3);
    const again = await tsplay(playbook('ha-cluster.yml', inv), { timeoutMs: 600_000 });
    expect(again.code, again.stdout.slice(-3000)).to.equal(0);
    for (const h of Object.keys(ALL)) expect(recapOf(again.stdout, h)?.changed, h).to.equal(0);
  });

  it('a checkout holding another CA is refused before any change (--check too), naming the hosts and both fingerprints', async () => {
    const inv = await checkout('other');
    await cp(join(INV, '.pki'), join(inv, '.pki'), { recursive: true });
    await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(inv, '.pki', 'ca.key'), '-out', join(inv, '.pki', 'ca.crt'), '-subj', '/CN=kubernetes', '-days', '30']);
    const ours = await fingerprint(join(inv, '.pki', 'ca.crt'));
    const theirs = await fingerprint(join(INV, '.pki', 'ca.crt'));
    for (const extra of [['--check'], []]) {
      const r = await tsplay(playbook('ha-cluster.yml', inv, ...extra), { timeoutMs: 600_000 });
      expect(r.code, r.stdout.slice(-3000)).to.equal(2);
      expect(r.stdout).to.contain('The PKI guard stopped the run before any host was changed');
      expect(r.stdout).to.contain(`controller SHA256 Fingerprint=${ours}`);
      expect(r.stdout).to.contain(`master1, master2, master3, worker1, worker2: SHA256 Fingerprint=${theirs}`);
      expect(r.stdout).to.contain('playbooks/replace-pki.yml');
      for (const h of Object.keys(ALL)) expect(recapOf(r.stdout, h)?.changed, h).to.equal(0);
    }
    expect(await hostSums()).to.deep.equal(before0);
    expect(await healthyMembers()).to.equal(3);
  });

  it('scale.yml from a checkout without the PKI makes no CA for a node: it needs the control plane to adopt from', async () => {
    const inv = await checkout('scale');
    const r = await tsplay(playbook('scale.yml', inv, '--limit', 'worker2'), { timeoutMs: 600_000 });
    expect(r.code, r.stdout.slice(-3000)).to.equal(2);
    expect(r.stdout).to.contain('ca.crt (cluster CA, held by worker2) without its key ca.key');
    expect(recapOf(r.stdout, 'worker2')?.changed).to.equal(0);
    await access(join(inv, '.pki')).then(
      () => expect.fail('the refused run created the PKI directory'),
      () => undefined,
    );
  });

  let vault: string;
  let pass: string;
  it('the README\'s backup (a vault-encrypted tarball) restores the same PKI, which the cluster accepts as its own', async () => {
    pass = join(tmp, 'vault-pass');
    await writeFile(join(tmp, 'vault-pass'), 'correct horse battery staple\n', { mode: 0o600 });
    vault = join(tmp, 'lab-pki.tgz.b64');
    await backup(INV, vault, pass);
    const text = await readFile(vault, 'utf8');
    expect(text.startsWith('$TSPLAY_VAULT;')).to.equal(true);
    expect(text).not.to.contain('PRIVATE KEY');
    const inv = await checkout('restored');
    await restore(inv, vault, pass);
    expect(await tree(join(inv, '.pki'))).to.deep.equal(await tree(join(INV, '.pki')));
    const r = await tsplay(playbook('ha-cluster.yml', inv, '--check', '--detailed-exitcode'), { timeoutMs: 600_000 });
    expect(r.code, r.stdout.slice(-3000)).to.equal(0);
  });

  it('replace-pki.yml: refused without the fingerprint of the CA it replaces; with it a new PKI everywhere (encryption key kept, etcd healthy, every kube-proxy, kubelet and the add-ons on it, the next run changes nothing); the backup goes back the same way', async () => {
    const old = await fingerprint(join(INV, '.pki', 'ca.crt'));
    for (const confirm of [[], ['-e', 'pki_replace_confirm=00:11']]) {
      const r = await tsplay(playbook('replace-pki.yml', INV, '-e', 'pki_replace_new=true', ...confirm), { timeoutMs: 600_000 });
      expect(r.code, r.stdout.slice(-3000)).to.equal(2);
      expect(r.stdout).to.contain(old);
      for (const h of Object.keys(ALL)) expect(recapOf(r.stdout, h)?.changed, h).to.equal(0);
    }
    expect(await hostSums()).to.deep.equal(before0);

    // a worker that was an etcd member once (remove-node.yml) may still hold the etcd CA: the
    // guard compares that copy too, so the replacement must replace it
    strayEtcdCa = await plantStrayEtcdCa();
    await runJson(playbook('replace-pki.yml', INV, '-e', 'pki_replace_new=true', '-e', `pki_replace_confirm=${old}`));
    const fresh = await fingerprint(join(INV, '.pki', 'ca.crt'));
    expect(fresh).to.not.equal(old);
    for (const ip of Object.values(ALL)) expect(await hostFingerprint(ip), ip).to.equal(fresh);
    expect(await hostFingerprint(WORKERS.worker2, STRAY), 'worker2 etcd/ca.crt').to.equal(await fingerprint(join(INV, '.pki', 'etcd', 'ca.crt')));
    expect(await healthyMembers()).to.equal(3);
    const enc = async () => Promise.all(Object.values(MASTERS).map(async (ip) => (await labSsh(ip, 'sha256sum < /etc/kubernetes/encryption-config.yaml')).stdout));
    const encBefore = Object.entries(before0).filter(([h]) => h in MASTERS).map(([, s]) => s.split('\n').find((l) => l.endsWith('/etc/kubernetes/encryption-config.yaml'))!.split(' ')[0]);
    expect((await enc()).map((s) => s.split(' ')[0])).to.deep.equal(encBefore);
    const replaced = (await replacedDirs()).filter((e) => !replacedBefore.includes(e));
    expect(replaced).to.have.length(1);
    expect(await fingerprint(join(INV, replaced[0], 'ca.crt'))).to.equal(old);
    // every process that read the old PKI when it started runs on the new one: kube-proxy lists
    // Services through the VIP (lab stand-in: 500 while its CA or client certificate is the old
    // one), the kubelets answer, super-admin reaches the API from the first master (the add-ons)
    for (const [h, ip] of Object.entries(ALL)) {
      const r = await labSsh(ip, "for p in 10256 10248; do curl -s --max-time 5 -w ' %{http_code};' http://127.0.0.1:$p/healthz; done");
      expect(r.stdout, h).to.equal('ok 200;ok 200;');
    }
    const su = await labSsh(MASTERS.master1, 'kubectl --kubeconfig /etc/kubernetes/super-admin.conf get namespace kube-system -o name');
    expect(su.stdout.trim()).to.equal('namespace/kube-system');
    // converged on the new PKI: --check predicts nothing, a run changes nothing
    const predicted = await tsplay(playbook('ha-cluster.yml', INV, '--check', '--detailed-exitcode'), { timeoutMs: 600_000 });
    expect(predicted.code, predicted.stdout.slice(-3000)).to.equal(0);
    expect(changes(await runJson(playbook('ha-cluster.yml', INV)))).to.deep.equal([]);

    // the old PKI back from the backup: the controller's PKI replaces the hosts' new one
    await rename(join(INV, '.pki'), join(tmp, 'new-pki'));
    await restore(INV, vault, pass);
    await runJson(playbook('replace-pki.yml', INV, '-e', `pki_replace_confirm=${fresh}`));
    expect(await hostFingerprint(WORKERS.worker2, STRAY), 'worker2 etcd/ca.crt').to.equal(await fingerprint(join(INV, '.pki', 'etcd', 'ca.crt')));
    await removeStrayEtcdCa();
    expect(await hostSums()).to.deep.equal(before0);
    expect(await healthyMembers()).to.equal(3);
    const check = await tsplay(playbook('ha-cluster.yml', INV, '--check', '--detailed-exitcode'), { timeoutMs: 600_000 });
    expect(check.code, check.stdout.slice(-3000)).to.equal(0);
  });
});
