// What command and shell share: creates/removes decide without running anything; otherwise the
// outcome cannot be known in advance (check mode skips it); the result is Ansible's.
import { fileStat, type FileStat } from '../../facts/file-stat.js';
import type { ShellCommand } from '../../transport/quote.js';
import type { ModuleContext, Plan, TaskResult } from '../types.js';

export interface RunParams {
  cmd?: string;
  creates?: string;
  removes?: string;
  chdir?: string;
  stdin?: string;
  stdin_add_newline?: boolean;
  strip_empty_ends?: boolean;
}

export interface RunCurrent {
  creates?: FileStat;
  removes?: FileStat;
}

export const runSchema = {
  creates: { type: 'string', description: 'Do not run when this path exists (relative paths are taken from chdir).' },
  removes: { type: 'string', description: 'Run only when this path exists (relative paths are taken from chdir).' },
  chdir: { type: 'string', description: 'Directory to run in.' },
  stdin: { type: 'string', description: 'Text fed to the command on standard input.' },
  stdin_add_newline: { type: 'boolean', default: true, description: 'Append a newline to stdin.' },
  strip_empty_ends: { type: 'boolean', default: true, description: 'Strip trailing newlines from stdout and stderr.' },
};

export function resolve(path: string, chdir?: string): string {
  return chdir && !path.startsWith('/') ? `${chdir.replace(/\/+$/, '')}/${path}` : path;
}

export async function readGuards(ctx: ModuleContext, p: RunParams): Promise<RunCurrent> {
  const cur: RunCurrent = {};
  const stat = (path: string) => ctx.facts.get(fileStat, { path: resolve(path, p.chdir), follow: true }, ctx.become);
  if (p.creates !== undefined) cur.creates = await stat(p.creates);
  if (p.removes !== undefined) cur.removes = await stat(p.removes);
  return cur;
}

/** Pure: creates/removes say "nothing to do", or the command runs. */
export function planRun(p: RunParams, cur: RunCurrent, display: string, cmdResult: unknown, data: unknown): Plan {
  const skip = (reason: string): Plan => ({ kind: 'noop', reason, result: { cmd: cmdResult, rc: 0, stdout: `skipped, since ${reason}`, stdout_lines: [`skipped, since ${reason}`], stderr: '', stderr_lines: [] } });
  if (cur.creates?.exists) return skip(`${resolve(p.creates!, p.chdir)} exists`);
  if (cur.removes && !cur.removes.exists) return skip(`${resolve(p.removes!, p.chdir)} does not exist`);
  // creates/removes decide: the command will run, so check mode can report that change
  const decided = p.creates !== undefined || p.removes !== undefined;
  return { kind: 'change', summary: `run: ${display}`, unknowable: !decided, data, result: { cmd: cmdResult } };
}

function lines(s: string): string[] {
  return s === '' ? [] : s.replace(/\n$/, '').split('\n');
}

export async function runCommand(ctx: ModuleContext, p: RunParams, command: ShellCommand, cmdResult: unknown, cwd?: string): Promise<TaskResult> {
  const stdin = p.stdin === undefined ? undefined : p.stdin_add_newline === false ? p.stdin : `${p.stdin}\n`;
  const start = new Date();
  const r = await ctx.transport.exec(command, { become: ctx.become, stdin, cwd });
  const end = new Date();
  const strip = (s: string) => (p.strip_empty_ends === false ? s : s.replace(/[\r\n]+$/, ''));
  const stdout = strip(r.stdout);
  const stderr = strip(r.stderr);
  const result: TaskResult = {
    changed: true,
    cmd: cmdResult,
    rc: r.exitCode,
    stdout,
    stderr,
    stdout_lines: lines(stdout),
    stderr_lines: lines(stderr),
    start: start.toISOString(),
    end: end.toISOString(),
    delta: `${((end.getTime() - start.getTime()) / 1000).toFixed(3)}s`,
    msg: r.exitCode === 0 ? '' : 'non-zero return code',
  };
  if (r.exitCode !== 0) result.failed = true;
  return result;
}
