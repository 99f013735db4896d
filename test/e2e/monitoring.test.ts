// Monitoring on the lab with Debian's real prometheus and prometheus-node-exporter (roles/monitoring,
// playbooks/monitoring.yml, imported by ha-cluster.yml, which converged it before this file in CI).
// Prometheus runs on worker1 (the lab's `monitoring` group) at the lab inventory's pace (2 s scrapes
// and evaluations, 6 s alert delays). The targets are real: node exporters, etcd's metrics port,
// haproxy's built-in exporter. The apiserver it stops is the lab's STAND-IN (lab/standins): haproxy's
// /readyz check of it, and so the alert, are what the test proves; the stand-ins serve no /metrics,
// so the lab scrapes no control-plane component (monitoring_scrape_kube_apiserver is false there).
// It stops an apiserver: run it under the EXCLUSIVE lab lock.
import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { projectRoot } from '../../engine/paths.js';
import { tsplay, recapOf } from './run-tsplay.js';
import { labTempDirs, labSsh, removeLabTempDirs } from './lab-ssh.js';

const ROOT = projectRoot();
const HOSTS: Record<string, string> = { master1: '10.77.0.11', master2: '10.77.0.12', master3: '10.77.0.13', worker1: '10.77.0.21', worker2: '10.77.0.22' };
const MASTERS = ['master1', 'master2', 'master3'];
const PROM = `http://${HOSTS.worker1}:9090`;
// the apiserver stopped: not the first master (the add-ons and the VIP's usual holder)
const STOPPED = 'master3';

interface JsonRun {
  plays: { tasks: { task: { name: string }; hosts: Record<string, { changed: boolean }> }[] }[];
}
/** task/host of every change, once each */
const changes = (r: JsonRun) => [...new Set(r.plays.flatMap((p) => p.tasks.flatMap((t) => Object.entries(t.hosts).filter(([, v]) => v.changed).map(([h]) => `${t.task.name}/${h}`))))].sort();

interface Alert {
  labels: Record<string, string>;
  state: 'pending' | 'firing';
}
async function prom<T>(path: string): Promise<T> {
  const res = await fetch(`${PROM}${path}`, { signal: AbortSignal.timeout(5_000) });
  const body = (await res.json()) as { status: string; data: T };
  expect(body.status, path).to.equal('success');
  return body.data;
}
const backendDown = async () => (await prom<{ alerts: Alert[] }>('/api/v1/alerts')).alerts.filter((a) => a.labels.alertname === 'ApiserverBackendDown');
/** polls until `done` holds for what `read` returns (every 500 ms, at most `ms`); the last value */
async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    if (Date.now() > end) throw new Error(`${what}: not within ${ms / 1000} s; last: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
/** whether each master's haproxy has the stopped master's apiserver UP, read from its exporter */
const stoppedUp = async () =>
  Promise.all(
    MASTERS.map(async (h) => {
      const text = await (await fetch(`http://${HOSTS[h]}:8405/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
      return text.includes(`haproxy_server_status{proxy="kube-apiserver",server="${STOPPED}",state="UP"} 1`);
    }),
  );

