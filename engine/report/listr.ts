// Progress on a terminal: each task is a listr2 list with one line per host that turns into
// ok / changed / skipped / failed as results arrive. Banners, diffs and the recap are printed
// between lists. Only a view: the runner schedules and decides, this only draws.
import type { Writable } from 'node:stream';
import { Listr, ListrLogger, ProcessOutput } from 'listr2';
import type { HostResultEvent, HostStats, Reporter, RunInfo, TaskInfo } from './types.js';
import { recapLine } from './recap.js';
import { formatFileDiff } from './file-diff.js';

interface Pending {
  resolve(ev: HostResultEvent): void;
}

export class ListrReporter implements Reporter {
  /** drawing happens in order, one list at a time, even when events come faster */
  private chain: Promise<void> = Promise.resolve();
  private hosts = new Map<string, Pending>();
  private info?: RunInfo;

  constructor(private out: Writable) {}

  private later(fn: () => void | Promise<void>): void {
    this.chain = this.chain.then(fn).catch((e) => {
      this.out.write(`(progress view failed: ${(e as Error).message})\n`);
    });
  }

  onRunStart(info: RunInfo): void {
    this.info = info;
  }
  onPlayStart(play: { name: string }): void {
    this.later(() => void this.out.write(`\nPLAY [${play.name}]\n`));
  }
  onWarning(msg: string): void {
    this.later(() => void this.out.write(`[WARNING]: ${msg}\n`));
  }

  onTaskStart(task: TaskInfo): void {
    const title = `${task.handler ? 'RUNNING HANDLER' : 'TASK'} [${task.role ? `${task.role} : ` : ''}${task.name}]`;
    const hosts = task.hosts ?? [];
    this.settleMissing(task);
    const results = hosts.map(
      (h) => new Promise<HostResultEvent>((resolve) => this.hosts.set(h, { resolve })),
    );
    const diffs: string[] = [];
    const list = new Listr(
      [
        {
          title,
          task: (_ctx, t) =>
            t.newListr(
              hosts.map((h, i) => ({
                title: h,
                task: async (_c, ht) => {
                  const ev = await results[i];
                  if (this.info?.diff && ev.result.diff?.length && ev.status !== 'skipped') diffs.push(...ev.result.diff.map(formatFileDiff));
                  const where = ev.delegatedTo ? `${h} -> ${ev.delegatedTo}` : h;
                  if (ev.status === 'skipped') return ht.skip(`skipping: [${where}]`);
                  if (ev.status === 'failed' || ev.status === 'unreachable') {
                    const r = ev.result;
                    const detail = `${r.rc !== undefined && r.rc !== null ? ` (rc=${r.rc})` : ''}${r.stderr ? `: ${String(r.stderr).trim().split('\n')[0]}` : ''}`;
                    throw new Error(`${ev.status === 'unreachable' ? 'UNREACHABLE' : 'FAILED'}: [${where}] ${String(r.msg ?? '')}${detail}`);
                  }
                  const shown = ev.task.module === 'debug' && ev.result.msg !== undefined ? ` => ${JSON.stringify(ev.result.msg)}` : '';
                  ht.title = `${ev.status}: [${where}]${ev.status === 'ignored' ? ' (failed, ignored)' : ''}${shown}`;
                },
              })),
              { concurrent: true, exitOnError: false },
            ),
        },
      ],
      {
        exitOnError: false,
        registerSignalListeners: false,
        rendererOptions: {
          collapseSubtasks: false,
          collapseErrors: false,
          // listr2 writes through our stream too (the redactor sits in it)
          logger: new ListrLogger({ processOutput: new ProcessOutput(this.out as NodeJS.WriteStream, this.out as NodeJS.WriteStream) }),
        },
      },
    );
    this.later(async () => {
      await list.run().catch(() => undefined);
      for (const d of diffs) this.out.write(d);
    });
  }

  onHostResult(ev: HostResultEvent): void {
    if (ev.itemLabel !== undefined) return; // items are summed up in the host's line
    const p = this.hosts.get(ev.host);
    if (p) p.resolve(ev);
  }

  /** a host that got no result (the run moved on) must not leave its line waiting forever */
  private settleMissing(task: TaskInfo): void {
    for (const [host, p] of this.hosts) p.resolve({ task, host, status: 'skipped', result: { changed: false } });
    this.hosts.clear();
  }

  onRecap(stats: Record<string, HostStats>): void {
    this.settleMissing({ name: '', module: '', where: '' });
    this.later(() => {
      this.out.write('\nPLAY RECAP\n');
      const hosts = Object.keys(stats);
      const width = hosts.reduce((w, h) => Math.max(w, h.length), 0);
      for (const h of hosts) this.out.write(recapLine(h, stats[h], width) + '\n');
    });
  }

  /** resolves once everything is drawn */
  flush(): Promise<void> {
    return this.chain;
  }
}
