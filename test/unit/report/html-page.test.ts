// The report page from its model: planned against applied (the slot a run from a saved plan fills),
// and text made safe in the order that keeps secrets hidden (redacted, then escaped).
import { expect } from 'chai';
import { comparePlan, renderReport, textMaker, type ReportModel } from '../../../engine/report/html-page.js';
import { emptyStats } from '../../../engine/report/types.js';
import { Redactor } from '../../../engine/secrets/redactor.js';

function model(): ReportModel {
  return {
    playbook: 'site.yml',
    inventory: ['inv'],
    check: false,
    started: '2026-01-01T00:00:00.000Z',
    durationMs: 2000,
    exitCode: 0,
    hosts: ['h1', 'h2'],
    stats: { h1: { ...emptyStats(), ok: 1, changed: 1 }, h2: { ...emptyStats(), ok: 2 } },
    tasks: [
      { label: 'conf', module: 'copy', where: 'site.yml:4:7', play: 'all' },
      { label: 'restart', module: 'service', where: 'site.yml:8:7', play: 'all' },
    ],
    results: [
      { task: 0, host: 'h1', status: 'changed', start: 0, end: 500 },
      { task: 0, host: 'h2', status: 'ok', start: 0, end: 400 },
      { task: 1, host: 'h1', status: 'changed', start: 500, end: 900 },
      { task: 1, host: 'h2', status: 'ok', start: 400, end: 800 },
    ],
    warnings: [],
    slowest: [],
  };
}

describe('report page', () => {
  it('planned against applied: each (host, task) once, the plan first, both ways of differing marked', () => {
    const m = model();
    const p = comparePlan('plan.json', [{ host: 'h1', task: 'conf' }, { host: 'h2', task: 'conf' }, { host: 'h1', task: 'conf' }], m);
    expect(p.rows).to.deep.equal([
      { host: 'h1', task: 'conf', planned: true, applied: true },
      { host: 'h2', task: 'conf', planned: true, applied: false },
      { host: 'h1', task: 'restart', planned: false, applied: true },
    ]);
    const page = renderReport({ ...m, plan: p }, textMaker());
    expect(page).to.include('<section id="plan">');
    expect(page.match(/<tr class="mismatch">/g)).to.have.length(2);
    expect(renderReport(m, textMaker())).to.not.include('id="plan"');
  });

  it('text is redacted before it is escaped, so a secret with markup characters is caught in its own form', () => {
    const r = new Redactor();
    r.add('a<b&"c\'d');
    const t = textMaker((s) => r.redact(s));
    expect(t('x a<b&"c\'d y')).to.equal('x ******** y');
    expect(t('<i>&\'"')).to.equal('&lt;i&gt;&amp;&#39;&quot;');
    expect(t('bell\x07 esc\x1b[2J\nnext')).to.equal('bell\\x07 esc\\x1b[2J\nnext');
  });
});
