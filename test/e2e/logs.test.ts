// playbooks/logs.yml (the journald role, also in ha-cluster.yml) on the lab: every cluster host
// keeps its journal on disk within the limit journald then enforces, and every host but the
// collector (worker1, inventories/lab/group_vars/all.yml) sends its journal there over HTTPS.
// The hosts' journald settings and forwarding units are first taken away, so the run makes the
// role's changes; --check predicts them, a second run changes nothing. It leaves the hosts as
// ha-cluster.yml converges them. Touches journald settings only: the SHARED lab lock.
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../engine/paths.js';
import { tsplay, recapOf } from './run-tsplay.js';
import { LAB, labSsh } from './lab-ssh.js';
import { sh } from '../../engine/transport/quote.js';

const HOSTS: Record<string, string> = { master1: '10.77.0.11', master2: '10.77.0.12', master3: '10.77.0.13', worker1: '10.77.0.21', worker2: '10.77.0.22' };
const COLLECTOR = 'worker1';

interface JsonRun {
  plays: { tasks: { task: { name: string }; hosts: Record<string, { changed: boolean }> }[] }[];
}
/** task/host for every change */
const changes = (r: JsonRun) => [...new Set(r.plays.flatMap((p) => p.tasks.flatMap((t) => Object.entries(t.hosts).filter(([, v]) => v.changed).map(([h]) => `${t.task.name}/${h}`))))].sort();

// what the role writes and starts, taken away (the certificates stay: the PKI is the pki role's)
const UNDO = [
  'systemctl disable --now systemd-journal-upload.service systemd-journal-remote.socket systemd-journal-remote.service tsplay-journal-remote-vacuum.timer 2>/dev/null',
  'rm -f /etc/systemd/system/tsplay-journal-remote-vacuum.service /etc/systemd/system/tsplay-journal-remote-vacuum.timer /etc/systemd/journald.conf.d/10-tsplay.conf /etc/systemd/journal-remote.conf.d/10-tsplay.conf /etc/systemd/journal-upload.conf.d/10-tsplay.conf /etc/systemd/system/systemd-journal-upload.service.d/10-tsplay.conf',
  'systemctl daemon-reload',
  'systemctl restart systemd-journald',
].join('; ');

