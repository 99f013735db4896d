// Issue 3 end to end on the lab: the real CLI over SSH to real Debian hosts with systemd.
import { expect } from 'chai';
import { mkdtemp, writeFile, rm, readFile, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { projectRoot } from '../../engine/paths.js';
import { tsplay, recapOf } from './run-tsplay.js';

const run = promisify(execFile);
const LAB = '/var/lib/tsplay-lab';
const ROOT = projectRoot();
const FIX = join(ROOT, 'test', 'fixtures', 'lab');
const HOSTS = ['master1', 'master2', 'master3', 'worker1', 'worker2'];
const IP: Record<string, string> = { master1: '10.77.0.11', master2: '10.77.0.12', master3: '10.77.0.13', worker1: '10.77.0.21', worker2: '10.77.0.22' };

function ssh(host: string, cmd: string) {
  return run('ssh', ['-i', `${LAB}/id_ed25519`, '-o', `UserKnownHostsFile=${LAB}/known_hosts`, '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes', `root@${IP[host]}`, cmd], { timeout: 30_000 });
}

interface JsonRun {
  plays: { tasks: { task: { name: string }; hosts: Record<string, { status: string; changed: boolean }> }[] }[];
  stats: Record<string, Record<string, number>>;
}

/** "task/host" for every changed (or check-unknowable) result */
function changes(r: JsonRun): string[] {
  return r.plays.flatMap((p) => p.tasks.flatMap((t) => Object.entries(t.hosts).filter(([, v]) => v.changed).map(([h]) => `${t.task.name}/${h}`))).sort();
}

describe('e2e: a playbook over SSH on the lab hosts', function () {
  this.timeout(300_000);
  let dir: string;
  const id = randomBytes(4).toString('hex');
  const port = String(18000 + (parseInt(id.slice(0, 4), 16) % 1000));
  const probes = String(3 + (parseInt(id.slice(4), 16) % 5));
  let inv: string[];
  const play = (file: string, ...extra: string[]) => ['run', join(FIX, file), ...inv.flatMap((i) => ['-i', i]), '-e', `e2e_id=${id} port=${port} probes=${probes}`, ...extra];

  before(async function () {
    try {
      await access(`${LAB}/id_ed25519`);
      await ssh('worker1', 'true');
    } catch (e) {
      console.log(`      (skipped: the lab is not up: ${(e as Error).message.split('\n')[0]}; run \`tsplay lab up\`)`);
      this.skip();
    }
    dir = await mkdtemp(join(tmpdir(), 'tsplay-lab-e2e-'));
    await writeFile(
      join(dir, 'deploy.yml'),
      'deploy_login:\n  hosts:\n    worker1-deploy:\n      ansible_host: 10.77.0.21\n      ansible_user: deploy\n      ansible_become_password: deploy\n',
    );
    inv = [join(ROOT, 'inventories', 'lab'), join(dir, 'deploy.yml')];
  });
  after(async function () {
    if (!dir) return;
    await tsplay(play('cleanup.yml'));
    await rm(dir, { recursive: true, force: true });
  });

  let predicted: JsonRun;
  it('--check predicts the changes and changes nothing', async () => {
    const r = await tsplay(play('site.yml', '--check', '--json'));
    expect(r.code, r.stderr + r.stdout.slice(-3000)).to.equal(0);
    predicted = JSON.parse(r.stdout);
    for (const h of HOSTS) expect(predicted.stats[h].changed, h).to.be.greaterThan(0);
    const { stdout } = await ssh('worker1', `test -e /srv/tsplay-e2e-${id} && echo exists || echo absent`);
    expect(stdout.trim()).to.equal('absent');
  });

  it('the first run converges every host in parallel, exactly as predicted', async () => {
    const r = await tsplay(play('site.yml', '--json'));
    expect(r.code, r.stderr + r.stdout.slice(-3000)).to.equal(0);
    const real: JsonRun = JSON.parse(r.stdout);
    expect(changes(real)).to.deep.equal(changes(predicted));
    for (const h of HOSTS) {
      expect(real.stats[h].failed, h).to.equal(0);
      const { stdout } = await ssh(h, `curl -s http://127.0.0.1:${port}/index.html; sysctl -n net.ipv4.tcp_keepalive_probes; sha256sum /srv/tsplay-e2e-${id}/blob.bin`);
      expect(stdout).to.include(`served by ${h} (${IP[h]})`);
      expect(stdout).to.include(`\n${probes}\n`);
      const local = (await run('sha256sum', [join(FIX, 'files', 'blob.bin')])).stdout.split(' ')[0];
      expect(stdout).to.include(local);
    }
  });

  it('the second run reports changed=0 on every host and --check after it predicts nothing', async () => {
    const r = await tsplay(play('site.yml'));
    expect(r.code, r.stdout.slice(-3000)).to.equal(0);
    for (const h of [...HOSTS, 'worker1-deploy']) expect(recapOf(r.stdout, h)?.changed, `${h}\n${r.stdout.slice(-2000)}`).to.equal(0);
    const c = await tsplay(play('site.yml', '--check', '--detailed-exitcode'));
    expect(c.code, c.stdout.slice(-3000)).to.equal(0);
  });

  it('one run opens exactly one SSH connection per host', async () => {
    const count = async () => Number((await ssh('master2', 'journalctl -u ssh.service -o cat | grep -c "Accepted publickey" || true')).stdout.trim());
    const before = await count();
    const r = await tsplay(play('site.yml', '--limit', 'master2'));
    expect(r.code).to.equal(0);
    const after = await count();
    // the run's one connection, plus the counting connection itself
    expect(after - before).to.equal(2);
  });

  it('a host whose sshd is stopped is UNREACHABLE, the others complete, exit 4', async () => {
    // sshd comes back by itself after 25 s; the run happens inside that window
    await ssh('worker2', 'systemd-run --on-active=25 --timer-property=AccuracySec=100ms /bin/systemctl start ssh.service >/dev/null 2>&1; systemctl stop ssh.service');
    try {
      const r = await tsplay(play('site.yml'));
      expect(r.code, r.stdout.slice(-2000)).to.equal(4);
      expect(r.stdout).to.match(/fatal: \[worker2\]: UNREACHABLE!/);
      expect(recapOf(r.stdout, 'worker2')?.unreachable).to.equal(1);
      for (const h of HOSTS.filter((x) => x !== 'worker2')) expect(recapOf(r.stdout, h)?.failed, h).to.equal(0);
      expect(recapOf(r.stdout, 'master1')?.ok).to.be.greaterThan(5);
    } finally {
      for (let i = 0; i < 90; i++) {
        try {
          await ssh('worker2', 'true');
          break;
        } catch {
          await new Promise((res) => setTimeout(res, 1000));
        }
      }
    }
  });

  it('tsplay facts prints each host\'s facts as JSON', async () => {
    const r = await tsplay(['facts', '-i', join(ROOT, 'inventories', 'lab'), '--limit', 'worker1:master3']);
    expect(r.code, r.stderr).to.equal(0);
    const facts = JSON.parse(r.stdout) as Record<string, { ansible_facts: Record<string, unknown> }>;
    expect(Object.keys(facts)).to.deep.equal(['worker1', 'master3']);
    expect((facts.worker1.ansible_facts.default_ipv4 as { address: string }).address).to.equal('10.77.0.21');
    expect(facts.master3.ansible_facts.hostname).to.equal('master3');
    expect(facts.master3.ansible_facts.distribution).to.equal('Debian');
  });

  it('a changed host key fails that host with a clear message', async () => {
    const pinned = await readFile(`${LAB}/known_hosts`, 'utf8');
    const other = (await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'fake')]).then(() => readFile(join(dir, 'fake.pub'), 'utf8'))).split(' ').slice(0, 2).join(' ');
    const forged = pinned.split('\n').map((l) => (l.startsWith('10.77.0.21 ') || l.startsWith('worker1 ') || l.startsWith('worker1,') ? `${l.split(' ')[0]} ${other}` : l)).join('\n');
    await writeFile(join(dir, 'known_hosts'), forged);
    const r = await tsplay(play('site.yml', '--limit', 'worker1,master1', '-e', `ansible_ssh_known_hosts_file=${join(dir, 'known_hosts')}`, '-e', `ansible_ssh_common_args="-o UserKnownHostsFile=${join(dir, 'known_hosts')}"`));
    expect(r.code).to.equal(4);
    expect(r.stdout).to.match(/fatal: \[worker1\]: UNREACHABLE! .*IDENTIFICATION HAS CHANGED/);
    expect(recapOf(r.stdout, 'master1')?.failed).to.equal(0);
  });
});
