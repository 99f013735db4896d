// The command line's side of plans: the recorder for --check --plan-out, the applier for
// `tsplay apply`, and what each says once the run ended.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../paths.js';
import type { RunOptions } from '../runner/options.js';
import type { RunCliOptions } from '../cli/run-action.js';
import { PlanApplier, PlanRecorder, PLAN_DRIFT_EXIT } from './session.js';
import { writePlan } from './file.js';
import { applyTimeLines } from './show.js';
import type { PlanDoc } from './types.js';

export function tsplayVersion(): string {
  return (JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

export function recorderFor(opts: RunOptions, o: RunCliOptions): PlanRecorder {
  return new PlanRecorder({
    playbook: opts.playbook,
    inventory: opts.inventory,
    options: {
      ...(o.limit !== undefined ? { limit: o.limit } : {}),
      ...(o.tags?.length ? { tags: o.tags } : {}),
      ...(o.skipTags?.length ? { skipTags: o.skipTags } : {}),
      ...(o.startAtTask !== undefined ? { startAtTask: o.startAtTask } : {}),
      ...(o.forks !== undefined ? { forks: o.forks } : {}),
      ...(o.rolesPath?.length ? { rolesPath: o.rolesPath } : {}),
      ...(o.modulesPath?.length ? { modulesPath: o.modulesPath } : {}),
    },
    extraVars: opts.extraVars ?? {},
    version: tsplayVersion(),
    redactor: opts.redactor,
  });
}

export function applierFor(opts: RunOptions, doc: PlanDoc): PlanApplier {
  return new PlanApplier(doc, opts.extraVars ?? {}, opts.redactor);
}

/** `out`: where the lines go (stderr under --json, whose stdout is one JSON document) */
export function afterRun(session: PlanRecorder | PlanApplier, o: { planOut?: string; out: NodeJS.WritableStream; exit: { code: number } }): void {
  if (session instanceof PlanRecorder) {
    if (!o.planOut) return;
    const doc = session.plan();
    writePlan(o.planOut, doc);
    const changes = doc.entries.filter((e) => e.outcome === 'change').length;
    const later = applyTimeLines(doc);
    o.out.write(`plan written to ${o.planOut}: ${changes} change${changes === 1 ? '' : 's'} on ${new Set(doc.entries.filter((e) => e.outcome === 'change').map((e) => e.host)).size} host(s)${later.length ? `, ${later.length} decided at apply time` : ''}\n`);
    return;
  }
  const lines: string[] = [];
  for (const [host, why] of session.drifts) lines.push(`DRIFT on ${host}: ${why}; nothing was changed there from that task on`);
  for (const m of session.mismatches()) lines.push(`NOT AS PLANNED: ${m}`);
  if (lines.length) {
    o.out.write(`${lines.join('\n')}\n`);
    o.exit.code = PLAN_DRIFT_EXIT;
  } else if (session.alreadyTrue && o.exit.code === 0) {
    const later = session.applied.filter((a) => a.verdict === 'apply-time').length;
    o.out.write(`the plan is already true: every planned task was a no-op, nothing planned was changed${later ? ` (${later} task run${later === 1 ? '' : 's'} decided at apply time ran)` : ''}\n`);
  }
  else if (o.exit.code === 0) o.out.write('applied as planned: every change made is the one planned\n');
}
