// The five workloads as lists of contenders, with the files each needs written into the run's temp dir.
import { execFileSync } from 'node:child_process';
import { writeFileSync, rmSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { w1Playbook, w1Tasks, w3Playbook } from './workload.js';
import { inventoryYaml, labHosts, loopbackHosts, type BenchHost, type Connection } from './inventory.js';
import { checkFor, genericCheck } from './checks.js';
import { ansibleEnv, type AnsibleSetup } from './ansible.js';
import { open, exec, type FloorHost } from './floor.js';
import { sh } from '../../engine/transport/quote.js';
import { loadInventory, selectHosts } from '../../engine/inventory/index.js';
import type { Contender } from './contender.js';
import type { LoopbackSshd } from './sshd.js';

export interface Paths {
  /** temp dir of this benchmark run */
  tmp: string;
  /** node binary and the tsplay CLI (dist/engine/cli/main.js next to this harness) */
  node: string;
  tsplayCli: string;
  floorScript: string;
  repo: string;
}

export interface LabHost {
  name: string;
  ip: string;
}

const labConn = (repo: string): Connection => ({
  user: 'root',
  keyFile: '/var/lib/tsplay-lab/id_ed25519',
  knownHosts: '/var/lib/tsplay-lab/known_hosts',
});

function write(p: Paths, name: string, text: string): string {
  const f = join(p.tmp, name);
  writeFileSync(f, text);
  return f;
}

const tsplayRun = (p: Paths, playbook: string, inventory: string, forks: number, extra: string[] = []) => [
  p.node,
  p.tsplayCli,
  'run',
  playbook,
  '-i',
  inventory,
  '-f',
  String(forks),
  ...extra,
];

/** Removes each lab host's benchmark root (not timed), over one ssh2 connection per host. */
async function wipeLab(hosts: BenchHost[], conn: Connection): Promise<void> {
  await Promise.all(
    hosts.map(async (h) => {
      const c = await open({ name: h.name, address: h.address, port: h.port, ...conn });
      try {
        await exec(c, sh`rm -rf -- ${h.root}`.text);
      } finally {
        c.end();
      }
    }),
  );
}

function floorSpec(hosts: BenchHost[], conn: Connection, checks: (h: BenchHost) => FloorHost['checks']): FloorHost[] {
  return hosts.map((h) => ({ name: h.name, address: h.address, port: h.port, ...conn, checks: checks(h) }));
}

const w1Checks = (h: BenchHost) => w1Tasks().map((t) => ({ command: checkFor(t, h.root).command.text, expect: checkFor(t, h.root).expect }));

/** W1 (converged, timed after a converging warm-up) and W2 (cold, wiped before each run) on the lab. */
export function labW1W2(p: Paths, lab: LabHost[], ansible: AnsibleSetup, cold: boolean): Contender[] {
  const conn = labConn(p.repo);
  const pb = write(p, 'w1.yml', w1Playbook());
  const names = lab.map((h) => h.name);
  const hostsFor = (engine: string) => labHosts(lab, engine);
  const inv = (engine: string) => write(p, `lab-${engine}.yml`, inventoryYaml(hostsFor(engine), conn));
  const expect = cold ? { ok: 60, changed: 60, failed: 0, unreachable: 0 } : { ok: 60, changed: 0, failed: 0, unreachable: 0 };
  const wipe = (engine: string) => (cold ? () => wipeLab(hostsFor(engine), conn) : undefined);
  const forks = lab.length;
  const out: Contender[] = [
    { name: 'tsplay', argv: tsplayRun(p, pb, inv('tsplay'), forks), hosts: names, expect, before: wipe('tsplay') },
    {
      name: 'ansible (tuned)',
      argv: ['ansible-playbook', pb, '-i', inv('ansible')],
      env: ansibleEnv(p.tmp, 'tuned', forks),
      hosts: names,
      expect,
      before: wipe('ansible'),
    },
  ];
  if (ansible.mitogen)
    out.push({
      name: 'ansible (tuned + Mitogen)',
      argv: ['ansible-playbook', pb, '-i', inv('mitogen')],
      env: ansibleEnv(p.tmp, 'mitogen', forks),
      hosts: names,
      expect,
      before: wipe('mitogen'),
    });
  if (!cold) {
    // The floors read tsplay's converged files: the same checks, so the same answers are expected.
    const spec = write(p, 'floor-w1.json', JSON.stringify(floorSpec(hostsFor('tsplay'), conn, w1Checks)));
    const fexpect = { ok: 60, failed: 0, unreachable: 0 };
    out.push(
      { name: 'floor: ssh2, one exec per task', argv: [p.node, p.floorScript, spec, 'per-task'], hosts: names, expect: fexpect },
      { name: 'floor: ssh2, one exec per host', argv: [p.node, p.floorScript, spec, 'batched'], hosts: names, expect: fexpect },
    );
  }
  return out;
}

/** W3: fact gathering only. Ansible gathers its default subset, tsplay its builtin facts. */
export function labW3(p: Paths, lab: LabHost[], ansible: AnsibleSetup): Contender[] {
  const conn = labConn(p.repo);
  const pb = write(p, 'w3.yml', w3Playbook());
  const names = lab.map((h) => h.name);
  const inv = write(p, 'lab-facts.yml', inventoryYaml(labHosts(lab, 'facts'), conn));
  const expect = { failed: 0, unreachable: 0 };
  const out: Contender[] = [
    { name: 'tsplay', argv: tsplayRun(p, pb, inv, lab.length), hosts: names, expect },
    { name: 'ansible (tuned)', argv: ['ansible-playbook', pb, '-i', inv], env: ansibleEnv(p.tmp, 'tuned', lab.length), hosts: names, expect },
  ];
  if (ansible.mitogen)
    out.push({
      name: 'ansible (tuned + Mitogen)',
      argv: ['ansible-playbook', pb, '-i', inv],
      env: ansibleEnv(p.tmp, 'mitogen', lab.length),
      hosts: names,
      expect,
    });
  return out;
}

/**
 * W4: playbooks/ha-cluster.yml re-run on the lab (tsplay only), against a floor of as many reads per host as the
 * run executed tasks there. By default in --check mode, because other people test on the same cluster: a converged
 * re-run changes nothing either way, and check mode does the same reads.
 */
export async function labW4(p: Paths, running: LabHost[], apply: boolean): Promise<Contender[]> {
  const conn = labConn(p.repo);
  // the cluster's hosts (a spare lab host, running but in no cluster group, is not part of the work)
  const inv = await loadInventory([join(p.repo, 'inventories/lab/hosts.yml')]);
  const cluster = new Set(selectHosts(inv, 'k8s_cluster:etcd'));
  const lab = running.filter((h) => cluster.has(h.name));
  const names = lab.map((h) => h.name);
  const spec = join(p.tmp, 'floor-w4.json');
  const tsplay: Contender = {
    name: `tsplay${apply ? '' : ' (--check)'}`,
    argv: tsplayRun(p, join(p.repo, 'playbooks/ha-cluster.yml'), join(p.repo, 'inventories/lab/hosts.yml'), 25, apply ? [] : ['--check']),
    hosts: names,
    expect: { changed: 0, failed: 0, unreachable: 0 },
    async afterFirst(_m, recap) {
      const hosts = lab.filter((h) => recap.has(h.name)).map((h) => ({ name: h.name, address: h.ip, port: 22, root: '' }));
      const spec0 = floorSpec(hosts, conn, (h) => {
        const c = recap.get(h.name)!;
        const n = c.ok + c.changed + c.failed + c.skipped;
        const g = genericCheck();
        return Array.from({ length: n }, () => ({ command: g.command.text, expect: g.expect }));
      });
      writeFileSync(spec, JSON.stringify(spec0));
    },
  };
  const floorExpect = { failed: 0, unreachable: 0 };
  return [
    tsplay,
    { name: 'floor: ssh2, one exec per task', argv: [p.node, p.floorScript, spec, 'per-task'], hosts: names, expect: floorExpect },
    { name: 'floor: ssh2, one exec per host', argv: [p.node, p.floorScript, spec, 'batched'], hosts: names, expect: floorExpect },
  ];
}

/**
 * W5: n inventory hosts served by one loopback sshd, W1's playbook, converged. tsplay's warm-up converges its roots;
 * Ansible's roots start as a copy of them (not timed), so Ansible's first run is already a converged run.
 */
export function loopbackW5(p: Paths, sshd: LoopbackSshd, n: number, ansibleTimeoutMs: number): Contender[] {
  const pb = write(p, 'w1.yml', w1Playbook());
  const conn = (engine: string): Connection => ({ user: 'root', keyFile: sshd.clientKey, knownHosts: sshd.knownHosts(engine) });
  const ts = loopbackHosts(n, sshd.address, sshd.port, 'tsplay');
  const an = loopbackHosts(n, sshd.address, sshd.port, 'ansible');
  const names = ts.map((h) => h.name);
  const expect = { ok: 60, changed: 0, failed: 0, unreachable: 0 };
  const tsInv = write(p, `w5-${n}-tsplay.yml`, inventoryYaml(ts, conn('tsplay')));
  // Every host is the same 127.0.0.1:port for ssh, so Ansible needs a ControlPath per inventory host, else all
  // hosts would share one master connection.
  const anInv = write(p, `w5-${n}-ansible.yml`, inventoryYaml(an, conn('ansible'), (h) => ({ ansible_control_path: `%(directory)s/${h.name}` })));
  let seeded = false;
  const seedAnsible = async () => {
    if (seeded) return;
    seeded = true;
    rmSync('/srv/tsplay-bench-w5/ansible', { recursive: true, force: true });
    mkdirSync('/srv/tsplay-bench-w5', { recursive: true });
    execFileSync('cp', ['-a', '--', '/srv/tsplay-bench-w5/tsplay', '/srv/tsplay-bench-w5/ansible']);
  };
  return [
    { name: 'tsplay', argv: tsplayRun(p, pb, tsInv, n), hosts: names, expect },
    {
      name: 'ansible (tuned)',
      argv: ['ansible-playbook', pb, '-i', anInv],
      env: ansibleEnv(join(p.tmp, `w5-${n}`), 'tuned', n),
      hosts: names,
      expect,
      timeoutMs: ansibleTimeoutMs,
      before: seedAnsible,
    },
    {
      name: 'floor: ssh2, one exec per task',
      argv: [p.node, p.floorScript, write(p, `floor-w5-${n}.json`, JSON.stringify(floorSpec(ts, conn('tsplay'), w1Checks))), 'per-task'],
      hosts: names,
      expect: { ok: 60, failed: 0, unreachable: 0 },
    },
  ];
}
