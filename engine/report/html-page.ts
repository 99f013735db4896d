// The run report as one HTML page: styles inline, no script and no URL (a bar's tooltip is CSS), so it opens from a
// mail attachment or an air-gapped host as it does anywhere. Every text that comes from the run
// passes `text()`: secrets replaced first (an escape could split one), control characters shown
// as escapes, then HTML-escaped, so no value can add markup.
import type { HostStats, HostStatus } from './types.js';
import { escapeControls } from './terminal-text.js';
import { seconds } from './timing.js';

export interface ReportTask {
  /** `role : name` */
  label: string;
  module: string;
  /** file:line:col */
  where: string;
  play: string;
  handler?: boolean;
}

export interface ReportResult {
  /** index into ReportModel.tasks */
  task: number;
  host: string;
  status: HostStatus;
  /** milliseconds since the run started */
  start: number;
  end: number;
  delegatedTo?: string;
  /** failed, unreachable and ignored results: why (msg, rc, stderr, the failed items) */
  message?: string;
  /** changed results: unified diffs, one per file */
  diffs?: string[];
}

/**
 * What a plan predicted against what the run did, per host and task. A run from a saved plan
 * fills it; a plain run has none and the page has no such section.
 */
export interface PlanComparison {
  /** where the plan came from (its file) */
  source: string;
  rows: { host: string; task: string; planned: boolean; applied: boolean }[];
}

export interface ReportModel {
  playbook: string;
  inventory: string[];
  check: boolean;
  /** ISO time the run started */
  started: string;
  durationMs: number;
  exitCode: number;
  /** every host of the recap, in its order */
  hosts: string[];
  stats: Record<string, HostStats>;
  tasks: ReportTask[];
  results: ReportResult[];
  warnings: string[];
  slowest: { label: string; ms: number }[];
  plan?: PlanComparison;
}

