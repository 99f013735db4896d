// Runs one engine command and measures it from outside: wall time, and memory of the controller's process tree
// sampled from /proc (the process is gone by the time it exits, so we sample while it runs).
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

export interface Measured {
  wallMs: number;
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  /** VmHWM of the main process (the engine's own process), kB; last value seen before exit */
  mainPeakKb: number;
  /** Highest sum of PSS over the main process and all its descendants seen in one sample, kB */
  treePeakPssKb: number;
  /** Most processes seen in the tree in one sample */
  treePeakProcs: number;
  timedOut: boolean;
}

export interface RunSpec {
  argv: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
  /** /proc sampling period */
  sampleMs?: number;
}

function readKb(file: string, key: string): number {
  try {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync(file, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0; // the process ended between listing and reading
  }
}

/** The pid and all its descendants, through /proc/PID/task/TID/children. */
export function processTree(pid: number): number[] {
  const out: number[] = [];
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop()!;
    out.push(p);
    let tids: string[];
    try {
      tids = readdirSync(`/proc/${p}/task`);
    } catch {
      continue; // already gone
    }
    for (const tid of tids) {
      try {
        const kids = readFileSync(`/proc/${p}/task/${tid}/children`, 'utf8').trim();
        if (kids) for (const k of kids.split(/\s+/)) stack.push(Number(k));
      } catch {
        /* gone */
      }
    }
  }
  return out;
}

/** Peak memory of one process (VmHWM, kB) and current PSS (kB). */
export function memoryOf(pid: number): { hwmKb: number; pssKb: number } {
  return { hwmKb: readKb(`/proc/${pid}/status`, 'VmHWM'), pssKb: readKb(`/proc/${pid}/smaps_rollup`, 'Pss') };
}

export function measure(spec: RunSpec): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(spec.argv[0], spec.argv.slice(1), {
      env: spec.env ?? process.env,
      cwd: spec.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    let mainPeakKb = 0;
    let treePeakPssKb = 0;
    let treePeakProcs = 0;
    let timedOut = false;
    const sample = () => {
      if (!child.pid || child.exitCode !== null) return;
      const pids = processTree(child.pid);
      let sum = 0;
      for (const p of pids) {
        const m = memoryOf(p);
        if (p === child.pid && m.hwmKb > mainPeakKb) mainPeakKb = m.hwmKb;
        sum += m.pssKb;
      }
      treePeakPssKb = Math.max(treePeakPssKb, sum);
      treePeakProcs = Math.max(treePeakProcs, pids.length);
    };
    const timer = setInterval(sample, spec.sampleMs ?? 200);
    const killer = spec.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          child.kill('SIGTERM');
        }, spec.timeoutMs)
      : undefined;
    child.on('error', (e) => {
      clearInterval(timer);
      if (killer) clearTimeout(killer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
      clearInterval(timer);
      if (killer) clearTimeout(killer);
      resolve({
        wallMs,
        exitCode: code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        mainPeakKb,
        treePeakPssKb,
        treePeakProcs,
        timedOut,
      });
    });
  });
}
