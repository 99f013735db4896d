// Runs the real CLI as a child process, as a person would.
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
