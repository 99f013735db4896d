// node dist/bench/from-log.js LOG [--readme]
// The results of a bench run that was cut short (the session or the machine stopped before the harness wrote
// them), rebuilt from its log: every run line the harness printed ("  run NAME: 12.34 s, main 88 MB, tree 59 MB
// [PROBLEMS: …]") under its workload heading. Memory is to the MB the log shows; a timed-out run has no
// projection. Writes bench/results/<date>-from-log.json and, with --readme, the table in bench/README.md.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { cpus, totalmem, release } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { markdown, targets, type BenchResults, type WorkloadResult } from './lib/report.js';
import { updateReadme } from './lib/readme.js';
import { summarizeRuns } from './lib/contender.js';

const HEADING = /^(W\d(?:-\d+)?) (.+) \((\d+) hosts\)$/;
const RUN = /^ {2}(run|warm-up) (.+?): ([\d.]+) s, main (\d+) MB, tree (\d+) MB(?: {2}PROBLEMS: (.*))?$/;

export function resultsFromLog(text: string): WorkloadResult[] {
  const out: WorkloadResult[] = [];
  let cur: WorkloadResult | undefined;
  for (const line of text.split('\n')) {
    const h = HEADING.exec(line);
    if (h) {
      cur = { id: h[1], title: h[2], hosts: Number(h[3]), contenders: [] };
      out.push(cur);
      continue;
    }
    const r = RUN.exec(line);
    if (!r || !cur) continue;
    const [, kind, name, wall, main, tree, problems] = r;
    let c = cur.contenders.find((x) => x.name === name);
    if (!c) cur.contenders.push((c = { name, command: '', runs: [], timedOut: false, problems: [] }));
    const list = problems ? problems.split('; ') : [];
    const timedOut = list.some((p) => p.startsWith('timed out'));
    c.runs.push({ counted: kind === 'run', wallMs: Number(wall) * 1000, mainPeakKb: Number(main) * 1024, treePeakPssKb: Number(tree) * 1024, treePeakProcs: 0, exitCode: null, timedOut, problems: list });
    if (timedOut) c.timedOut = true;
  }
  for (const w of out) for (const c of w.contenders) summarizeRuns(c);
  // a workload whose counted rounds did not finish is left out rather than shown with fewer runs
  return out.filter((w) => w.contenders.every((c) => c.timedOut || c.runs.some((x) => x.counted)));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [logFile] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const text = readFileSync(logFile, 'utf8');
  const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const workloads = resultsFromLog(text);
  const version = /^ansible-playbook \[core [^\]]+\]/m.exec(text)?.[0] ?? 'ansible-playbook';
  const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const results: BenchResults = {
    date,
    machine: { nproc: cpus().length, memoryGiB: totalmem() / 2 ** 30, kernel: release(), cpu: cpus()[0]?.model ?? 'unknown', node: process.version, ansible: version },
    commands: [`node dist/bench/from-log.js ${logFile}`],
    notes: [`Rebuilt from the log of a run that was cut short (${logFile}): memory to the MB, no projection for a timed-out run; workloads whose counted rounds did not finish are left out.`],
    workloads,
    targets: targets(workloads),
  };
  mkdirSync(join(repo, 'bench/results'), { recursive: true });
  writeFileSync(join(repo, 'bench/results', `${date.replace(/:/g, '-')}-from-log.json`), JSON.stringify(results, null, 2) + '\n');
  const md = markdown(results);
  process.stdout.write(md + '\n');
  if (process.argv.includes('--readme')) updateReadme(join(repo, 'bench/README.md'), md);
}
