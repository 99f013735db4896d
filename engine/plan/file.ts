// Reading and writing a plan file. A plan is read only through the schema (schemas/plan.schema.json):
// a hand-edited field that does not fit is refused with its JSON pointer, before anything is run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { schemasDir } from '../paths.js';
import { Validators } from '../schema/validators.js';
import { writeAtomic } from '../report/html-report.js';
import { PLAN_FORMAT, type PlanDoc } from './types.js';

let schema: object | undefined;
/** the plan's JSON Schema, as shipped */
export function planSchema(): object {
  return (schema ??= JSON.parse(readFileSync(join(schemasDir(), 'plan.schema.json'), 'utf8')) as object);
}

/** a plan file, checked against the schema; InputError naming the file and the JSON pointer otherwise */
export function readPlan(file: string): PlanDoc {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read the plan: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    // "… in JSON at position N (line L column C)": the line and column are the file's
    const m = /line (\d+) column (\d+)/.exec((e as Error).message);
    throw new InputError(`not a plan: ${(e as Error).message}`, { file, ...(m ? { line: Number(m[1]), col: Number(m[2]) } : {}) });
  }
  const format = (data as { format?: unknown } | null)?.format;
  if (data && typeof data === 'object' && format !== PLAN_FORMAT) {
    throw new InputError(`/format: this tsplay reads plans of format ${PLAN_FORMAT}, this one is ${JSON.stringify(format)}`, { file });
  }
  const validate = new Validators('plan', false).get(planSchema());
  if (!validate(data)) {
    const errs = validate.errors ?? [];
    // the deepest error says most; an anyOf/oneOf above it only repeats it
    const e = [...errs].sort((a, b) => b.instancePath.length - a.instancePath.length)[0];
    const extra = e?.keyword === 'additionalProperties' ? ` (${(e.params as { additionalProperty: string }).additionalProperty})` : e?.keyword === 'enum' ? ` (${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')})` : '';
    throw new InputError(`not a valid plan: ${e?.instancePath || '/'}: ${e?.message ?? 'invalid'}${extra}`, { file });
  }
  return data as PlanDoc;
}

/** the plan's text: two-space JSON, keys in the order the plan makes them, one final newline */
export function planText(doc: PlanDoc): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** written whole or not at all (mode 0600: a plan names hosts, files and their contents) */
export function writePlan(file: string, doc: PlanDoc): void {
  writeAtomic(file, planText(doc));
}

/** "30m", "2h", "45s", "1d", "90" (seconds) → milliseconds; undefined when it is none of those */
export function parseDuration(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)?\s*$/.exec(text);
  if (!m) return undefined;
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[(m[2] ?? 's') as 's'];
  return Number(m[1]) * unit * 1000;
}
