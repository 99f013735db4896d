// wait_for: wait ON THE HOST until a TCP port opens/closes or a path appears/disappears.
// A shell loop with sleeps (never a hot loop); one immediate probe in read() makes an already
// satisfied condition a no-op. Like Ansible it never reports changed.
import type { Module, Plan, TaskResult } from '../types.js';
import { sh, ShellCommand } from '../../transport/quote.js';

export interface WaitForParams {
  host?: string;
  port?: number;
  path?: string;
  state?: 'started' | 'stopped' | 'present' | 'absent';
  timeout?: number;
  delay?: number;
  sleep?: number;
  connect_timeout?: number;
  msg?: string;
}

interface WaitForRead {
  /** the condition held at the first look */
  satisfied: boolean;
  /** no way to probe a port on this host (neither bash nor nc) */
  noProbe?: boolean;
}

// `probe` exits 0 when the port accepts a connection. bash's /dev/tcp is not POSIX, but bash is
// on every Debian (essential); nc is the fallback. Host and port arrive as $1 and $2, never spliced.
const PROBE_FN = new ShellCommand(`if command -v bash >/dev/null 2>&1; then
  probe() { timeout "$3" bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$1" "$2" 2>/dev/null; }
elif command -v nc >/dev/null 2>&1; then
  probe() { nc -z -w "$3" "$1" "$2" 2>/dev/null; }
else
  echo "wait_for: neither bash nor nc is available to probe a port" >&2; exit 3
fi`);

/** The shell test for the condition: exits 0 when it holds. */
export function conditionCommand(p: WaitForParams): ShellCommand {
  const state = p.state ?? 'started';
  const wantUp = state === 'started' || state === 'present';
  if (p.path !== undefined) return wantUp ? sh`[ -e ${p.path} ]` : sh`[ ! -e ${p.path} ]`;
  const probe = sh`probe ${p.host ?? '127.0.0.1'} ${String(p.port)} ${String(p.connect_timeout ?? 5)}`;
  return wantUp ? probe : sh`! ${probe}`;
}

function describe(p: WaitForParams): string {
  const state = p.state ?? 'started';
  if (p.path !== undefined) return `${p.path} to be ${state === 'absent' || state === 'stopped' ? 'absent' : 'present'}`;
  return `port ${p.port} on ${p.host ?? '127.0.0.1'} to be ${state === 'stopped' || state === 'absent' ? 'closed' : 'open'}`;
}

/** Delay, then test every `sleep` seconds until the deadline. Exit 0 met, 1 timed out. */
export function waitLoopCommand(p: WaitForParams): ShellCommand {
  // milliseconds where date has %N (GNU): whole seconds would end a 2 s wait after ~1 s
  return sh`${PROBE_FN}
now_ms() { t=$(date +%s%3N 2>/dev/null); case $t in ''|*[!0-9]*) t=$(( $(date +%s) * 1000 ));; esac; echo "$t"; }
start=$(now_ms)
sleep ${String(p.delay ?? 0)}
while :; do
  if ${conditionCommand(p)}; then echo "elapsed=$(( ($(now_ms) - start) / 1000 ))"; exit 0; fi
  if [ $(( $(now_ms) - start )) -ge $(( ${String(p.timeout ?? 300)} * 1000 )) ]; then echo "elapsed=$(( ($(now_ms) - start) / 1000 ))"; exit 1; fi
  sleep ${String(p.sleep ?? 1)}
done`;
}

export const waitForModule: Module<WaitForParams, WaitForRead> = {
  name: 'wait_for',
  schema: {
    type: 'object',
    description: 'Wait until a port opens or closes or a path appears or goes, on the host.',
    additionalProperties: false,
    properties: {
      host: { type: 'string', pattern: '^[A-Za-z0-9_.:%-]+$', default: '127.0.0.1', description: 'Host or address whose port is probed (from the host the task runs on).' },
      port: { type: 'integer', minimum: 1, maximum: 65535, description: 'TCP port to wait for.' },
      path: { type: 'string', pattern: '^/', description: 'File to wait for instead of a port.' },
      state: { enum: ['started', 'stopped', 'present', 'absent'], default: 'started', description: 'started/present: open port or existing path; stopped/absent: closed port or missing path.' },
      timeout: { type: 'integer', minimum: 0, default: 300, description: 'Seconds to wait before failing.' },
      delay: { type: 'integer', minimum: 0, default: 0, description: 'Seconds to wait before the first check.' },
      sleep: { type: 'number', exclusiveMinimum: 0, default: 1, description: 'Seconds between checks.' },
      connect_timeout: { type: 'integer', minimum: 1, default: 5, description: 'Seconds one connection attempt may take.' },
      msg: { type: 'string', description: 'Message on timeout instead of the default one.' },
    },
    oneOf: [{ required: ['port'], not: { required: ['path'] } }, { required: ['path'], not: { required: ['port'] } }],
  },

  async read(ctx, p) {
    // Not a cached fact: a wait looks at the host as it is now.
    const r = await ctx.transport.exec(sh`${PROBE_FN}
if ${conditionCommand(p)}; then echo yes; else echo no; fi`, { become: ctx.become, timeoutMs: ((p.connect_timeout ?? 5) + 10) * 1000 });
    if (r.exitCode === 3) return { satisfied: false, noProbe: true };
    return { satisfied: r.stdout.trim() === 'yes' };
  },

  diff(p, cur): Plan {
    if (cur.noProbe) return { kind: 'fail', msg: 'wait_for: neither bash nor nc is available on the host to probe a port' };
    if (cur.satisfied && !(p.delay ?? 0)) return { kind: 'noop', reason: `${describe(p)}: already so`, result: { elapsed: 0 } };
    // Waiting changes nothing, so check mode cannot say more than "would wait": it skips.
    return { kind: 'change', unknowable: true, summary: `wait up to ${p.timeout ?? 300}s for ${describe(p)}` };
  },

  async apply(ctx, p): Promise<TaskResult> {
    const started = Date.now();
    const budget = ((p.timeout ?? 300) + (p.delay ?? 0) + (p.connect_timeout ?? 5) + (p.sleep ?? 1) + 15) * 1000;
    const r = await ctx.transport.exec(waitLoopCommand(p), { become: ctx.become, timeoutMs: budget });
    const elapsed = Math.round((Date.now() - started) / 1000);
    if (r.exitCode === 0) return { changed: false, elapsed, msg: `${describe(p)}: done after ${elapsed}s` };
    const msg = p.msg ?? (r.exitCode === 3 ? r.stderr.trim() : `Timeout when waiting for ${describe(p)}`);
    return { changed: false, failed: true, elapsed, rc: r.exitCode, msg };
  },
};
