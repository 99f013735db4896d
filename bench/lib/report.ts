// Results as JSON (bench/results/<date>.json) and as the Markdown table of bench/README.md, with the targets of issue 7.
import type { ContenderResult } from './contender.js';

export interface WorkloadResult {
  id: string;
  title: string;
  hosts: number;
  note?: string;
  contenders: ContenderResult[];
}

export interface Target {
  workload: string;
  what: string;
  value: number | undefined;
  /** e.g. ">= 20" */
  goal: string;
  met: boolean | undefined;
  /** the value is a bound (a run timed out), not a measurement */
  bound?: 'lower';
}

export interface BenchResults {
  date: string;
  machine: { nproc: number; memoryGiB: number; kernel: string; cpu: string; node: string; ansible: string };
  commands: string[];
  notes: string[];
  workloads: WorkloadResult[];
  targets: Target[];
}

const find = (w: WorkloadResult | undefined, prefix: string) => w?.contenders.find((c) => c.name.startsWith(prefix));
const med = (c: ContenderResult | undefined) => c?.wall?.median;
/** a ratio from runs that did not all do the expected work is shown, but decides nothing */
const clean = (c: ContenderResult | undefined) => !!c && !c.problems.some((p) => !p.startsWith('timed out'));

function ratio(workload: string, what: string, num: ContenderResult | undefined, den: ContenderResult | undefined, goal: string): Target {
  const a = med(num);
  const b = med(den);
  const value = a !== undefined && b !== undefined ? a / b : undefined;
  const [op, lim] = goal.split(' ');
  const bound = num?.timedOut ? ('lower' as const) : undefined;
  let met = value === undefined ? undefined : op === '>=' ? value >= Number(lim) : value <= Number(lim);
  if (bound && met === false) met = undefined; // a lower bound below the goal decides nothing
  const unclean = !clean(num) || !clean(den);
  if (unclean) met = undefined;
  return { workload, what: unclean ? `${what} (runs with problems, see checks)` : what, value, goal, met, bound };
}

/** The issue's targets, computed from the measured medians. */
export function targets(ws: WorkloadResult[]): Target[] {
  const w = (id: string) => ws.find((x) => x.id === id);
  const out: Target[] = [];
  const w1 = w('W1');
  if (w1) {
    const ts = find(w1, 'tsplay');
    out.push(ratio('W1', 'ansible (tuned) / tsplay', find(w1, 'ansible (tuned)'), ts, '>= 20'));
    if (find(w1, 'ansible (tuned + Mitogen)')) out.push(ratio('W1', 'ansible + Mitogen / tsplay', find(w1, 'ansible (tuned + Mitogen)'), ts, '>= 7'));
    out.push(ratio('W1', 'tsplay / floor (one exec per task)', ts, find(w1, 'floor: ssh2, one exec per task'), '<= 2'));
    out.push(ratio('W1', 'tsplay / floor (one exec per host), aim', ts, find(w1, 'floor: ssh2, one exec per host'), '<= 2'));
  }
  for (const id of ['W2', 'W3']) {
    const x = w(id);
    if (x) out.push(ratio(id, 'ansible (tuned) / tsplay', find(x, 'ansible (tuned)'), find(x, 'tsplay'), '>= 10'));
  }
  const w4 = w('W4');
  if (w4) out.push(ratio('W4', 'tsplay / floor (one exec per task)', find(w4, 'tsplay'), find(w4, 'floor: ssh2, one exec per task'), '<= 3'));
  const w5 = ws.filter((x) => x.id.startsWith('W5'));
  for (const x of w5) out.push(ratio(x.id, 'ansible (tuned) / tsplay', find(x, 'ansible (tuned)'), find(x, 'tsplay'), '>= 10'));
  const big = w5.find((x) => x.hosts === 500);
  if (big) {
    const kb = find(big, 'tsplay')?.mainPeakKb;
    const mb = kb ? kb / 1024 : undefined;
    out.push({ workload: big.id, what: 'tsplay controller peak RSS, MB', value: mb, goal: '<= 300', met: mb === undefined ? undefined : mb <= 300 });
  }
  const small = w5.find((x) => x.hosts === 200);
  if (small && big) {
    const a = med(find(small, 'tsplay'));
    const b = med(find(big, 'tsplay'));
    const v = a && b ? b / a : undefined;
    out.push({ workload: 'W5', what: 'tsplay time 500 hosts / 200 hosts (linear = 2.5)', value: v, goal: '<= 2.5', met: v === undefined ? undefined : v <= 2.5 });
  }
  return out;
}

const s = (ms: number | undefined) => (ms === undefined || Number.isNaN(ms) ? '–' : (ms / 1000).toFixed(2));
const mb = (kb: number | undefined) => (kb ? (kb / 1024).toFixed(0) : '–');

export function markdown(r: BenchResults): string {
  const L: string[] = [];
  L.push(`Measured ${r.date} on ${r.machine.nproc} cores (${r.machine.cpu}), ${r.machine.memoryGiB.toFixed(1)} GiB, Linux ${r.machine.kernel}, Node ${r.machine.node}, ${r.machine.ansible}.`);
  L.push('');
  L.push('| workload | contender | counted runs | median s | min s | max s | main process peak RSS MB | process tree peak PSS MB | checks |');
  L.push('|---|---|---|---|---|---|---|---|---|');
  for (const w of r.workloads) {
    for (const c of w.contenders) {
      const to = c.timedOut ? ' (timed out: lower bound)' : '';
      const proj = c.runs.find((x) => x.projectedMs)?.projectedMs;
      L.push(
        `| ${w.id} ${w.title} (${w.hosts} hosts) | ${c.name} | ${c.wall?.n ?? 0}${to} | ${c.timedOut ? '> ' : ''}${s(c.wall?.median)}${proj ? ` (projected ${s(proj)})` : ''} | ${s(c.wall?.min)} | ${s(c.wall?.max)} | ${mb(c.mainPeakKb)} | ${mb(c.treePeakPssKb)} | ${c.problems.length ? c.problems.join('; ').replace(/\|/g, '\\|') : 'ok'} |`,
      );
    }
  }
  L.push('');
  L.push('| workload | ratio | measured | target | met |');
  L.push('|---|---|---|---|---|');
  for (const t of r.targets)
    L.push(`| ${t.workload} | ${t.what} | ${t.value === undefined ? '–' : `${t.bound ? '> ' : ''}${t.value.toFixed(2)}`} | ${t.goal} | ${t.met === undefined ? 'not decided' : t.met ? 'yes' : '**no**'} |`);
  if (r.notes.length) {
    L.push('');
    for (const n of r.notes) L.push(`- ${n}`);
  }
  L.push('');
  L.push('Commands (each run; `$TMP` is the run\'s temp dir, where the harness writes playbooks, inventories and ansible.cfg):');
  L.push('');
  L.push('```');
  for (const c of r.commands) L.push(c);
  L.push('```');
  return L.join('\n');
}
