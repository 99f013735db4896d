// Read commands asked for in the same turn of the event loop go to the host as one exec: each
// runs in its own subshell, and a random boundary line after it on stdout (with its exit code)
// and on stderr splits the output again. A round trip costs more than the reads themselves.
import { randomBytes } from 'node:crypto';
import { ShellCommand } from '../transport/quote.js';
import type { Become, ExecResult, Transport } from '../transport/types.js';

interface Pending {
  cmd: ShellCommand;
  become?: Become;
  resolve(r: ExecResult): void;
  reject(e: unknown): void;
}

/** `sh -c` takes its script as one argument; Linux caps one argument at 128 KiB */
const MAX_SCRIPT_BYTES = 60_000;
const MAX_COMMANDS = 64;

export class BatchExec {
  private queue: Pending[] = [];
  private scheduled = false;
  constructor(
    private transport: Transport,
    /** execs sent and the commands they carried: the run's counters for the host (run-metrics.ts) */
    readonly stats: { execs: number; commands: number } = { execs: 0, commands: 0 },
  ) {}

  exec(cmd: ShellCommand, become?: Become): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ cmd, become, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // setImmediate runs after every promise continuation of this turn: reads that start
        // together (one task's, and the read-ahead of the tasks after it) meet in the queue
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const queue = this.queue;
    this.queue = [];
    const groups = new Map<string, Pending[]>();
    for (const p of queue) {
      const key = p.become ? JSON.stringify([p.become.method, p.become.user, p.become.password ?? null]) : '';
      let g = groups.get(key);
      if (!g) groups.set(key, (g = []));
      g.push(p);
    }
    for (const g of groups.values()) for (const chunk of chunks(g)) void this.send(chunk);
  }

  private async send(items: Pending[]): Promise<void> {
    this.stats.execs++;
    this.stats.commands += items.length;
    if (items.length === 1) {
      const [p] = items;
      return this.transport.exec(p.cmd, { become: p.become }).then(p.resolve, p.reject);
    }
    const boundary = `tsplay-batch-${randomBytes(12).toString('hex')}`;
    let r: ExecResult;
    try {
      r = await this.transport.exec(batchScript(items.map((p) => p.cmd), boundary), { become: items[0].become });
    } catch (e) {
      for (const p of items) p.reject(e);
      return;
    }
    const parts = splitBatchOutput(r, boundary, items.length);
    if (!parts) {
      // the batch did not run to its end (sudo refused, the shell was killed): run each alone,
      // so that every read gets its own true result
      for (const p of items) this.transport.exec(p.cmd, { become: p.become }).then(p.resolve, p.reject);
      return;
    }
    items.forEach((p, i) => p.resolve(parts[i]));
  }
}

function chunks(items: Pending[]): Pending[][] {
  const out: Pending[][] = [];
  let cur: Pending[] = [];
  let size = 0;
  for (const p of items) {
    const n = Buffer.byteLength(p.cmd.text) + 100;
    if (cur.length && (size + n > MAX_SCRIPT_BYTES || cur.length >= MAX_COMMANDS)) {
      out.push(cur);
      cur = [];
      size = 0;
    }
    cur.push(p);
    size += n;
  }
  if (cur.length) out.push(cur);
  return out;
}

/** One script running each command in a subshell, stdin closed, each followed by boundary lines. */
export function batchScript(cmds: ShellCommand[], boundary: string): ShellCommand {
  // the newline before ")" ends a trailing comment; the one before the boundary is taken off
  // again by the parser, so output that lacks a final newline comes back as it was
  const body = cmds.map((c) => `(\n${c.text}\n) </dev/null\nprintf '\\n%s %s\\n' "$B" "$?"\nprintf '\\n%s\\n' "$B" >&2`).join('\n');
  return new ShellCommand(`B=${boundary}\n${body}\n`);
}

/** The results of a batch, or undefined when the output does not hold all of them. */
export function splitBatchOutput(r: ExecResult, boundary: string, count: number): ExecResult[] | undefined {
  if (r.exitCode !== 0) return undefined;
  const out = r.stdoutBytes;
  const err = Buffer.from(r.stderr, 'utf8');
  const outMark = Buffer.from(`\n${boundary} `);
  const errMark = Buffer.from(`\n${boundary}\n`);
  const results: ExecResult[] = [];
  let o = 0;
  let e = 0;
  for (let i = 0; i < count; i++) {
    const at = out.indexOf(outMark, o);
    if (at < 0) return undefined;
    const eol = out.indexOf(10, at + outMark.length);
    if (eol < 0) return undefined;
    const code = Number(out.subarray(at + outMark.length, eol).toString('latin1'));
    if (!Number.isInteger(code)) return undefined;
    const eat = err.indexOf(errMark, e);
    if (eat < 0) return undefined;
    const stdoutBytes = Buffer.from(out.subarray(o, at));
    results.push({ exitCode: code, stdout: stdoutBytes.toString('utf8'), stdoutBytes, stderr: err.subarray(e, eat).toString('utf8') });
    o = eol + 1;
    e = eat + errMark.length;
  }
  return o === out.length ? results : undefined;
}
