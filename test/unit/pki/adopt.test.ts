// The PKI guard's modules on real files: a "host" directory laid out as a master keeps its PKI
// (made by the x509 modules), a controller PKI directory, the local transport for both.
// pki_files reads what the host holds, pki_guard decides, pki_adopt writes the controller's copy;
// in --check nothing is written and the x509/kubeconfig/copy reads after it see the adopted files.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeContext, runModule, tempDir } from './context.js';
import { leakedSecrets } from './leak.js';
import { LocalTransport } from '../../../engine/transport/local.js';
import { FactCache } from '../../../engine/facts/cache.js';
import type { ModuleContext, Module, Plan } from '../../../engine/modules/types.js';
import { x509KeyModule } from '../../../engine/modules/builtin/x509_key.js';
import { x509CaModule } from '../../../engine/modules/builtin/x509_ca.js';
import { x509CertModule } from '../../../engine/modules/builtin/x509_cert.js';
import { kubeconfigModule } from '../../../engine/modules/builtin/kubeconfig.js';
import { copy } from '../../../engine/modules/builtin/copy.js';
import { pkiFilesModule } from '../../../engine/modules/builtin/pki_files.js';
import { pkiGuardModule } from '../../../engine/modules/builtin/pki_guard.js';
import { pkiAdoptModule } from '../../../engine/modules/builtin/pki_adopt.js';
import type { HostView, PkiFileSpec } from '../../../engine/pki/guard.js';

const modeOf = (p: string) => (statSync(p).mode & 0o777).toString(8).padStart(4, '0');
const opensslFingerprint = (crt: string) =>
  execFileSync('/usr/bin/openssl', ['x509', '-noout', '-fingerprint', '-sha256', '-in', crt], { encoding: 'utf8' }).trim().replace(/^sha256 Fingerprint=/i, '');

function files(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name), base) : [join(dir, e.name).slice(base.length + 1)])).sort();
}

/** the role's table (roles/pki/vars/main.yml), for a host whose /etc/kubernetes is `etc` */
function table(etc: string, host: string): PkiFileSpec[] {
  const n = `nodes/${host}`;
  return [
    { dest: 'ca.crt', src: `${etc}/pki/ca.crt`, identity: 'cluster CA', key: 'ca.key' },
    { dest: 'ca.key', src: `${etc}/pki/ca.key`, private: true },
    { dest: 'sa.pub', src: `${etc}/pki/sa.pub`, identity: 'service-account key', key: 'sa.key' },
    { dest: 'sa.key', src: `${etc}/pki/sa.key`, private: true },
    { dest: 'encryption-config.yaml', src: `${etc}/encryption-config.yaml`, identity: 'encryption-at-rest key', private: true, keep: true },
    { dest: 'admin.conf', src: `${etc}/admin.conf`, private: true, client_cert: 'admin.crt', client_key: 'admin.key' },
    { dest: 'keepalived-auth-pass', src: `${etc}/keepalived.conf`, private: true, pattern: '^\\s*auth_pass\\s+(\\S+)\\s*$' },
    { dest: `${n}/apiserver.crt`, src: `${etc}/pki/apiserver.crt`, key: `${n}/apiserver.key` },
    { dest: `${n}/apiserver.key`, src: `${etc}/pki/apiserver.key`, private: true },
  ];
}

interface GuardResult {
  pki_state: string;
  pki_adopt: Record<string, PkiFileSpec[]>;
}
/** what a no-op plan hands to register */
const resultOf = <T>(plan: Plan) => (plan as unknown as { result: T }).result;

function ctxFor(opts: { check?: boolean; controllerFacts?: FactCache; facts?: FactCache; host?: string } = {}): ModuleContext {
  const c = makeContext(opts.check ?? false);
  return { ...c, vars: { inventory_hostname: opts.host ?? 'm1' }, ...(opts.facts ? { facts: opts.facts } : {}), ...(opts.controllerFacts ? { controllerFacts: opts.controllerFacts } : {}) };
}

