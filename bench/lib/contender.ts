// One thing being timed in a workload (an engine, an Ansible variant, a floor) and the loop that times them:
// warm-up rounds, then counted rounds, the order rotating every round so no contender always runs first (A/B alternation).
import { measure, type Measured } from './measure.js';
import { checkRecap, parseRecap, type RecapCounts, type RecapExpectation } from './recap.js';
import { summarize, type Summary } from './stats.js';

export interface Contender {
  name: string;
  argv: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  hosts: string[];
  expect: RecapExpectation;
  timeoutMs?: number;
  /** runs before each of this contender's runs, not timed (e.g. wiping files for a cold run) */
  before?: () => Promise<void>;
  /** runs once, after this contender's first run (e.g. deriving a floor from the engine's recap) */
  afterFirst?: (m: Measured, recap: Map<string, RecapCounts>) => Promise<void>;
}

export interface RunRecord {
  counted: boolean;
  wallMs: number;
  mainPeakKb: number;
  treePeakPssKb: number;
  treePeakProcs: number;
  exitCode: number | null;
  timedOut: boolean;
  /** for a timed-out run: wall time projected from the share of tasks it reached (Ansible's TASK headers) */
  projectedMs?: number;
  problems: string[];
}

export interface ContenderResult {
  name: string;
  command: string;
  runs: RunRecord[];
  wall?: Summary;
  mainPeakKb?: number;
  treePeakPssKb?: number;
  /** a run timed out: wall is a lower bound */
  timedOut: boolean;
  problems: string[];
}

const shellWord = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** Wall time a timed-out Ansible run would have taken, from how many of the play's tasks it started. */
export function projectTimedOut(stdout: string, wallMs: number, tasksInPlay: number): number | undefined {
  const started = (stdout.match(/^TASK \[/gm) ?? []).length;
  return started > 1 ? (wallMs * tasksInPlay) / (started - 1) : undefined;
}

export async function timeContenders(
  contenders: Contender[],
  rounds: { warmup: number; counted: number },
  log: (s: string) => void,
  tasksInPlay = 60,
): Promise<ContenderResult[]> {
  const results = contenders.map<ContenderResult>((c) => ({
    name: c.name,
    command: c.argv.map(shellWord).join(' '),
    runs: [],
    timedOut: false,
    problems: [],
  }));
  const first = new Set<number>();
  const total = rounds.warmup + rounds.counted;
  for (let r = 0; r < total; r++) {
    const counted = r >= rounds.warmup;
    for (let k = 0; k < contenders.length; k++) {
      const i = (k + r) % contenders.length;
      const c = contenders[i];
      const res = results[i];
      if (res.timedOut) continue; // a contender that already ran out of time is not run again
      await c.before?.();
      const m = await measure({ argv: c.argv, env: c.env, cwd: c.cwd, timeoutMs: c.timeoutMs });
      const recap = parseRecap(m.stdout);
      const problems = m.timedOut ? [`timed out after ${(m.wallMs / 1000).toFixed(0)} s`] : checkRecap(recap, c.hosts, c.expect);
      if (!m.timedOut && m.exitCode !== 0) problems.unshift(`exit code ${m.exitCode}: ${(m.stderr || m.stdout).trim().split('\n').slice(-3).join(' | ')}`);
      const rec: RunRecord = {
        counted,
        wallMs: m.wallMs,
        mainPeakKb: m.mainPeakKb,
        treePeakPssKb: m.treePeakPssKb,
        treePeakProcs: m.treePeakProcs,
        exitCode: m.exitCode,
        timedOut: m.timedOut,
        problems,
      };
      if (m.timedOut) {
        res.timedOut = true;
        rec.projectedMs = projectTimedOut(m.stdout, m.wallMs, tasksInPlay);
      }
      res.runs.push(rec);
      log(
        `  ${counted ? 'run' : 'warm-up'} ${c.name}: ${(m.wallMs / 1000).toFixed(2)} s, main ${(m.mainPeakKb / 1024).toFixed(0)} MB, tree ${(m.treePeakPssKb / 1024).toFixed(0)} MB${problems.length ? `  PROBLEMS: ${problems.join('; ')}` : ''}`,
      );
      if (!first.has(i)) {
        first.add(i);
        await c.afterFirst?.(m, recap);
      }
    }
  }
  for (const res of results) summarizeRuns(res);
  return results;
}

/** Fills a contender's wall-time summary, memory peaks and problems from its runs. */
export function summarizeRuns(res: ContenderResult): void {
  // a timed-out contender has only its one (warm-up) run: report that as a lower bound
  const counted = res.runs.filter((x) => x.counted || res.timedOut);
  res.wall = summarize(counted.map((x) => x.wallMs));
  res.mainPeakKb = Math.max(0, ...res.runs.map((x) => x.mainPeakKb));
  res.treePeakPssKb = Math.max(0, ...res.runs.map((x) => x.treePeakPssKb));
  res.problems = [...new Set(counted.flatMap((x) => x.problems))];
}
