// Faults on the lab: a full disk during a template write leaves the old file intact (and a
// rerun converges with only that change); --forks 1 and --forks 50 give the same end state.
import { expect } from 'chai';
import { mkdtemp, writeFile, rm, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../engine/paths.js';
import { tsplay, recapOf } from './run-tsplay.js';
import { LAB, labSsh } from './lab-ssh.js';

const INV = join(projectRoot(), 'inventories', 'lab');
const HOSTS: Record<string, string> = { master1: '10.77.0.11', master2: '10.77.0.12', master3: '10.77.0.13', worker1: '10.77.0.21', worker2: '10.77.0.22' };
const ssh = (ip: string, cmd: string) => labSsh(ip, cmd);

describe('e2e: faults on the lab', function () {
  this.timeout(300_000);
  let dir: string;
  before(async function () {
    try {
      await access(`${LAB}/id_ed25519`);
      await ssh(HOSTS.worker1, 'true');
    } catch {
      console.log('      (skipped: the lab is not up)');
      return this.skip();
    }
    dir = await mkdtemp(join(tmpdir(), 'tsplay-faults-'));
  });
  after(async () => {
    if (!dir) return; // skipped: no lab to clean up (each ssh would wait for its timeout)
    await ssh(HOSTS.worker1, 'umount /mnt/tsplay-full 2>/dev/null; rmdir /mnt/tsplay-full 2>/dev/null; true').catch(() => undefined);
    for (const ip of Object.values(HOSTS)) await ssh(ip, 'rm -rf /srv/tsplay-forks').catch(() => undefined);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('disk full during a template write: the task fails, the old file is intact, no temp file; a rerun converges', async () => {
    await ssh(HOSTS.worker1, `set -e; mkdir -p /mnt/tsplay-full; mountpoint -q /mnt/tsplay-full || mount -t tmpfs -o size=256k tmpfs /mnt/tsplay-full
      head -c 8192 /dev/zero | tr '\\0' o > /mnt/tsplay-full/app.conf
      head -c 300000 /dev/zero > /mnt/tsplay-full/filler 2>/dev/null || true`);
    const before = (await ssh(HOSTS.worker1, 'sha256sum /mnt/tsplay-full/app.conf')).stdout.split(' ')[0];
    await writeFile(join(dir, 'big.hbs'), '{{#each (range 4000)}}line {{ this }} of a config that does not fit\n{{/each}}');
    await writeFile(join(dir, 'site.yml'), `- hosts: worker1\n  gather_facts: false\n  tasks:\n    - name: big config\n      template: { src: ${join(dir, 'big.hbs')}, dest: /mnt/tsplay-full/app.conf }\n`);
    const r = await tsplay(['run', join(dir, 'site.yml'), '-i', INV]);
    expect(r.code, r.stdout).to.equal(2);
    expect(r.stdout).to.match(/fatal: \[worker1\]: FAILED! .*(No space left|short write)/);
    const after = await ssh(HOSTS.worker1, 'sha256sum /mnt/tsplay-full/app.conf; ls -A /mnt/tsplay-full');
    expect(after.stdout.split(' ')[0]).to.equal(before);
    expect(after.stdout).to.not.include('.tsplay-put');
    await ssh(HOSTS.worker1, 'rm -f /mnt/tsplay-full/filler');
    const again = await tsplay(['run', join(dir, 'site.yml'), '-i', INV]);
    expect(again.code, again.stdout).to.equal(0);
    expect(recapOf(again.stdout, 'worker1')?.changed).to.equal(1);
    expect((await ssh(HOSTS.worker1, 'grep -c "of a config" /mnt/tsplay-full/app.conf')).stdout.trim()).to.equal('4000');
  });

  it('--forks 1 and --forks 50 reach the same end state on every host', async () => {
    await writeFile(
      join(dir, 'forks.yml'),
      `- hosts: k8s_cluster\n  gather_facts: true\n  tasks:\n    - file: { path: "/srv/tsplay-forks/{{ item }}", state: directory, mode: "0750" }\n      loop: [a, b, c]\n    - copy: { dest: "/srv/tsplay-forks/a/{{ item }}.txt", content: "{{ inventory_hostname }} {{ item }} {{ ansible_default_ipv4.address }}\\n" }\n      loop: [1, 2, 3, 4, 5]\n    - lineinfile: { path: /srv/tsplay-forks/b/conf, line: "host={{ inventory_hostname }}", create: true }\n    - command: touch /srv/tsplay-forks/c/made\n      args: { creates: /srv/tsplay-forks/c/made }\n`,
    );
    const state = async () => {
      const out: Record<string, string> = {};
      for (const [h, ip] of Object.entries(HOSTS)) {
        out[h] = (await ssh(ip, "cd /srv/tsplay-forks && find . -printf '%p %M %s\\n' | sort && find . -type f -exec sha256sum {} + | sort")).stdout;
      }
      return out;
    };
    const wipe = async () => {
      for (const ip of Object.values(HOSTS)) await ssh(ip, 'rm -rf /srv/tsplay-forks');
    };
    await wipe();
    const one = await tsplay(['run', join(dir, 'forks.yml'), '-i', INV, '--forks', '1']);
    expect(one.code, one.stdout.slice(-1500)).to.equal(0);
    const s1 = await state();
    await wipe();
    const fifty = await tsplay(['run', join(dir, 'forks.yml'), '-i', INV, '--forks', '50']);
    expect(fifty.code, fifty.stdout.slice(-1500)).to.equal(0);
    const s50 = await state();
    expect(s50).to.deep.equal(s1);
    expect(s1.worker2).to.include('./a/5.txt');
  });
});
