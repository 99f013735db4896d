// playbooks/scale.yml adds a sixth lab host as a worker while another worker is down, touching
// no other host (kubespray#10313).
import { expect } from 'chai';
import { mkdtemp, writeFile, rm, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { projectRoot } from '../../engine/paths.js';
import { tsplay, recapOf } from './run-tsplay.js';

const run = promisify(execFile);
const LAB = '/var/lib/tsplay-lab';
const ROOT = projectRoot();
const ssh = (ip: string, cmd: string) =>
  run('ssh', ['-i', `${LAB}/id_ed25519`, '-o', `UserKnownHostsFile=${LAB}/known_hosts`, '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=5', `root@${ip}`, cmd], { timeout: 30_000 });

interface JsonRun {
  plays: { tasks: { task: { name: string }; hosts: Record<string, { changed: boolean }> }[] }[];
  stats: Record<string, Record<string, number>>;
}

describe('e2e: scale.yml adds a worker with another worker down', function () {
  this.timeout(600_000);
  let dir: string;
  before(async function () {
    try {
      await access(`${LAB}/id_ed25519`);
      await ssh('10.77.0.21', 'true');
    } catch {
      console.log('      (skipped: the lab is not up)');
      return this.skip();
    }
    const up = await tsplay(['lab', 'up', '--hosts', '6']);
    expect(up.code, up.stderr).to.equal(0);
    dir = await mkdtemp(join(tmpdir(), 'tsplay-scale-'));
    // the site's change: worker3 joins kube_node
    await writeFile(join(dir, 'scale.yml'), 'kube_node:\n  hosts:\n    worker3:\n');
  });
  after(async () => {
    for (let i = 0; i < 90; i++) {
      try {
        await ssh('10.77.0.22', 'true');
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  const args = (...extra: string[]) => ['run', join(ROOT, 'playbooks', 'scale.yml'), '-i', join(ROOT, 'inventories', 'lab'), '-i', join(dir, 'scale.yml'), '--limit', 'worker3', ...extra];

  it('joins worker3 while worker2 is unreachable, changing only worker3 and the /etc/hosts of the reachable hosts', async () => {
    // master1 and worker2 do not know worker3 yet (the image names every lab host)
    for (const ip of ['10.77.0.11', '10.77.0.22']) await ssh(ip, "sed -i '/[[:space:]]worker3$/d' /etc/hosts");
    // worker2's sshd comes back by itself after 60 s
    await ssh('10.77.0.22', 'systemd-run --on-active=60 --timer-property=AccuracySec=100ms /bin/systemctl start ssh.service >/dev/null 2>&1; systemctl stop ssh.service');
    const r = await tsplay(args('--json'));
    expect(r.code, r.stderr + r.stdout.slice(-2000)).to.equal(0);
    const j = JSON.parse(r.stdout) as JsonRun;
    const touched = new Set(j.plays.flatMap((p) => p.tasks.flatMap((t) => Object.keys(t.hosts))));
    expect([...touched]).to.deep.equal(['worker3']);
    expect(Object.keys(j.stats)).to.include('worker3');
    expect(Object.keys(j.stats).filter((h) => h !== 'worker3' && h !== 'localhost')).to.deep.equal([]);
    const { stdout } = await ssh('10.77.0.23', 'curl -s http://127.0.0.1:10248/healthz; echo; grep -c "server: https://10.77.0.100:8443" /etc/kubernetes/kubelet.conf; systemctl is-active containerd kubelet');
    expect(stdout.trim().split('\n')).to.deep.equal(['ok', '1', 'active', 'active']);
    // every reachable cluster host now resolves worker3 (scale.yml delegates that one line)
    for (const ip of ['10.77.0.11', '10.77.0.12', '10.77.0.13', '10.77.0.21']) {
      expect((await ssh(ip, 'grep -E "[[:space:]]worker3$" /etc/hosts')).stdout.trim(), ip).to.equal('10.77.0.23 worker3');
    }
  });

  it('a second scale run writes worker3 into the /etc/hosts of worker2 (down before) and changes nothing else; a third changes nothing', async () => {
    for (let i = 0; i < 90; i++) {
      if (await ssh('10.77.0.22', 'true').then(() => true, () => false)) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    const r = await tsplay(args('--json'));
    expect(r.code, r.stdout.slice(-2000)).to.equal(0);
    const j = JSON.parse(r.stdout) as JsonRun;
    const changed = j.plays.flatMap((p) => p.tasks.filter((t) => Object.values(t.hosts).some((v) => v.changed)).map((t) => t.task.name));
    expect(changed).to.deep.equal(["the new node in the other hosts' /etc/hosts"]);
    expect((await ssh('10.77.0.22', 'grep -E "[[:space:]]worker3$" /etc/hosts')).stdout.trim()).to.equal('10.77.0.23 worker3');
    const again = await tsplay(args());
    expect(again.code, again.stdout.slice(-2000)).to.equal(0);
    expect(recapOf(again.stdout, 'worker3')?.changed, again.stdout.slice(-1500)).to.equal(0);
  });
});
