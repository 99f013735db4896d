// The PKI guard's decision (engine/pki/guard.ts) over the situations of issue 16: what the
// controller's PKI directory holds against what each host holds, before anything is changed.
import { expect } from 'chai';
import { decide, type GuardInput, type HeldFile, type PkiFileSpec } from '../../../engine/pki/guard.js';

const FP = (c: string) => `SHA256 Fingerprint=${Array(32).fill(c).join(':')}`;
const CA_A = FP('AA');
const CA_B = FP('BB');
const ENC_A = 'sha256 ' + 'a'.repeat(64);
const ENC_B = 'sha256 ' + 'b'.repeat(64);

/** the table, as the role's vars/main.yml has it (trimmed), rendered for one host */
function table(host: string): PkiFileSpec[] {
  const n = `nodes/${host}`;
  return [
    { dest: 'ca.crt', src: '/p/ca.crt', identity: 'cluster CA', key: 'ca.key' },
    { dest: 'ca.key', src: '/p/ca.key', private: true },
    { dest: 'encryption-config.yaml', src: '/k/encryption-config.yaml', identity: 'encryption-at-rest key', private: true, keep: true },
    { dest: 'apiserver-etcd-client.crt', src: '/p/apiserver-etcd-client.crt', key: 'apiserver-etcd-client.key' },
    { dest: 'apiserver-etcd-client.key', src: '/p/apiserver-etcd-client.key', private: true },
    { dest: 'admin.conf', src: '/k/admin.conf', private: true, client_cert: 'admin.crt', client_key: 'admin.key' },
    { dest: `${n}/apiserver.crt`, src: '/p/apiserver.crt', key: `${n}/apiserver.key` },
    { dest: `${n}/apiserver.key`, src: '/p/apiserver.key', private: true },
    { dest: `${n}/kubelet.conf`, src: '/k/kubelet.conf', private: true, client_cert: `${n}/kubelet-client.crt`, client_key: `${n}/kubelet-client.key` },
  ];
}

/** a host holding the given dests (the rest of the table not held); identity fingerprints as given */
function host(name: string, held: string[], fps: Record<string, string> = {}): { host: string; files: HeldFile[] } {
  return {
    host: name,
    files: table(name).map((f) => {
      const d = f.dest.replace(`nodes/${name}/`, 'nodes/H/');
      const isHeld = held.includes(d);
      return { ...f, held: isHeld, ...(isHeld && f.identity ? { fingerprint: fps[f.dest] ?? 'unset' } : {}) };
    }),
  };
}

const MASTER = ['ca.crt', 'ca.key', 'encryption-config.yaml', 'apiserver-etcd-client.crt', 'apiserver-etcd-client.key', 'admin.conf', 'nodes/H/apiserver.crt', 'nodes/H/apiserver.key', 'nodes/H/kubelet.conf'];
const WORKER = ['ca.crt', 'nodes/H/kubelet.conf'];
const A = { 'ca.crt': CA_A, 'encryption-config.yaml': ENC_A };

/** a controller holding every dest of the whole cluster's table, identity rows with the given fingerprints */
function fullController(fps: Record<string, string>): GuardInput['controller'] {
  const m: GuardInput['controller'] = new Map();
  for (const h of ['m1', 'm2', 'w1']) for (const f of table(h)) for (const d of [f.dest, f.client_cert, f.client_key]) if (d) m.set(d, f.identity ? { fingerprint: fps[d] } : {});
  return m;
}

function input(over: Partial<GuardInput>): GuardInput {
  return { pkiDir: '/site/.pki', controller: new Map(), hosts: [], controlPlane: ['m1', 'm2'], create: true, ...over };
}

const cluster = (fps = A) => [host('w1', WORKER, fps), host('m2', MASTER, fps), host('m1', MASTER, fps)];