describe('e2e: monitoring (Prometheus, node exporters, alert rules) on the lab', function () {
  this.timeout(600_000);
  let root = '';
  let dir = '';
  const args = (...extra: string[]) => ['run', join(ROOT, 'playbooks', 'monitoring.yml'), '-i', join(ROOT, 'inventories', 'lab'), '--no-lock', ...extra];

  before(async function () {
    ({ root, dir } = await labTempDirs(this, HOSTS.worker1, 'monitoring'));
  });

  after(async () => {
    // whatever happened, the apiserver runs again and haproxy has it back
    await labSsh(HOSTS[STOPPED], 'systemctl start kube-apiserver').catch(() => undefined);
    if (root) await until(stoppedUp, (v) => v.every(Boolean), 60_000, 'the apiserver back in every haproxy').catch(() => undefined);
    await removeLabTempDirs(HOSTS.worker1, root, dir);
  });

  it('from hosts without it, --check predicts the first run task by task; the second run changes nothing', async () => {
    // worker2 loses its node exporter and metrics timer, worker1's Prometheus its arguments, rules and start
    await labSsh(
      HOSTS.worker2,
      'systemctl disable --now tsplay-textfile-metrics.timer prometheus-node-exporter && apt-get purge -y -q prometheus-node-exporter >/dev/null && rm -f /etc/systemd/system/tsplay-textfile-metrics.* /usr/local/sbin/tsplay-textfile-metrics && systemctl daemon-reload',
    );
    await labSsh(HOSTS.worker1, "systemctl disable --now prometheus && rm -f /etc/prometheus/tsplay-alerts.rules.yml /etc/prometheus/*.candidate && echo 'ARGS=\"\"' > /etc/default/prometheus");
    const check = await tsplay(args('--check', '--json'));
    expect(check.code, check.stderr + check.stdout.slice(-2000)).to.equal(0);
    const first = await tsplay(args('--json'));
    expect(first.code, first.stderr + first.stdout.slice(-2000)).to.equal(0);
    const made = changes(JSON.parse(first.stdout) as JsonRun);
    expect(made).to.deep.equal(changes(JSON.parse(check.stdout) as JsonRun));
    expect(made).to.include.members(['node exporter installed/worker2', 'textfile metrics timer running and enabled/worker2', 'live alert rules/worker1', 'prometheus running and enabled/worker1', 'restart prometheus/worker1']);
    expect(made.filter((c) => !/\/worker[12]$/.test(c))).to.deep.equal([]);
    const second = await tsplay(args());
    expect(second.code, second.stdout.slice(-2000)).to.equal(0);
    for (const h of Object.keys(HOSTS)) expect(recapOf(second.stdout, h), h).to.include({ changed: 0, failed: 0 });
  });

  it('promtool accepts the rules and its unit tests of every alert pass; every scrape target is up; the textfile metrics are there', async () => {
    const rules = await labSsh(HOSTS.worker1, 'promtool check rules /etc/prometheus/tsplay-alerts.rules.yml');
    expect(rules.stdout).to.match(/SUCCESS: \d+ rules found/);
    // each alert fires on the series it is about (and not while all is well), as the role rendered it
    const tests = (await readFile(join(ROOT, 'test', 'e2e', 'files', 'monitoring-alerts.test.yml'), 'utf8')).replace('rule_files: [RULES]', 'rule_files: [/etc/prometheus/tsplay-alerts.rules.yml]');
    await labSsh(HOSTS.worker1, `echo ${Buffer.from(tests).toString('base64')} | base64 -d > ${root}/alerts.test.yml`);
    const unit = await labSsh(HOSTS.worker1, `cd ${root} && promtool test rules alerts.test.yml 2>&1; echo rc=$?`);
    expect(unit.stdout, unit.stdout).to.match(/SUCCESS\s+rc=0\s*$/);
    const want = [
      'prometheus/worker1',
      ...Object.keys(HOSTS).map((h) => `node/${h}`),
      ...MASTERS.map((h) => `etcd/${h}`),
      ...MASTERS.map((h) => `haproxy/${h}`),
    ].sort();
    type Targets = { activeTargets: { labels: Record<string, string>; health: string; lastError: string }[] };
    const targets = await until(
      () => prom<Targets>('/api/v1/targets'),
      (d) => d.activeTargets.length === want.length && d.activeTargets.every((t) => t.health === 'up'),
      60_000,
      'every target up',
    );
    expect(targets.activeTargets.map((t) => `${t.labels.job}/${t.labels.node}`).sort()).to.deep.equal(want);
    // the same through a query, as an alert rule reads it
    const up = await prom<{ result: { metric: Record<string, string>; value: [number, string] }[] }>(`/api/v1/query?query=${encodeURIComponent('up')}`);
    expect(up.result.map((r) => r.value[1])).to.deep.equal(want.map(() => '1'));
    // exactly one master holds the VIP; each host exports the cluster CA's expiry, years away
    const vip = await until(
      () => prom<{ result: { value: [number, string] }[] }>(`/api/v1/query?query=${encodeURIComponent('sum(tsplay_vip_held)')}`),
      (d) => d.result.length === 1,
      30_000,
      'tsplay_vip_held',
    );
    expect(vip.result[0].value[1]).to.equal('1');
    const ca = await prom<{ result: { metric: Record<string, string>; value: [number, string] }[] }>(
      `/api/v1/query?query=${encodeURIComponent('tsplay_cert_not_after_seconds{path="/etc/kubernetes/pki/ca.crt"} - time()')}`,
    );
    expect(ca.result.map((r) => r.metric.node).sort()).to.deep.equal(Object.keys(HOSTS).sort());
    for (const r of ca.result) expect(Number(r.value[1]) / 86400, r.metric.node).to.be.greaterThan(365);
  });

  it("an apiserver stopped: ApiserverBackendDown goes pending, then fires for every master's haproxy, and resolves when it is back", async () => {
    expect(await backendDown()).to.deep.equal([]);
    await labSsh(HOSTS[STOPPED], 'systemctl stop kube-apiserver');
    const seen = new Set<string>();
    const firing = await until(
      backendDown,
      (as) => {
        for (const a of as) seen.add(`${a.labels.server}:${a.state}`);
        return as.length === MASTERS.length && as.every((a) => a.state === 'firing');
      },
      90_000,
      'ApiserverBackendDown firing on every master',
    );
    expect([...seen].sort()).to.deep.equal([`${STOPPED}:firing`, `${STOPPED}:pending`]);
    expect(firing.map((a) => a.labels.node).sort()).to.deep.equal(MASTERS);
    await labSsh(HOSTS[STOPPED], 'systemctl start kube-apiserver');
    await until(backendDown, (as) => as.length === 0, 90_000, 'ApiserverBackendDown resolved');
    // every haproxy took it back
    expect(await stoppedUp()).to.deep.equal([true, true, true]);
  });
});
