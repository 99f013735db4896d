// Runs the real CLI as a child process, as a person would.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'engine', 'cli', 'main.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function tsplay(args: string[], opts: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const t = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 300_000);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(t);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** the recap numbers of one host from plain output */
export function recapOf(stdout: string, host: string): Record<string, number> | undefined {
  const re = new RegExp(`^${host.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s+: (ok=\\d+ changed=\\d+ unreachable=\\d+ failed=\\d+ skipped=\\d+ rescued=\\d+ ignored=\\d+)$`, 'm');
  const m = re.exec(stdout);
  if (!m) return undefined;
  return Object.fromEntries(m[1].split(' ').map((kv) => [kv.split('=')[0], Number(kv.split('=')[1])]));
}

/**
 * What failed in a `--json` run, one line a host: play, task, where, host and the result's message
 * and stderr tail; a failed assertion on the exit code shows these first, where a tail of the JSON
 * would show only the last plays.
 */
export function failuresOf(jsonStdout: string): string {
  let run: { plays?: { play: { name: string }; tasks: { task: { name: string; where?: string }; hosts: Record<string, Record<string, unknown>> }[] }[] };
  try {
    run = JSON.parse(jsonStdout);
  } catch {
    return '(output is not JSON)';
  }
  const lines: string[] = [];
  for (const p of run.plays ?? [])
    for (const t of p.tasks)
      for (const [h, r] of Object.entries(t.hosts))
        if (r.failed || r.unreachable)
          lines.push(`${r.unreachable ? 'UNREACHABLE' : 'FAILED'} [${h}] ${p.play.name} / ${t.task.name} (${t.task.where ?? '?'}): ${String(r.msg ?? '').slice(0, 600)}${r.stderr ? ` | stderr: ${String(r.stderr).slice(-600)}` : ''}`);
  return lines.join('\n') || '(no failed task in the output)';
}

/**
 * `tsplay ARGS --json` that must exit 0: the parsed JSON (and the raw output). A failed run's
 * assertion names each failed task, host and message first (failuresOf), then stderr.
 */
export async function runJsonOk<T>(args: string[], timeoutMs = 600_000): Promise<{ json: T; stdout: string }> {
  const r = await tsplay([...args, '--json'], { timeoutMs });
  expect(r.code, `tsplay ${args.join(' ')}\n${failuresOf(r.stdout)}\n${r.stderr.slice(-4000)}`).to.equal(0);
  return { json: JSON.parse(r.stdout) as T, stdout: r.stdout };
}