describe('PKI guard decision', () => {
  it('the controller holds the PKI the hosts use: go on, adopt nothing', () => {
    const d = decide(input({ controller: fullController(A), hosts: cluster() }));
    expect(d.ok && d.state).to.equal('match');
    if (d.ok) expect(Object.values(d.adopt).flat()).to.deep.equal([]);
  });

  it('fresh hosts and a controller PKI: the hosts receive it', () => {
    const d = decide(input({ controller: fullController(A), hosts: [host('m1', []), host('w1', [])] }));
    expect(d.ok && d.state).to.equal('fresh-hosts');
  });

  it('neither side holds a PKI: a new one, unless the playbook may not make one (scale.yml)', () => {
    expect(decide(input({ hosts: [host('m1', []), host('w1', [])] }))).to.include({ ok: true, state: 'new' });
    const refused = decide(input({ hosts: [host('w1', [])], create: false }));
    expect(refused.ok).to.equal(false);
    expect(refused.msg).to.contain('never creates one').and.contain('/site/.pki');
  });

  it('no PKI on the controller: the shared files come from the first control-plane host, each node gives its own', () => {
    const d = decide(input({ hosts: cluster() }));
    expect(d.ok && d.state, d.msg).to.equal('adopt');
    if (!d.ok) return;
    // m1 comes first in kube_control_plane although it is last in play order
    expect(d.adopt.m1.map((f) => f.dest)).to.deep.equal(['ca.crt', 'ca.key', 'encryption-config.yaml', 'apiserver-etcd-client.crt', 'apiserver-etcd-client.key', 'admin.conf', 'nodes/m1/apiserver.crt', 'nodes/m1/apiserver.key', 'nodes/m1/kubelet.conf']);
    expect(d.adopt.m2.map((f) => f.dest)).to.deep.equal(['nodes/m2/apiserver.crt', 'nodes/m2/apiserver.key', 'nodes/m2/kubelet.conf']);
    expect(d.adopt.w1.map((f) => f.dest)).to.deep.equal(['nodes/w1/kubelet.conf']);
    expect(d.msg).to.contain(CA_A).and.contain('m1: ca.crt, ca.key');
    // the rows handed to pki_adopt are plain table rows
    expect(d.adopt.m1[0]).to.deep.equal({ dest: 'ca.crt', src: '/p/ca.crt', identity: 'cluster CA', key: 'ca.key' });
  });

  it('a controller that lacks only some files (an old copy without the encryption config) adopts just those', () => {
    const controller = fullController(A);
    controller.delete('encryption-config.yaml');
    controller.delete('admin.key');
    const d = decide(input({ controller, hosts: cluster() }));
    expect(d.ok && d.state).to.equal('adopt');
    if (d.ok) expect(Object.values(d.adopt).flat().map((f) => f.dest)).to.deep.equal(['encryption-config.yaml', 'admin.conf']);
  });

  it('a controller PKI whose CA differs from the hosts\': stop, naming the hosts and both fingerprints, and how to go on', () => {
    const d = decide(input({ controller: fullController({ 'ca.crt': CA_B, 'encryption-config.yaml': ENC_A }), hosts: cluster() }));
    expect(d.ok).to.equal(false);
    expect(d.msg).to.contain('before any host was changed');
    expect(d.msg).to.contain(`ca.crt (cluster CA): controller ${CA_B}; w1, m2, m1: ${CA_A}`);
    expect(d.msg).to.contain('restore the site\'s PKI backup into /site/.pki');
    expect(d.msg).to.contain(`playbooks/replace-pki.yml -e pki_replace_confirm=${Array(32).fill('AA').join(':')}`);
    expect(d.msg).not.to.contain('encryption-config.yaml (');
  });

  it('another encryption key on the controller stops the run too (digests shown, never the key)', () => {
    const d = decide(input({ controller: fullController({ 'ca.crt': CA_A, 'encryption-config.yaml': ENC_B }), hosts: cluster() }));
    expect(d.ok).to.equal(false);
    expect(d.msg).to.contain(`encryption-config.yaml (encryption-at-rest key): controller ${ENC_B}; m2, m1: ${ENC_A}`);
  });

  it('hosts that disagree among themselves: no single PKI to adopt, stop naming each group', () => {
    const d = decide(input({ hosts: [host('m1', MASTER, A), host('m2', MASTER, { ...A, 'ca.crt': CA_B }), host('w1', WORKER, A)] }));
    expect(d.ok).to.equal(false);
    expect(d.msg).to.contain('the hosts do not agree');
    expect(d.msg).to.contain(`ca.crt (cluster CA), the hosts disagree: m1, w1: ${CA_A}; m2: ${CA_B}`);
  });

  it('a worker alone (--limit) cannot give the CA key: stop, saying adoption needs a control-plane host', () => {
    const d = decide(input({ hosts: [host('w1', WORKER, A)] }));
    expect(d.ok).to.equal(false);
    expect(d.msg).to.contain('ca.crt (cluster CA, held by w1) without its key ca.key').and.contain('control-plane host');
  });

  it('masters without the CA key (converged before they were given it): stop, pointing at the backup, not at --limit', () => {
    const d = decide(input({ hosts: [host('m1', MASTER.filter((f) => f !== 'ca.key'), A), host('w1', WORKER, A)] }));
    expect(d.ok).to.equal(false);
    expect(d.msg).to.contain('ca.crt (cluster CA, held by m1, w1) without its key ca.key').and.contain('not even the control plane (m1)').and.contain('Restore the site\'s PKI backup');
    expect(d.msg).not.to.contain('--limit');
  });

  it('a leaf certificate whose key no host holds is not adopted (it is re-issued from the adopted CA)', () => {
    const held = MASTER.filter((d) => d !== 'nodes/H/apiserver.key');
    const d = decide(input({ hosts: [host('m1', held, A)] }));
    expect(d.ok && d.state).to.equal('adopt');
    if (!d.ok) return;
    expect(d.adopt.m1.map((f) => f.dest)).not.to.include('nodes/m1/apiserver.crt');
    expect(d.msg).to.contain('re-issued from the adopted CA instead: nodes/m1/apiserver.crt');
  });

  describe('replace-pki.yml', () => {
    const rep = (confirm: string, replaceNew = false) => ({ confirm, confirmWith: 'ca.crt', replaceNew });
    const hex = (c: string) => Array(32).fill(c).join(':');

    it('goes on past a different CA only when the confirmation names the CA it replaces', () => {
      const base = { controller: fullController({ 'ca.crt': CA_B, 'encryption-config.yaml': ENC_A }), hosts: cluster() };
      const none = decide(input({ ...base, replace: rep('') }));
      expect(none.ok).to.equal(false);
      expect(none.msg).to.contain(`-e pki_replace_confirm=${hex('AA')}`);
      const wrong = decide(input({ ...base, replace: rep(hex('BB')) }));
      expect(wrong.ok).to.equal(false);
      expect(wrong.msg).to.contain('is not the fingerprint of the ca.crt it would replace');
      const right = decide(input({ ...base, replace: rep(hex('aa').toLowerCase().replaceAll(':', '')) }));
      expect(right.ok && right.state, right.msg).to.equal('replace');
      expect(decide(input({ ...base, replace: rep(CA_A) })).ok).to.equal(true);
    });

    it('never replaces the encryption key', () => {
      const d = decide(input({ controller: fullController({ 'ca.crt': CA_B, 'encryption-config.yaml': ENC_B }), hosts: cluster(), replace: rep(hex('AA')) }));
      expect(d.ok).to.equal(false);
      expect(d.msg).to.contain('never replaced').and.contain('encryption-config.yaml');
    });

    it('with nothing different, replaces only when asked for a new PKI (the current CA confirmed)', () => {
      const base = { controller: fullController(A), hosts: cluster() };
      const d = decide(input({ ...base, replace: rep(hex('AA')) }));
      expect(d.ok).to.equal(false);
      expect(d.msg).to.contain('nothing to replace');
      expect(decide(input({ ...base, replace: rep(hex('AA'), true) }))).to.include({ ok: true, state: 'replace' });
    });

    it('refuses when the hosts hold no CA at all', () => {
      const d = decide(input({ controller: fullController(A), hosts: [host('m1', [])], replace: rep(hex('AA'), true) }));
      expect(d.ok).to.equal(false);
      expect(d.msg).to.contain('nothing to replace');
    });
  });
});