describe('e2e: playbooks/logs.yml on the lab (journald limits, forwarding to the collector)', function () {
  this.timeout(300_000);
  const args = (...extra: string[]) => ['run', join(projectRoot(), 'playbooks', 'logs.yml'), '-i', join(projectRoot(), 'inventories', 'lab'), ...extra];
  let converged = false;

  before(async function () {
    if (!existsSync(`${LAB}/id_ed25519`) || !existsSync(`${LAB}/known_hosts`)) {
      console.log('      (skipped: the lab is not up)');
      return this.skip();
    }
    try {
      await labSsh(HOSTS[COLLECTOR], 'true', 15_000);
    } catch (e) {
      console.log(`      (skipped: the lab is not reachable: ${(e as Error).message.split('\n')[0]})`);
      return this.skip();
    }
    await Promise.all(Object.values(HOSTS).map((ip) => labSsh(ip, UNDO)));
  });

  // a test that failed half-way leaves the hosts as the role makes them, as later tests expect
  after(async function () {
    if (!converged && existsSync(`${LAB}/id_ed25519`)) await tsplay(args());
  });

  let predicted: JsonRun;
  it('--check predicts the first run, which changes exactly that', async () => {
    const check = await tsplay(args('--check', '--json'));
    expect(check.code, check.stderr + check.stdout.slice(-3000)).to.equal(0);
    predicted = JSON.parse(check.stdout) as JsonRun;
    const r = await tsplay(args('--json'));
    expect(r.code, r.stderr + r.stdout.slice(-3000)).to.equal(0);
    const made = changes(JSON.parse(r.stdout) as JsonRun);
    expect(made, JSON.stringify({ only: made.filter((x) => !changes(predicted).includes(x)), missing: changes(predicted).filter((x) => !made.includes(x)) })).to.deep.equal(changes(predicted));
    for (const h of Object.keys(HOSTS)) expect(made).to.include(`journald storage and limits/${h}`);
    expect(made).to.include(`journal-remote settings (HTTPS, trusted clients, a file per host)/${COLLECTOR}`);
    expect(made).to.include('journal-upload running and enabled/master2');
    expect(made).to.include('restart journald/master2');
  });

  it('a second run changes nothing', async () => {
    const r = await tsplay(args());
    expect(r.code, r.stderr + r.stdout.slice(-3000)).to.equal(0);
    for (const h of Object.keys(HOSTS)) expect(recapOf(r.stdout, h), `${h}\n${r.stdout.slice(-2000)}`).to.include({ changed: 0, failed: 0 });
    converged = true;
  });

  it('on every host the journal is on disk and the running journald enforces the limit', async () => {
    await Promise.all(
      Object.entries(HOSTS).map(async ([h, ip]) => {
        const cfg = (await labSsh(ip, 'systemd-analyze cat-config systemd/journald.conf')).stdout;
        expect(cfg, h).to.match(/# \/etc\/systemd\/journald\.conf\.d\/10-tsplay\.conf\n[^]*Storage=persistent\nSystemMaxUse=1G\nSystemKeepFree=2G\nMaxRetentionSec=1month\n/);
        // the journald running now says so when it opens its journal (the lab's automatic limit was 4.0G)
        const said = (await labSsh(ip, 'journalctl _PID=$(systemctl show -p MainPID --value systemd-journald) -o cat --no-pager | grep "^System Journal"')).stdout;
        expect(said, h).to.match(/^System Journal \(\/var\/log\/journal\/[0-9a-f]{32}\) is [0-9.]+[KMG], max 1\.0G, /m);
        expect((await labSsh(ip, 'journalctl --disk-usage')).stdout, h).to.match(/take up [0-9.]+[KMG] in the file system/);
      }),
    );
  });

  it('a message logged on master2 arrives in the collector\'s journal files', async () => {
    const marker = `tsplay-logs-e2e-${process.pid}-${Date.now()}`;
    await labSsh(HOSTS.master2, sh`logger -t tsplay-logs-e2e ${marker}`.text);
    const collector = HOSTS[COLLECTOR];
    let found = '';
    for (let i = 0; i < 30 && !found; i++) {
      found = (await labSsh(collector, sh`journalctl -D /var/log/journal/remote -t tsplay-logs-e2e -o short --no-pager | grep -F ${marker} || true`.text)).stdout.trim();
      if (!found) await new Promise((res) => setTimeout(res, 1000));
    }
    expect(found, 'the message did not reach /var/log/journal/remote on the collector within 30 s').to.include(`master2 tsplay-logs-e2e`);
    // sent with master2's client certificate, over HTTPS: the collector's socket and its settings
    expect((await labSsh(collector, 'systemctl is-active systemd-journal-remote.socket; systemd-analyze cat-config systemd/journal-remote.conf | grep -E "^(ServerKeyFile|TrustedCertificateFile)="')).stdout).to.equal(
      'active\nServerKeyFile=/etc/kubernetes/pki/journal/remote.key\nTrustedCertificateFile=/etc/kubernetes/pki/journal/ca.crt\n',
    );
    // the uploaders' trust: the collector serves a certificate of the journal CA, which the cluster CA did not sign
    const tls = (await labSsh(HOSTS.master2, sh`for ca in journal/ca.crt ca.crt; do curl -s -o /dev/null --max-time 5 --cacert /etc/kubernetes/pki/$ca -w '%{http_code} ' ${`https://${collector}:19532/`}; echo "exit $?"; done`.text)).stdout;
    // an HTTP answer with the journal CA; curl's 60 (the peer's certificate not verified) with the cluster CA
    expect(tls, tls).to.match(/^[1-5][0-9]{2} exit 0\n000 exit 60\n$/);
    // what it received is vacuumed to journald_remote_max_use by a timer: its run removes nothing it must keep
    const vacuum = (await labSsh(collector, 'systemctl is-active tsplay-journal-remote-vacuum.timer && systemctl start tsplay-journal-remote-vacuum.service && systemctl show -p Result --value tsplay-journal-remote-vacuum.service')).stdout;
    expect(vacuum).to.equal('active\nsuccess\n');
    // nothing of it stays on the collector's own journal: it came over the network
    expect((await labSsh(collector, sh`journalctl -t tsplay-logs-e2e --no-pager -o cat | grep -cF ${marker} || true`.text)).stdout.trim()).to.equal('0');
  });
});