async function ok<P>(mod: Module<P, unknown>, params: P, ctx = ctxFor()) {
  const r = await runModule(mod, params, ctx);
  expect(r.plan.kind, JSON.stringify(r.plan)).not.to.equal('fail');
  expect(r.result?.failed, r.result?.msg).to.not.equal(true);
  return r;
}

describe('PKI guard modules on real files (pki_files, pki_guard, pki_adopt)', function () {
  this.timeout(120000);
  let tmp: ReturnType<typeof tempDir>;
  let made: ReturnType<typeof tempDir>;
  let etc: string;
  let pki: string;
  let scratch: string;

  // the host's files are made once (RSA keys take a while), each test works on a copy
  before(async () => {
    made = tempDir();
    const e = join(made.dir, 'host', 'etc-kubernetes');
    const s = join(made.dir, 'scratch');
    mkdirSync(join(e, 'pki'), { recursive: true });
    mkdirSync(s);
    const p = (n: string) => join(e, 'pki', n);
    await ok(x509CaModule, { cert_path: p('ca.crt'), key_path: p('ca.key'), common_name: 'kubernetes' });
    await ok(x509KeyModule, { path: p('sa.key'), public_path: p('sa.pub') });
    await ok(x509CertModule, { cert_path: p('apiserver.crt'), key_path: p('apiserver.key'), ca_cert_path: p('ca.crt'), ca_key_path: p('ca.key'), common_name: 'kube-apiserver', extended_key_usage: ['serverAuth'], dns_names: ['m1'] });
    await ok(x509CertModule, { cert_path: join(s, 'admin.crt'), key_path: join(s, 'admin.key'), ca_cert_path: p('ca.crt'), ca_key_path: p('ca.key'), common_name: 'kubernetes-admin', extended_key_usage: ['clientAuth'] });
    await ok(kubeconfigModule, { path: join(e, 'admin.conf'), server: 'https://10.0.0.1:8443', ca_cert_path: p('ca.crt'), client_cert_path: join(s, 'admin.crt'), client_key_path: join(s, 'admin.key'), user: 'kubernetes-admin' });
    await ok(x509KeyModule, { path: join(s, 'other.key') });
    writeFileSync(join(e, 'encryption-config.yaml'), 'kind: EncryptionConfiguration\n# secret: c2VjcmV0LWtleS1ieXRlcy1ub3QtdG8tYmUtc2hvd24=\n', { mode: 0o600 });
    writeFileSync(join(e, 'keepalived.conf'), 'vrrp_instance x {\n    authentication {\n        auth_pass Xy7pQ2aZ\n    }\n}\n', { mode: 0o600 });
  });
  after(() => made.remove());

  beforeEach(() => {
    tmp = tempDir();
    cpSync(made.dir, tmp.dir, { recursive: true });
    etc = join(tmp.dir, 'host', 'etc-kubernetes');
    scratch = join(tmp.dir, 'scratch');
    pki = join(tmp.dir, 'controller', 'inventory', '.pki');
    mkdirSync(join(tmp.dir, 'controller', 'inventory'), { recursive: true });
  });
  afterEach(() => tmp.remove());

  async function observe(): Promise<HostView> {
    const r = await ok(pkiFilesModule, { files: table(etc, 'm1') });
    expect(r.plan.kind).to.equal('noop');
    return resultOf<HostView>(r.plan);
  }
  async function guard(observed: HostView[]) {
    return runModule(pkiGuardModule, { pki_dir: pki, observed, control_plane: ['m1'] }, ctxFor());
  }

  it('pki_files: what the host holds, with openssl\'s fingerprint of its CA and a digest of the encryption config', async () => {
    const view = await observe();
    expect(view.host).to.equal('m1');
    expect(view.files.every((f) => f.held)).to.equal(true);
    const ca = view.files.find((f) => f.dest === 'ca.crt')!;
    expect(ca.fingerprint).to.equal(`SHA256 Fingerprint=${opensslFingerprint(join(etc, 'pki', 'ca.crt'))}`);
    const sha = execFileSync('sha256sum', [join(etc, 'encryption-config.yaml')], { encoding: 'utf8' }).split(' ')[0];
    expect(view.files.find((f) => f.dest === 'encryption-config.yaml')!.fingerprint).to.equal(`sha256 ${sha}`);
    expect(JSON.stringify(view)).not.to.contain('c2VjcmV0');
  });

  it('adopts everything into an empty controller: same bytes, credentials taken out of the kubeconfig, 0700 directories, 0600 private files; then nothing to do', async () => {
    const g = await guard([await observe()]);
    expect(g.plan.kind, JSON.stringify(g.plan)).to.equal('noop');
    const plan = resultOf<GuardResult>(g.plan);
    expect(plan.pki_state).to.equal('adopt');
    const r = await ok(pkiAdoptModule, { pki_dir: pki, files: plan.pki_adopt.m1 });
    expect(r.result?.changed).to.equal(true);
    expect(leakedSecrets(tmp.dir, r.plan, r.result)).to.deep.equal([]);
    expect(files(pki)).to.deep.equal(['admin.conf', 'admin.crt', 'admin.key', 'ca.crt', 'ca.key', 'encryption-config.yaml', 'keepalived-auth-pass', 'nodes/m1/apiserver.crt', 'nodes/m1/apiserver.key', 'sa.key', 'sa.pub']);
    const same = (ours: string, theirs: string) => expect(readFileSync(join(pki, ours)).equals(readFileSync(theirs)), ours).to.equal(true);
    same('ca.crt', join(etc, 'pki', 'ca.crt'));
    same('ca.key', join(etc, 'pki', 'ca.key'));
    same('encryption-config.yaml', join(etc, 'encryption-config.yaml'));
    same('admin.conf', join(etc, 'admin.conf'));
    same('admin.crt', join(scratch, 'admin.crt'));
    same('admin.key', join(scratch, 'admin.key'));
    same('nodes/m1/apiserver.key', join(etc, 'pki', 'apiserver.key'));
    expect(readFileSync(join(pki, 'keepalived-auth-pass'), 'utf8')).to.equal('Xy7pQ2aZ');
    for (const d of ['', 'nodes', 'nodes/m1']) expect(modeOf(join(pki, d)), d || '.pki').to.equal('0700');
    for (const f of ['ca.key', 'sa.key', 'admin.key', 'admin.conf', 'encryption-config.yaml', 'keepalived-auth-pass', 'nodes/m1/apiserver.key']) expect(modeOf(join(pki, f)), f).to.equal('0600');
    for (const f of ['ca.crt', 'sa.pub', 'admin.crt', 'nodes/m1/apiserver.crt']) expect(modeOf(join(pki, f)), f).to.equal('0644');

    // the same task again, and the guard after it: nothing left to adopt
    const again = await runModule(pkiAdoptModule, { pki_dir: pki, files: plan.pki_adopt.m1 }, ctxFor());
    expect(again.plan.kind).to.equal('noop');
    const after = await guard([await observe()]);
    expect(resultOf<GuardResult>(after.plan).pki_state).to.equal('match');
    // what generate.yml runs next finds nothing to re-issue
    const p = (n: string) => join(pki, n);
    const ca = await runModule(x509CaModule, { cert_path: p('ca.crt'), key_path: p('ca.key'), common_name: 'kubernetes' }, ctxFor());
    expect(ca.plan.kind).to.equal('noop');
    const kc = await runModule(kubeconfigModule, { path: p('admin.conf'), server: 'https://10.0.0.1:8443', ca_cert_path: p('ca.crt'), client_cert_path: p('admin.crt'), client_key_path: p('admin.key'), user: 'kubernetes-admin' }, ctxFor());
    expect(kc.plan.kind).to.equal('noop');
  });

  it('in --check writes nothing, and the reads after it (x509_ca, kubeconfig, copy from the controller) see the adopted files', async () => {
    const observed = await observe();
    const g = await guard([observed]);
    const adopt = resultOf<GuardResult>(g.plan).pki_adopt.m1;
    const controllerFacts = new FactCache(new LocalTransport());
    const r = await runModule(pkiAdoptModule, { pki_dir: pki, files: adopt }, ctxFor({ check: true, controllerFacts }));
    expect(r.plan.kind).to.equal('change');
    expect(existsSync(pki), 'the PKI directory was created in --check').to.equal(false);
    // what the runner does with a change in --check: the predictions go to the controller's cache
    if (r.plan.kind !== 'change') return;
    const predictions = pkiAdoptModule.predict!({ pki_dir: pki, files: adopt }, r.plan);
    expect(predictions.every((x) => x.controller)).to.equal(true);
    for (const x of predictions) controllerFacts.predict(x);
    const p = (n: string) => join(pki, n);
    const onController = ctxFor({ check: true, facts: controllerFacts, controllerFacts });
    expect((await runModule(x509CaModule, { cert_path: p('ca.crt'), key_path: p('ca.key'), common_name: 'kubernetes' }, onController)).plan.kind).to.equal('noop');
    const kc = await runModule(kubeconfigModule, { path: p('admin.conf'), server: 'https://10.0.0.1:8443', ca_cert_path: p('ca.crt'), client_cert_path: p('admin.crt'), client_key_path: p('admin.key'), user: 'kubernetes-admin' }, onController);
    expect(kc.plan.kind, JSON.stringify(kc.plan)).to.equal('noop');
    // distribute.yml's copy of the adopted ca.crt onto a host that has it: nothing to do
    const onHost = { ...ctxFor({ check: true, controllerFacts }), findFile: async (_k: 'files' | 'templates', name: string) => name };
    const cp = await runModule(copy, { src: p('ca.crt'), dest: join(etc, 'pki', 'ca.crt'), mode: '0644' }, onHost);
    expect(cp.plan.kind, JSON.stringify(cp.plan)).to.equal('noop');
    expect(existsSync(pki)).to.equal(false);
  });

  it('the hosts adopt at the same time into the same new directories: each gets its files', async () => {
    const hosts = Array.from({ length: 16 }, (_, i) => `n${i}`);
    const rows = (h: string): PkiFileSpec[] => [{ dest: `nodes/${h}/kubelet.conf`, src: join(etc, 'admin.conf'), private: true, client_cert: `nodes/${h}/kubelet-client.crt`, client_key: `nodes/${h}/kubelet-client.key` }];
    const runs = await Promise.all(hosts.map((h) => runModule(pkiAdoptModule, { pki_dir: pki, files: rows(h) }, ctxFor({ host: h }))));
    for (const r of runs) expect(r.result?.failed, r.result?.msg).to.not.equal(true);
    expect(files(pki)).to.have.length(3 * hosts.length);
    for (const d of ['', 'nodes', ...hosts.map((h) => `nodes/${h}`)]) expect(modeOf(join(pki, d)), d || '.pki').to.equal('0700');
  });

  it('a certificate and key that do not belong together: nothing is adopted', async () => {
    writeFileSync(join(etc, 'pki', 'ca.key'), readFileSync(join(scratch, 'other.key')));
    const adopt = resultOf<GuardResult>((await guard([await observe()])).plan).pki_adopt.m1;
    const r = await runModule(pkiAdoptModule, { pki_dir: pki, files: adopt }, ctxFor());
    expect(r.plan.kind).to.equal('fail');
    expect((r.plan as { msg: string }).msg).to.contain('ca.crt and its key ca.key do not match');
    expect(existsSync(pki)).to.equal(false);
  });

  it('a controller holding another CA: pki_guard fails naming the host and both fingerprints', async () => {
    mkdirSync(pki, { mode: 0o700 });
    await ok(x509CaModule, { cert_path: join(pki, 'ca.crt'), key_path: join(pki, 'ca.key'), common_name: 'kubernetes' });
    const g = await guard([await observe()]);
    expect(g.plan.kind).to.equal('fail');
    const msg = (g.plan as { msg: string }).msg;
    expect(msg).to.contain(`controller SHA256 Fingerprint=${opensslFingerprint(join(pki, 'ca.crt'))}`);
    expect(msg).to.contain(`m1: SHA256 Fingerprint=${opensslFingerprint(join(etc, 'pki', 'ca.crt'))}`);
    expect(msg).not.to.contain('c2VjcmV0');
  });
});
