// `tsplay plan diff OLD NEW`: what differs between two plans, entry by entry (matched by play,
// task, run, host and item) and input by input. The plans' times are not a difference.
import { canonicalJson } from './digest.js';
import { inputChanges } from './inputs.js';
import { entryKey, entryLabel, type PlanDoc, type PlanEntry } from './types.js';

function describe(e: PlanEntry): string {
  const what = e.outcome === 'change' ? `change: ${e.change!.summary}` : e.outcome === 'ok' ? 'ok' : `${e.outcome}${e.reason ? `: ${e.reason}` : ''}`;
  return what;
}

function name(e: PlanEntry): string {
  return `${e.host}: ${entryLabel(e)} (${e.at}${e.run > 1 ? ` #${e.run}` : ''}${e.item ? `, item ${e.item.label}` : ''})`;
}

/** one line per difference; empty when the plans say the same */
export function diffPlans(a: PlanDoc, b: PlanDoc): string[] {
  const out: string[] = [];
  for (const k of ['tsplay', 'playbook'] as const) if (a[k] !== b[k]) out.push(`~ ${k}: ${a[k]} -> ${b[k]}`);
  if (canonicalJson(a.inventory) !== canonicalJson(b.inventory)) out.push(`~ inventory: ${a.inventory.join(', ')} -> ${b.inventory.join(', ')}`);
  if (canonicalJson(a.options) !== canonicalJson(b.options)) out.push(`~ options: ${canonicalJson(a.options)} -> ${canonicalJson(b.options)}`);
  if (a.extraVars.sha256 !== b.extraVars.sha256) out.push(`~ variables (-e): ${a.extraVars.names.join(', ') || 'none'} -> ${b.extraVars.names.join(', ') || 'none'} (values differ)`);
  for (const l of inputChanges(a.files, b.files)) out.push(`~ file ${l.replace(/since the plan/g, 'in the new plan').replace(/in the plan, (\w+) now/, 'in the old plan, $1 in the new')}`);
  const old = new Map(a.entries.map((e) => [entryKey(e), e]));
  const seen = new Set<string>();
  for (const e of b.entries) {
    const k = entryKey(e);
    seen.add(k);
    const o = old.get(k);
    if (!o) {
      out.push(`+ ${name(e)}: ${describe(e)}`);
      continue;
    }
    // matched by where the task is: one written over another there is named as both
    const renamed = o.task !== e.task || o.role !== e.role ? ` (was ${entryLabel(o)})` : '';
    if (o.outcome !== e.outcome || o.change?.sha256 !== e.change?.sha256) out.push(`~ ${name(e)}${renamed}: ${describe(o)} -> ${describe(e)}`);
    else if (renamed) out.push(`~ ${name(e)}${renamed}: ${describe(e)}`);
    else if (canonicalJson(o.args ?? null) !== canonicalJson(e.args ?? null)) out.push(`~ ${name(e)}: its arguments differ`);
    else if (canonicalJson(o.reads ?? []) !== canonicalJson(e.reads ?? [])) out.push(`~ ${name(e)}: what it read differs (${describe(e)} in both)`);
  }
  for (const e of a.entries) if (!seen.has(entryKey(e))) out.push(`- ${name(e)}: ${describe(e)}`);
  return out;
}