/** planned (host, task) changes against the changed results of the run, in the plan's order then the run's */
export function comparePlan(source: string, planned: { host: string; task: string }[], model: Pick<ReportModel, 'tasks' | 'results'>): PlanComparison {
  const key = (host: string, task: string) => JSON.stringify([host, task]);
  const applied = new Set(model.results.filter((r) => r.status === 'changed').map((r) => key(r.host, model.tasks[r.task].label)));
  const rows: PlanComparison['rows'] = [];
  const seen = new Set<string>();
  for (const p of planned) {
    const k = key(p.host, p.task);
    if (seen.has(k)) continue;
    seen.add(k);
    rows.push({ host: p.host, task: p.task, planned: true, applied: applied.has(k) });
  }
  for (const r of model.results) {
    const task = model.tasks[r.task].label;
    const k = key(r.host, task);
    if (r.status !== 'changed' || seen.has(k)) continue;
    seen.add(k);
    rows.push({ host: r.host, task, planned: false, applied: true });
  }
  return { source, rows };
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** the page's text maker: redacts, shows control characters, escapes for HTML (text and attributes alike) */
export type Text = (s: unknown) => string;

export function textMaker(redact: (s: string) => string = (s) => s): Text {
  return (s) => escapeControls(redact(String(s ?? '')), { multiline: true }).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

const STATUSES: HostStatus[] = ['ok', 'changed', 'failed', 'unreachable', 'ignored', 'skipped', 'rescued'];

const STYLE = `
:root { --ok:#3c9a4e; --changed:#d99a16; --failed:#d23a2f; --unreachable:#7d1d5f; --ignored:#b45fc4; --skipped:#6aaccc; --rescued:#2a9d8f; --fg:#1d2330; --muted:#667085; --line:#e3e6ec; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, "DejaVu Sans", sans-serif; color: var(--fg); margin: 0; background: #f6f7f9; }
header { background: #1d2330; color: #fff; padding: 18px 28px; }
header h1 { margin: 0 0 4px; font-size: 20px; }
header .meta { color: #c5cad6; font-size: 13px; }
main { padding: 8px 28px 40px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 14px 18px; margin: 16px 0; }
h2 { font-size: 16px; margin: 0 0 10px; }
.cards { display: flex; gap: 12px; flex-wrap: wrap; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 8px 14px; min-width: 110px; }
.card b { display: block; font-size: 22px; }
.card.changed b { color: var(--changed); } .card.failed b { color: var(--failed); } .card.unreachable b { color: var(--unreachable); }
table { border-collapse: collapse; width: 100%; }
table.recap { width: auto; margin-top: 12px; } table.recap td, table.recap th { padding: 4px 14px; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; color: var(--muted); }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
td.zero { color: #b8bec9; }
.legend span { display: inline-block; margin-right: 12px; font-size: 12px; }
.legend i { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; vertical-align: -1px; }
.timeline { display: grid; grid-template-columns: minmax(90px, max-content) 1fr; gap: 6px 12px; align-items: center; margin-top: 10px; }
.timeline .host { font-weight: 600; white-space: nowrap; }
.track { position: relative; height: 20px; background: #eef0f4; border-radius: 3px; }
.bar { position: absolute; top: 2px; height: 16px; min-width: 3px; border-radius: 2px; }
.bar:hover { outline: 2px solid var(--fg); z-index: 2; }
.bar .tip { display: none; position: absolute; bottom: 22px; left: 0; background: #1d2330; color: #fff; padding: 4px 8px; border-radius: 4px; white-space: pre; font-size: 12px; z-index: 3; pointer-events: none; }
.bar.late .tip { left: auto; right: 0; }
.bar:hover .tip { display: block; }
.axis { position: relative; height: 16px; color: var(--muted); font-size: 11px; }
.axis span { position: absolute; transform: translateX(-50%); white-space: nowrap; }
.axis span:first-child { transform: none; } .axis span:last-child { transform: translateX(-100%); }
.s-ok { background: var(--ok); } .s-changed { background: var(--changed); } .s-failed { background: var(--failed); }
.s-unreachable { background: var(--unreachable); } .s-ignored { background: var(--ignored); } .s-skipped { background: var(--skipped); } .s-rescued { background: var(--rescued); }
.status { display: inline-block; padding: 0 6px; border-radius: 3px; color: #fff; font-size: 12px; }
.where { color: var(--muted); font-size: 12px; }
.entry { border-top: 1px solid var(--line); padding: 8px 0; }
.entry:first-of-type { border-top: 0; }
pre { background: #f3f4f7; border-radius: 4px; padding: 8px; overflow-x: auto; font: 12px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; white-space: pre-wrap; word-break: break-all; margin: 6px 0; }
pre .add { color: #17702b; background: #e6f4e9; } pre .del { color: #a4241b; background: #fbe9e7; } pre .hunk { color: #6941c6; }
.none { color: var(--muted); }
.mismatch td { background: #fff4e0; }
`;

function statusBadge(t: Text, s: HostStatus): string {
  return `<span class="status s-${t(s)}">${t(s)}</span>`;
}

function handler(task: ReportTask): string {
  return task.handler ? ' <span class="where">(handler)</span>' : '';
}

function diffHtml(t: Text, diff: string): string {
  const lines = diff.replace(/\n$/, '').split('\n');
  return lines
    .map((l) => {
      const cls = l.startsWith('+++') || l.startsWith('---') ? '' : l.startsWith('+') ? 'add' : l.startsWith('-') ? 'del' : l.startsWith('@@') ? 'hunk' : '';
      return cls ? `<span class="${cls}">${t(l)}</span>` : t(l);
    })
    .join('\n');
}

function summary(t: Text, m: ReportModel): string {
  const total = (k: keyof HostStats) => m.hosts.reduce((n, h) => n + (m.stats[h]?.[k] ?? 0), 0);
  const cards = [
    ['hosts', m.hosts.length],
    ['changed', total('changed')],
    ['failed', total('failed')],
    ['unreachable', total('unreachable')],
    ['duration', seconds(m.durationMs)],
    ['exit code', m.exitCode],
  ]
    .map(([k, v]) => `<div class="card ${t(k)}"><b>${t(v)}</b>${t(k)}</div>`)
    .join('');
  const keys: (keyof HostStats)[] = ['ok', 'changed', 'unreachable', 'failed', 'skipped', 'rescued', 'ignored'];
  const rows = m.hosts
    .map((h) => {
      const s = m.stats[h];
      return `<tr data-host="${t(h)}"><td>${t(h)}</td>${keys.map((k) => `<td class="n${s?.[k] ? '' : ' zero'}">${t(s?.[k] ?? 0)}</td>`).join('')}</tr>`;
    })
    .join('');
  return `<section id="summary"><h2>Summary</h2><div class="cards">${cards}</div>
<table class="recap"><thead><tr><th>host</th>${keys.map((k) => `<th>${k}</th>`).join('')}</tr></thead><tbody>${rows}</tbody></table></section>`;
}

function timeline(t: Text, m: ReportModel): string {
  const span = Math.max(1, m.durationMs, ...m.results.map((r) => r.end));
  const pct = (ms: number) => `${((Math.max(0, ms) / span) * 100).toFixed(3)}%`;
  const byHost = new Map<string, ReportResult[]>(m.hosts.map((h) => [h, []]));
  for (const r of m.results) (byHost.get(r.host) ?? byHost.set(r.host, []).get(r.host)!).push(r);
  const legend = STATUSES.map((s) => `<span><i class="s-${s}"></i>${s}</span>`).join('');
  const rows = [...byHost]
    .map(([host, results]) => {
      const bars = results
        .map((r) => {
          const task = m.tasks[r.task];
          const tip = `${task.label}\n${r.status}${r.delegatedTo ? ` (on ${r.delegatedTo})` : ''} · ${seconds(r.end - r.start)}`;
          // a tip near the right edge opens leftwards, to stay on the page
          return `<div class="bar s-${t(r.status)}${r.start / span > 0.6 ? ' late' : ''}" style="left:${pct(r.start)};width:${pct(r.end - r.start)}" data-task="${t(task.label)}" data-status="${t(r.status)}"><span class="tip">${t(tip)}</span></div>`;
        })
        .join('');
      return `<div class="host">${t(host)}</div><div class="track" data-host="${t(host)}">${bars}</div>`;
    })
    .join('\n');
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => `<span style="left:${f * 100}%">${t(seconds(f * span))}</span>`).join('');
  return `<section id="timeline"><h2>Timeline</h2><div class="legend">${legend}</div><div class="timeline">${rows}\n<div></div><div class="axis">${ticks}</div></div></section>`;
}

function changed(t: Text, m: ReportModel): string {
  const list = m.results.filter((r) => r.status === 'changed');
  const body = list.length
    ? list
        .map((r) => {
          const task = m.tasks[r.task];
          const diffs = (r.diffs ?? []).map((d) => `<pre class="diff">${diffHtml(t, d)}</pre>`).join('');
          return `<div class="entry" data-host="${t(r.host)}" data-task="${t(task.label)}"><b>${t(task.label)}</b>${handler(task)} on <b>${t(r.host)}</b> <span class="where">${t(task.where)} · ${t(seconds(r.end - r.start))}</span>${diffs}</div>`;
        })
        .join('\n')
    : '<p class="none">nothing changed</p>';
  return `<section id="changed"><h2>Changed (${list.length})</h2>${body}</section>`;
}

function failures(t: Text, m: ReportModel): string {
  const list = m.results.filter((r) => r.status === 'failed' || r.status === 'unreachable' || r.status === 'ignored');
  const body = list.length
    ? list
        .map((r) => {
          const task = m.tasks[r.task];
          return `<div class="entry" data-host="${t(r.host)}" data-task="${t(task.label)}" data-status="${t(r.status)}">${statusBadge(t, r.status)} <b>${t(task.label)}</b>${handler(task)} on <b>${t(r.host)}</b> <span class="where">${t(task.where)}</span><pre class="message">${t(r.message ?? '')}</pre></div>`;
        })
        .join('\n')
    : '<p class="none">no failures</p>';
  return `<section id="failures"><h2>Failures (${list.length})</h2>${body}</section>`;
}

function slowest(t: Text, m: ReportModel): string {
  const rows = m.slowest.map((s) => `<tr><td>${t(s.label)}</td><td class="n">${t(seconds(s.ms))}</td></tr>`).join('');
  return `<section id="slowest"><h2>Slowest tasks</h2>${rows ? `<table><tbody>${rows}</tbody></table>` : '<p class="none">no tasks ran</p>'}</section>`;
}

function plan(t: Text, p: PlanComparison): string {
  const mark = (b: boolean) => (b ? 'yes' : 'no');
  const rows = p.rows
    .map((r) => `<tr class="${r.planned === r.applied ? '' : 'mismatch'}"><td>${t(r.task)}</td><td>${t(r.host)}</td><td>${mark(r.planned)}</td><td>${mark(r.applied)}</td></tr>`)
    .join('');
  return `<section id="plan"><h2>Planned against applied</h2><p class="where">plan: ${t(p.source)}</p><table><thead><tr><th>task</th><th>host</th><th>planned</th><th>applied</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

function warnings(t: Text, m: ReportModel): string {
  if (!m.warnings.length) return '';
  return `<section id="warnings"><h2>Warnings</h2>${m.warnings.map((w) => `<pre>${t(w)}</pre>`).join('')}</section>`;
}

export function renderReport(m: ReportModel, t: Text): string {
  const mode = m.check ? ' (check mode: nothing was changed)' : m.exitCode === 99 ? ' (interrupted)' : '';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>tsplay run: ${t(m.playbook)}</title><style>${STYLE}</style></head>
<body><header><h1>tsplay run report${t(mode)}</h1><div class="meta">playbook ${t(m.playbook)} · inventory ${t(m.inventory.join(', ') || '(none)')} · started ${t(m.started)} · ${t(seconds(m.durationMs))} · exit code ${t(m.exitCode)}</div></header>
<main>
${summary(t, m)}
${timeline(t, m)}
${changed(t, m)}
${failures(t, m)}
${slowest(t, m)}
${m.plan ? plan(t, m.plan) : ''}
${warnings(t, m)}
</main></body></html>
`;
}
