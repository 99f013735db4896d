// `tsplay plan show FILE`: the plan as the --check --diff run printed it (the same view, fed the
// plan's entries), then what is decided at apply time.
import type { Writable } from 'node:stream';
import { PlainReporter } from '../report/plain.js';
import { emptyStats, type HostStats, type HostStatus } from '../report/types.js';
import type { TaskResult } from '../modules/types.js';
import { entryLabel, type PlanDoc, type PlanEntry } from './types.js';

const STATUS: Record<PlanEntry['outcome'], HostStatus> = { change: 'changed', ok: 'ok', skipped: 'skipped', failed: 'failed', 'apply-time': 'skipped' };

function resultOf(e: PlanEntry): TaskResult {
  if (e.outcome === 'change') return { changed: true, msg: e.change!.summary, ...(e.change!.diffs ? { diff: e.change!.diffs } : {}) };
  if (e.outcome === 'failed') return { changed: false, failed: true, msg: e.reason };
  if (e.outcome === 'apply-time') return { changed: false, skipped: true, msg: `decided at apply time: ${e.reason}` };
  if (e.outcome === 'skipped') return { changed: false, skipped: true, skip_reason: e.reason };
  return { changed: false, ...(e.reason !== undefined ? { msg: e.reason } : {}) };
}

/** the tasks decided at apply time, one line each */
export function applyTimeLines(doc: PlanDoc): string[] {
  return doc.entries.filter((e) => e.outcome === 'apply-time').map((e) => `${e.host}: ${entryLabel(e)} (${e.at}${e.item ? `, item ${e.item.label}` : ''}): ${e.reason}`);
}

export function showPlan(doc: PlanDoc, out: Writable, opts: { terminal?: boolean; color?: boolean } = {}): void {
  out.write(`plan of ${doc.playbook} against ${doc.inventory.join(', ')}, made ${doc.created} by tsplay ${doc.tsplay}\n`);
  const view = new PlainReporter(out, { terminal: opts.terminal, color: opts.color });
  view.onRunStart({ playbook: doc.playbook, check: true, diff: true });
  const stats: Record<string, HostStats> = {};
  const plays = new Map(doc.plays.map((p) => [p.at, p]));
  let play: string | undefined;
  let task: string | undefined;
  for (const e of doc.entries) {
    if (e.play !== play) {
      play = e.play;
      task = undefined;
      const p = plays.get(e.play);
      view.onPlayStart({ name: p?.name ?? e.play });
    }
    const t = JSON.stringify([e.at, e.run]);
    if (t !== task) {
      task = t;
      view.onTaskStart({ name: e.task, module: e.module, where: e.at, ...(e.role ? { role: e.role } : {}), ...(e.handler ? { handler: true } : {}) });
    }
    const status = STATUS[e.outcome];
    const info = { name: e.task, module: e.module, where: e.at, ...(e.role ? { role: e.role } : {}) };
    view.onHostResult({ task: info, host: e.host, status, result: resultOf(e), ...(e.item ? { item: e.item.label, itemLabel: e.item.label } : {}) });
    // the recap counts a loop once per host, as the run did
    if (e.item && e.item.index > 0) continue;
    const s = (stats[e.host] ??= emptyStats());
    if (status === 'changed') {
      s.ok++;
      s.changed++;
    } else if (status === 'ok') s.ok++;
    else if (status === 'skipped') s.skipped++;
    else if (status === 'failed') s.failed++;
  }
  view.onRecap(stats);
  const later = applyTimeLines(doc);
  if (later.length) out.write(`DECIDED AT APPLY TIME (${later.length}):\n${later.map((l) => `  ${l}\n`).join('')}`);
}
