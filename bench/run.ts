// npm run bench [-- --quick] [--only W1,W3] [--runs N] [--w5-hosts 200,500] [--ansible-w5-timeout S] [--w4-apply] [--no-readme]
// Runs the workloads of issue 7 with tsplay, ansible-playbook and an ssh2 floor on the lab hosts (and, for W5, on a
// loopback sshd), alternating contenders, and writes bench/results/<date>.json and the table in bench/README.md.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { cpus, totalmem, release, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, type AddressInfo } from 'node:net';
import { ensureAnsible } from './lib/ansible.js';
import { timeContenders, type Contender } from './lib/contender.js';
import { labW1W2, labW3, labW4, loopbackW5, type LabHost, type Paths } from './lib/workloads.js';
import { markdown, targets, type BenchResults, type WorkloadResult } from './lib/report.js';
import { startLoopbackSshd } from './lib/sshd.js';
import { updateReadme } from './lib/readme.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');


const opt = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const rounds = quick ? { warmup: 1, counted: 2 } : { warmup: 1, counted: Math.max(5, Number(opt('--runs') ?? 5)) };
const w5Sizes = opt('--w5-hosts')?.split(',').map(Number) ?? (quick ? [200] : [200, 500]);
// Ansible takes about 13 s per W1 task at 200 hosts (projected 2,600 s for the play): a run that
// hits the cap is reported as a lower bound with a projection, and is not repeated
const ansibleW5TimeoutMs = Number(opt('--ansible-w5-timeout') ?? (quick ? 300 : 600)) * 1000;
const only = opt('--only') ? new Set(opt('--only')!.split(',')) : undefined;
const want = (id: string) => !only || only.has(id);
const log = (s: string) => process.stderr.write(s + '\n');

const here = dirname(fileURLToPath(import.meta.url));
function repoRoot(): string {
  for (let d = here; d !== '/'; d = dirname(d)) if (existsSync(join(d, 'package.json')) && existsSync(join(d, 'bench'))) return d;
  throw new Error('repository root not found');
}
const repo = repoRoot();
const tmp = mkdtempSync(join(tmpdir(), 'tsplay-bench-'));
const paths: Paths = {
  tmp,
  node: process.execPath,
  tsplayCli: join(here, '../engine/cli/main.js'),
  floorScript: join(here, 'floor.js'),
  repo,
};

function labStatus(): { hosts: { name: string; ip: string; running: boolean; reachable: boolean }[] } {
  const out = execFileSync(paths.node, [paths.tsplayCli, 'lab', 'status'], { encoding: 'utf8' });
  return JSON.parse(out.slice(out.indexOf('{')));
}

/** The running lab hosts; brings the lab up only when none is running (never takes it down). */
function labHostsUp(): LabHost[] {
  let st = labStatus();
  if (!st.hosts.some((h) => h.running)) {
    log('lab is down: tsplay lab up');
    execFileSync(paths.node, [paths.tsplayCli, 'lab', 'up'], { stdio: ['ignore', 'inherit', 'inherit'] });
    st = labStatus();
  }
  return st.hosts.filter((h) => h.running && h.reachable).map((h) => ({ name: h.name, ip: h.ip }));
}

function freePort(preferred: number): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => {
      const t = createServer();
      t.listen(0, '127.0.0.1', () => {
        const { port } = t.address() as AddressInfo;
        t.close(() => resolve(port));
      });
    });
    s.listen(preferred, '127.0.0.1', () => s.close(() => resolve(preferred)));
  });
}

const ansible = ensureAnsible(log);
log(`${ansible.version}; Mitogen: ${ansible.mitogen ? 'yes (strategy mitogen_linear)' : `no (${ansible.mitogenNote})`}`);
const workloads: WorkloadResult[] = [];
const commands = new Set<string>();
const notes: string[] = [
  `${quick ? 'Quick run (--quick)' : 'Full run'}: ${rounds.warmup} warm-up round, ${rounds.counted} counted rounds; the order of contenders rotates every round.`,
  'Ansible: pipelining on, ControlPersist 120s, forks = number of hosts, interpreter_python set (no discovery), facts only where tsplay gathers them; host keys checked against the lab\'s known_hosts.',
  ansible.mitogen ? 'Mitogen: Debian ansible-mitogen, strategy mitogen_linear.' : `Mitogen not measured: ${ansible.mitogenNote}.`,
  'Peak RSS: VmHWM of the engine\'s main process (for Ansible, the ansible-playbook process); tree PSS: the highest sum of PSS over the process and its descendants (Ansible\'s forked workers and ssh clients), sampled every 200 ms. ControlPersist masters leave the tree and are not counted.',
];

async function workload(id: string, title: string, hostCount: number, contenders: Contender[], note?: string, tasksInPlay = 60) {
  log(`${id} ${title} (${hostCount} hosts)`);
  for (const c of contenders) {
    const env = c.env?.ANSIBLE_CONFIG ? `ANSIBLE_CONFIG=${c.env.ANSIBLE_CONFIG} ` : '';
    commands.add(`${env}${c.argv.join(' ')}`.replaceAll(tmp, '$TMP').replaceAll(process.execPath, 'node').replaceAll(repo + '/', ''));
  }
  const results = await timeContenders(contenders, rounds, log, tasksInPlay);
  workloads.push({ id, title, hosts: hostCount, note, contenders: results });
}

try {
  const needLab = ['W1', 'W2', 'W3', 'W4'].some(want);
  const lab = needLab ? labHostsUp() : [];
  if (needLab && lab.length === 0) throw new Error('no lab host is reachable');
  if (want('W1')) await workload('W1', 'converged, 60 tasks', lab.length, labW1W2(paths, lab, ansible, false));
  if (want('W2')) await workload('W2', 'cold, 60 tasks', lab.length, labW1W2(paths, lab, ansible, true));
  if (want('W3')) await workload('W3', 'facts', lab.length, labW3(paths, lab, ansible));
  if (want('W4')) {
    const apply = args.includes('--w4-apply');
    const w4 = await labW4(paths, lab, apply);
    await workload('W4', `ha-cluster.yml re-run${apply ? '' : ' (--check)'}`, w4[0].hosts.length, w4);
  }
  if (want('W5')) {
    const sshd = await startLoopbackSshd(join(tmp, 'sshd'), await freePort(2299));
    try {
      rmSync('/srv/tsplay-bench-w5', { recursive: true, force: true });
      for (const n of w5Sizes) await workload(`W5-${n}`, 'scale, W1 converged', n, loopbackW5(paths, sshd, n, ansibleW5TimeoutMs));
    } finally {
      await sshd.stop();
    }
  }
} finally {
  const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const results: BenchResults = {
    date,
    machine: {
      nproc: cpus().length,
      memoryGiB: totalmem() / 2 ** 30,
      kernel: release(),
      cpu: cpus()[0]?.model ?? 'unknown',
      node: process.version,
      ansible: ansible.version,
    },
    // the harness invocation as it was run (npm run bench runs dist/bench/run.js)
    commands: [['node', relative(repo, process.argv[1]), ...args].join(' '), ...commands],
    notes,
    workloads,
    targets: targets(workloads),
  };
  const dir = join(repo, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${date.replace(/:/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
  const md = markdown(results);
  process.stdout.write(md + '\n');
  if (!args.includes('--no-readme') && workloads.length) updateReadme(join(repo, 'bench/README.md'), md);
  log(`results: ${file}`);
  rmSync(tmp, { recursive: true, force: true });
}
