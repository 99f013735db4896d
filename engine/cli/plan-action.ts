// The actions of `tsplay plan show|diff` and `tsplay apply`, loaded only when one runs.
import { readPlan, parseDuration } from '../plan/file.js';
import { showPlan, applyTimeLines } from '../plan/show.js';
import { diffPlans } from '../plan/diff.js';
import { PlanRefused } from '../plan/session.js';
import { UsageError } from '../errors.js';
import { wantColor } from '../report/terminal-text.js';
import type { RunCliOptions } from './run-action.js';

export async function show(file: string): Promise<number> {
  showPlan(readPlan(file), process.stdout, { terminal: !!process.stdout.isTTY, color: wantColor(process.stdout) });
  return 0;
}

export async function diff(a: string, b: string): Promise<number> {
  const lines = diffPlans(readPlan(a), readPlan(b));
  process.stdout.write(lines.length ? `${lines.join('\n')}\n` : 'the plans are the same\n');
  return lines.length ? 1 : 0;
}

export interface ApplyCliOptions {
  extraVars?: string[];
  planStrict?: boolean;
  maxAge?: string;
  diff?: boolean;
  verbose: number;
  json?: boolean;
  vaultPasswordFile?: string;
  vaultId?: string[];
  askVaultPass?: boolean;
  askPass?: boolean;
  askBecomePass?: boolean;
  runLog?: string;
  report?: string;
  interruptGrace: number;
  lock?: boolean;
}

/** refused before anything is loaded: a plan too old, or (strict) one that leaves tasks to apply time */
export function checkPlanUse(doc: import('../plan/types.js').PlanDoc, file: string, o: Pick<ApplyCliOptions, 'planStrict' | 'maxAge'>, now = Date.now()): void {
  if (o.maxAge !== undefined) {
    const max = parseDuration(o.maxAge);
    if (max === undefined) throw new UsageError(`--max-age ${o.maxAge}: not a duration (90s, 30m, 2h, 1d)`);
    const age = now - Date.parse(doc.created);
    if (age > max) throw new PlanRefused(`${file}: the plan was made ${doc.created}, ${Math.round(age / 1000)} s ago, more than --max-age ${o.maxAge}; make a new plan`);
  }
  if (o.planStrict) {
    const later = applyTimeLines(doc);
    if (later.length) throw new PlanRefused(`${file}: --plan-strict: ${later.length} task${later.length === 1 ? ' is' : 's are'} decided at apply time:\n  ${later.join('\n  ')}`);
  }
}

export async function apply(file: string, o: ApplyCliOptions, exit: { code: number }): Promise<void> {
  const doc = readPlan(file);
  checkPlanUse(doc, file, o);
  const run: RunCliOptions = {
    inventory: doc.inventory,
    diff: o.diff,
    limit: doc.options.limit,
    tags: doc.options.tags,
    skipTags: doc.options.skipTags,
    startAtTask: doc.options.startAtTask,
    forks: doc.options.forks,
    rolesPath: doc.options.rolesPath,
    modulesPath: doc.options.modulesPath,
    extraVars: o.extraVars,
    verbose: o.verbose,
    json: o.json,
    vaultPasswordFile: o.vaultPasswordFile,
    vaultId: o.vaultId,
    askVaultPass: o.askVaultPass,
    askPass: o.askPass,
    askBecomePass: o.askBecomePass,
    runLog: o.runLog,
    report: o.report,
    interruptGrace: o.interruptGrace,
    lock: o.lock,
    applyPlan: { file, doc },
  };
  await (await import('./run-action.js')).runAction(doc.playbook, run, exit);
}
