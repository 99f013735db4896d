// Runs one task on a set of hosts: when → loop → render → read → pure diff → (check: report |
// run: apply) → changed_when / failed_when / until → register / notify.
import { relative } from 'node:path';
import type { TaskNode } from '../playbook/model.js';
import type { Module, ModuleContext, Plan, TaskResult } from '../modules/types.js';
import type { HostResultEvent, HostStatus, TaskInfo } from '../report/types.js';
import { ConnectError, TsplayError, type ErrorWhere } from '../errors.js';
import { relevantErrors, describeAjvError, isTemplated } from '../playbook/ajv.js';
import type { RunContext } from './run-context.js';
import type { PlayContext } from './play-context.js';
import type { HostState } from './host-state.js';
import { allConditions, effective, scopeVars, type Scope } from './scope.js';
import { taskVarOrigin } from './var-origin.js';
import { taskVars, dropOmitted } from './host-vars.js';
import { mapLimit } from './pool.js';
import { censor } from './redact.js';
import { truthy } from './truthy.js';
import type { ItemPreparer, Upcoming } from './read-ahead/strategy.js';
import { modeParamError } from '../modules/lib/file-mode.js';
import { recordPredictions } from '../modules/lib/predictions.js';
import { delegatedWriteKey, delegatedWrites, hostsAtOnce, isTimedOut, stoppableTransport, taskTimeout, timeoutMessage } from './task-limits.js';
import { noLogSecrets } from '../secrets/no-log-args.js';
import { withEnvironment } from '../transport/with-env.js';
import { resolveTask, type ResolvedTask } from './resolved-task.js';
import { factsToVars } from '../facts/gather.js';
import { applyInventoryResult, bypassesHostLoop } from './inventory-results.js';
import { withVars } from './lazy-vars.js';

export function taskLabel(task: TaskNode): string {
  return task.name ?? task.module;
}

export function taskInfo(task: TaskNode, scope: Scope, handler = false): TaskInfo {
  const p = task.pos;
  const file = p.file ? relative(process.cwd(), p.file) || p.file : '';
  return {
    name: taskLabel(task),
    module: task.module,
    where: file ? `${file}:${p.line ?? 0}:${p.col ?? 0}` : '',
    handler: handler || undefined,
    role: scope.role?.name,
  };
}

interface HostOutcome {
  host: HostState;
  status: HostStatus;
  result: TaskResult;
  /** the module's rendered arguments (a view shows them at -vv) */
  args?: Record<string, unknown>;
}

/** Run a task on hosts (forks-limited); returns each host's outcome. */
export async function runTask(
  run: RunContext,
  pc: PlayContext,
  task: TaskNode,
  scope: Scope,
  hosts: HostState[],
  handler = false,
  upcoming: readonly Upcoming[] = [],
): Promise<HostOutcome[]> {
  const info = taskInfo(task, scope, handler);
  const runOnce = truthy(effective(scope, task, 'run_once')) || bypassesHostLoop(task);
  const targets = runOnce ? hosts.slice(0, 1) : hosts;
  if (run.opts.step && targets.length) {
    // the question comes after everything before it is on screen, not in the middle of a drawing
    await run.reporter.flush();
    if (!(await run.opts.step(info))) return [];
  }
  run.reporter.onTaskStart({ ...info, hosts: targets.map((h) => h.name) });
  run.opts.plan?.taskStart(pc, task, scope, info);
  pc.hostvars = undefined; // facts may have changed since the last step
  // the read-ahead sees this step's variables but keeps its own hostvars snapshot
  const aheadPc: PlayContext = { ...pc, hostvars: undefined };
  const prep = itemPreparer(run, aheadPc);
  const limit = targets.length ? hostsAtOnce(scope, task, run.forks, (v) => run.templater.renderDeep(v, taskVars(run, pc, targets[0], task, scope), { ...task.pos, task: info.name }), { ...task.pos, task: info.name }) : run.forks;
  const outcomes = await mapLimit(targets, limit, (h) => {
    if (!runOnce) run.reads.start(run, aheadPc, h, { task, scope }, upcoming, prep);
    return runOnHost(run, pc, task, scope, h, info);
  });
  if (runOnce && outcomes.length) {
    // Ansible: a run_once result (and its register) applies to every host of the batch
    const reg = task.keywords.register;
    // set_fact too, unless delegate_facts (ansible#47509: expected behaviour)
    const first = outcomes[0];
    const facts = first.status !== 'failed' && !truthy(effective(scope, task, 'delegate_facts')) ? first.result.ansible_facts : undefined;
    for (const h of hosts.slice(1)) {
      if (typeof reg === 'string') h.hostFacts[reg] = first.result;
      if (facts) storeFacts(h, task, facts);
      if (first.status === 'failed') h.failed = true;
    }
  }
  return outcomes;
}

/**
 * where a task's ansible_facts go: setup's are the host's facts, as a play's gathering (Ansible's
 * ansible_ prefix off); include_vars has its own precedence level, below set_fact
 */
function storeFacts(h: HostState, task: TaskNode, facts: Record<string, unknown>): void {
  const mod = task.module.replace(/^ansible\.(builtin|legacy)\./, '');
  if (mod === 'setup') {
    h.facts = { ...h.facts, ...Object.fromEntries(Object.entries(facts).map(([k, v]) => [k.replace(/^ansible_/, ''), v])) };
    h.factVars = factsToVars(h.facts);
  } else Object.assign(mod === 'include_vars' ? h.includedVars : h.hostFacts, facts);
}

async function runOnHost(run: RunContext, pc: PlayContext, task: TaskNode, scope: Scope, h: HostState, info: TaskInfo): Promise<HostOutcome> {
  const noLog = truthy(effective(scope, task, 'no_log'));
  // no_log hides loop items and their labels too (Ansible shows "item=None")
  const emit = (ev: Omit<HostResultEvent, 'task' | 'host'>) => {
    // a listed variable set here (set_fact, register) is secret in this very result
    run.secretVars?.learnResult(task.keywords.register, ev.result);
    run.reporter.onHostResult(
      noLog
        ? { task: info, host: h.name, ...ev, result: censor(ev.result), args: undefined, ...(ev.itemLabel !== undefined ? { item: null, itemLabel: 'None' } : {}) }
        : { task: info, host: h.name, ...ev },
    );
  };
  let outcome: HostOutcome;
  try {
    outcome = await executeOnHost(run, pc, task, scope, h, info, emit);
  } catch (e) {
    if (e instanceof ConnectError) {
      const result: TaskResult = { changed: false, unreachable: true, msg: e.message };
      outcome = { host: h, status: 'unreachable', result };
    } else {
      const msg = e instanceof TsplayError ? e.describe() : `engine error: ${(e as Error).stack ?? e}`;
      outcome = { host: h, status: 'failed', result: { changed: false, failed: true, msg } };
    }
  }
  let notify: string[] = [];
  if (outcome.status === 'changed') {
    try {
      notify = notifyNames(run, pc, task, scope, h, info);
    } catch (e) {
      const msg = e instanceof TsplayError ? e.describe() : String((e as Error).message ?? e);
      outcome = { host: h, status: 'failed', result: { ...outcome.result, failed: true, msg: `notify: ${msg}` } };
    }
  }
  return finish(run, task, scope, h, outcome, emit, notify);
}

/** the handler names a changed task notifies, templated ones rendered with the task's variables */
function notifyNames(run: RunContext, pc: PlayContext, task: TaskNode, scope: Scope, h: HostState, info: TaskInfo): string[] {
  // a block's notify is its tasks' unless they have their own
  const n = effective(scope, task, 'notify');
  const names = (Array.isArray(n) ? n : n ? [n] : []).map(String);
  if (!names.some(isTemplated)) return names;
  const vars = taskVars(run, pc, h, task, scope);
  return names.map((x) => (isTemplated(x) ? String(run.templater.renderDeep(x, vars, { ...task.pos, host: h.name, task: info.name })) : x));
}

function itemPreparer(run: RunContext, pc: PlayContext): ItemPreparer {
  return {
    resolve: (task, scope, h, vars) => resolveTask(run, pc, task, scope, h, vars, { ...task.pos, host: h.name, task: taskLabel(task) }),
    prepare: (rt) => prepareItem(run, pc, rt),
    loopVars: (task, scope, h, item, i, n) => loopItemVars(run, pc, h, task, scope, item, i, n),
  };
}

/** the variables of one loop item: loop_var, index_var and ansible_loop on top of the task's */
function loopItemVars(run: RunContext, pc: PlayContext, h: HostState, task: TaskNode, scope: Scope, item: unknown, i: number, length: number): Record<string, unknown> {
  const lc = (task.keywords.loop_control ?? {}) as { loop_var?: string; index_var?: string };
  return taskVars(run, pc, h, task, scope, {
    [lc.loop_var ?? 'item']: item,
    ...(lc.index_var ? { [lc.index_var]: i } : {}),
    ansible_loop: { index: i + 1, index0: i, first: i === 0, last: i === length - 1, length },
  });
}

function finish(run: RunContext, task: TaskNode, scope: Scope, h: HostState, o: HostOutcome, emit: (ev: Omit<HostResultEvent, 'task' | 'host'>) => void, notify: string[]): HostOutcome {
  let status = o.status;
  // a host whose state drifted from the plan stops there, whatever the task says of failures
  const drifted = run.opts.plan?.drifted(h.name) ?? false;
  if (status === 'failed' && !drifted && truthy(effective(scope, task, 'ignore_errors'))) status = 'ignored';
  // an ignored unreachable counts as an ignored failure and the host goes on (Ansible 2.14)
  if (status === 'unreachable') {
    if (truthy(effective(scope, task, 'ignore_unreachable'))) status = 'ignored';
    else h.unreachable = true;
  }
  const s = h.stats;
  switch (status) {
    case 'ok':
      s.ok++;
      break;
    case 'changed':
      s.ok++;
      s.changed++;
      run.metrics.anyChange = true;
      break;
    case 'skipped':
      s.skipped++;
      break;
    case 'failed':
      s.failed++;
      h.failed = true;
      h.lastFailure = { task: taskLabel(task), result: o.result };
      // no rescue, always or handler runs there either: none of them is what the plan said
      if (drifted) h.unreachable = true;
      break;
    case 'ignored':
      // as Ansible: ok and ignored, and changed when the failed result says it changed
      s.ok++;
      s.ignored++;
      if (o.result.changed) {
        s.changed++;
        run.metrics.anyChange = true;
      }
      break;
    case 'unreachable':
      s.unreachable++;
      break;
  }
  const reg = task.keywords.register;
  if (typeof reg === 'string') h.hostFacts[reg] = o.result;
  if (o.result.ansible_facts && status !== 'failed') storeFacts(h, task, o.result.ansible_facts);
  if (status === 'changed') for (const name of notify) h.notified.add(name);
  // what was read ahead for the task's items that did not run goes; the window follows the status
  run.reads.finished(h, task, status);
  emit({ status, result: o.result, ignored: status === 'ignored', ...(o.args ? { args: o.args } : {}) });
  return { ...o, status };
}

type Emit = (ev: Omit<HostResultEvent, 'task' | 'host'>) => void;

async function executeOnHost(run: RunContext, pc: PlayContext, task: TaskNode, scope: Scope, h: HostState, info: TaskInfo, emit: Emit): Promise<HostOutcome> {
  const where: ErrorWhere = { ...task.pos, host: h.name, task: info.name };
  const vars = taskVars(run, pc, h, task, scope);
  const conditions = allConditions(scope, task);
  const loopSpec = task.keywords.loop;
  const planSeam = run.opts.plan;
  if (loopSpec === undefined) {
    if (conditions.length && !run.templater.evalCondition(conditions, vars, where)) {
      const skipped: HostOutcome = { host: h, status: 'skipped', result: skippedResult('Conditional result was False') };
      planSeam?.itemDone(h.name, undefined, skipped.status, skipped.result);
      return skipped;
    }
    const o = await executeItem(run, pc, resolveTask(run, pc, task, scope, h, vars, where), undefined);
    const status = applyInventoryResult(run, h, task, o.result, o.status);
    planSeam?.itemDone(h.name, undefined, status, o.result);
    return { ...o, status };
  }
  const items = run.templater.renderDeep(loopSpec, vars, where);
  if (!Array.isArray(items)) throw new TsplayError(`loop must be a list, got ${typeof items}`, where);
  const lc = (task.keywords.loop_control ?? {}) as { loop_var?: string; index_var?: string; label?: string };
  const loopVar = lc.loop_var ?? 'item';
  const results: TaskResult[] = [];
  let anyChanged = false;
  let anyFailed = false;
  let allSkipped = true;
  for (const [i, item] of items.entries()) {
    const ivars = loopItemVars(run, pc, h, task, scope, item, i, items.length);
    const label = lc.label !== undefined ? String(run.templater.renderDeep(lc.label, ivars, where)) : typeof item === 'string' ? item : JSON.stringify(item);
    let o: HostOutcome;
    if (conditions.length && !run.templater.evalCondition(conditions, ivars, where)) {
      o = { host: h, status: 'skipped', result: skippedResult('Conditional result was False') };
    } else {
      o = await executeItem(run, pc, resolveTask(run, pc, task, scope, h, ivars, where), i);
      o = { ...o, status: applyInventoryResult(run, h, task, o.result, o.status) };
    }
    planSeam?.itemDone(h.name, { index: i, label }, o.status, o.result);
    const r = { ...o.result, [loopVar]: item, ansible_loop_var: loopVar };
    results.push(r);
    if (o.status !== 'skipped') allSkipped = false;
    if (o.status === 'changed') anyChanged = true;
    if (o.status === 'failed') anyFailed = true;
    emit({ status: o.status, result: r, item, itemLabel: label, ...(o.args ? { args: o.args } : {}) });
  }
  const result: TaskResult = { changed: anyChanged, results, msg: anyFailed ? 'One or more items failed' : 'All items completed' };
  // set_fact in a loop: each item's facts are set in turn, so the last item's value stays (Ansible)
  const facts: Record<string, unknown> = {};
  for (const r of results) if (!r.failed && !r.skipped && r.ansible_facts) Object.assign(facts, r.ansible_facts);
  if (Object.keys(facts).length) result.ansible_facts = facts;
  if (anyFailed) result.failed = true;
  if (allSkipped && items.length) result.skipped = true;
  if (!items.length) {
    result.skipped = true;
    result.skip_reason = 'No items in the list';
  }
  const status: HostStatus = anyFailed ? 'failed' : allSkipped ? 'skipped' : anyChanged ? 'changed' : 'ok';
  return { host: h, status, result };
}

function skippedResult(reason: string): TaskResult {
  // the keys later tasks read exist on a skipped result too (unlike Ansible, ansible#31113)
  // rc is null, not absent: no command ran, yet `{{ r.rc }}` and `r.rc == 0` must not fail
  const r: TaskResult = { changed: false, skipped: true, skip_reason: reason, stdout: '', stderr: '', stdout_lines: [], stderr_lines: [] };
  return Object.assign(r, { rc: null });
}

function validateRendered(run: RunContext, mod: Module, args: Record<string, unknown>): string | undefined {
  // before the schema, which would coerce a rendered 644 to "644"
  const bad = modeParamError(mod.schema, args, false);
  if (bad) return `${mod.name}: ${bad.message}`;
  const errs = relevantErrors(run.renderSchemas.get(mod.schema), args, false);
  return errs.length ? `${mod.name}: ${describeAjvError(errs[0])}` : undefined;
}

/** What running a resolved task item needs, worked out the same way for the run and for its read-ahead. */
export interface PreparedItem {
  mod: Module;
  ctx: ModuleContext;
  args: Record<string, unknown>;
  /** the rendered arguments failed the module's schema */
  invalid?: string;
}

export async function prepareItem(run: RunContext, pc: PlayContext, rt: ResolvedTask): Promise<PreparedItem> {
  const { task, scope, vars, where } = rt;
  const mod = (await run.findModule(task.module))!;
  const ctx: ModuleContext = {
    host: rt.target.name,
    transport: rt.environment ? withEnvironment(rt.endpoint.transport, rt.environment) : rt.endpoint.transport,
    facts: rt.endpoint.factsCache,
    become: rt.become,
    check: rt.check,
    controller: run.controller,
    controllerFacts: run.controllerEndpoint.factsCache,
    vars,
    verbosity: run.opts.verbosity ?? 0,
    secrets: run.secrets,
    findFile: async (kind, name) => run.findFile(kind, name, scope.role, pc.play.dir, where),
    renderTemplate: (text, src) => run.templater.renderText(text, vars, { file: src, host: rt.host.name, task: where.task }),
    evalCondition: (expr) => run.templater.evalCondition(expr, vars, where),
    varOrigin: (name) =>
      taskVarOrigin(
        {
          extraVars: run.opts.extraVars,
          role: scope.role,
          runtime: [rt.host.hostFacts, rt.host.includedVars],
          scoped: scopeVars(scope, task),
          taskPos: task.pos,
          playVars: pc.vars,
          playPos: pc.play.pos,
          facts: rt.host.factVars,
          inventory: { inv: run.inventory, host: rt.host.name, vars: run.inventoryVars(rt.host.name) },
        },
        name,
      ),
  };
  const args = dropOmitted(run.templater.renderDeep(task.args, vars, where));
  const invalid = validateRendered(run, mod, args);
  return { mod, ctx, args, ...(invalid ? { invalid } : {}) };
}

/** `item`: the loop item's index, undefined for a task without a loop */
async function executeItem(run: RunContext, pc: PlayContext, rt: ResolvedTask, item: number | undefined): Promise<HostOutcome> {
  const { task, scope, host: h, vars, where } = rt;
  const seconds = taskTimeout(scope, task, (v) => run.templater.renderDeep(v, vars, where), where);
  if (seconds === undefined) return executeItemUntil(run, pc, rt, item);
  // Ansible's timeout covers the item's whole execution, retries included
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), seconds * 1000);
  try {
    return await executeItemUntil(run, pc, rt, item, deadline.signal);
  } catch (e) {
    if (!isTimedOut(deadline.signal, run.opts.stopCommands) || e instanceof ConnectError) throw e;
    return { host: h, status: 'failed', result: { changed: false, failed: true, msg: timeoutMessage(task.module, seconds), timedout: { period: seconds } } };
  } finally {
    clearTimeout(timer);
  }
}

async function executeItemUntil(run: RunContext, pc: PlayContext, rt: ResolvedTask, item: number | undefined, deadline?: AbortSignal): Promise<HostOutcome> {
  const { task, scope, host: h, vars, where, target } = rt;
  const prep = await prepareItem(run, pc, rt);
  const { mod, args } = prep;
  const ctx = deadline ? { ...prep.ctx, transport: stoppableTransport(prep.ctx.transport, deadline, run.opts.stopCommands) } : prep.ctx;
  // hosts delegating writes to one target take turns there, read to write (task-limits.ts)
  const turnKey = rt.delegated ? delegatedWriteKey(mod.name, target.name, args) : undefined;
  if (target.unreachable) throw new ConnectError(`host ${target.name} is unreachable`, where);
  await rt.endpoint.connect().catch((e) => {
    throw e instanceof ConnectError ? e : new ConnectError(String((e as Error).message ?? e), where, { cause: e });
  });
  const diffOn = effective(scope, task, 'diff');
  const showDiff = diffOn === undefined ? true : truthy(diffOn);
  // a no_log task's arguments are secrets for the rest of the run (they may be echoed elsewhere)
  if (truthy(effective(scope, task, 'no_log'))) run.opts.redactor?.add(noLogSecrets(args));
  if (prep.invalid) return { host: h, status: 'failed', result: { changed: false, failed: true, msg: `${prep.invalid} (after rendering)` }, args };
  // what the read-ahead observed for this item, if it still holds
  let ahead = rt.delegated ? undefined : run.reads.take(run, rt, item ?? 0, prep);

  const reg = task.keywords.register as string | undefined;
  const until = task.keywords.until;
  const retries = until !== undefined ? Number(run.templater.renderDeep(task.keywords.retries ?? 3, vars, where)) : 0;
  const delay = Number(run.templater.renderDeep(task.keywords.delay ?? 5, vars, where));
  for (let attempt = 1; ; attempt++) {
    let result = await delegatedWrites(run).run(turnKey, () => {
      deadline?.throwIfAborted(); // its turn came after the time was up
      return runModule(run, mod, ctx, args, rt, ahead, item);
    });
    ahead = undefined; // a retry reads again
    if (!showDiff) delete result.diff;
    // conditions on the result see it under its register name (Ansible) and as `result`
    const rvars = reg ? Object.assign(Object.create(null), { [reg]: result }) : {};
    const cvars = () => withVars(vars, { result, ...rvars });
    if (!result.skipped && task.keywords.changed_when !== undefined) {
      result = { ...result, changed: run.templater.evalCondition(task.keywords.changed_when, cvars(), where) };
    }
    if (!result.skipped && task.keywords.failed_when !== undefined) {
      const failed = run.templater.evalCondition(task.keywords.failed_when, cvars(), where);
      result = { ...result, failed };
      if (failed && !result.msg) result.msg = 'failed_when condition was true';
    }
    if (until !== undefined && !result.skipped) {
      const done = run.templater.evalCondition(until, cvars(), where);
      result.attempts = attempt;
      if (!done && attempt <= retries) {
        await sleep(delay * 1000, deadline && run.opts.signal ? AbortSignal.any([deadline, run.opts.signal]) : (deadline ?? run.opts.signal));
        deadline?.throwIfAborted();
        continue;
      }
      if (!done) {
        result.failed = true;
        result.msg = result.msg ? `${result.msg} (retries exhausted)` : 'until condition never held (retries exhausted)';
      }
    }
    const status: HostStatus = result.failed ? 'failed' : result.skipped ? 'skipped' : result.changed ? 'changed' : 'ok';
    return { host: h, status, result, args };
  }
}

function runModule(run: RunContext, mod: Module, ctx: ModuleContext, args: Record<string, unknown>, rt: ResolvedTask, ahead: Promise<unknown> | undefined, item: number | undefined): Promise<TaskResult> {
  const seam = run.opts.plan;
  if (!seam) return moduleResult(run, mod, ctx, args, rt, ahead);
  return seam.runModule({ rt, item, mod, args, ctx }, (c, decide) => moduleResult(run, mod, c, args, rt, undefined, decide));
}

async function moduleResult(
  run: RunContext,
  mod: Module,
  ctx: ModuleContext,
  args: Record<string, unknown>,
  rt: ResolvedTask,
  ahead: Promise<unknown> | undefined,
  /** a plan's say over the diff (engine/plan/): a result returned is the task's, nothing applied */
  decide?: (plan: Plan) => TaskResult | undefined,
): Promise<TaskResult> {
  const current = ahead ? await ahead.catch(() => mod.read(ctx, args)) : await mod.read(ctx, args);
  const plan = mod.diff(args, current);
  const decided = decide?.(plan);
  if (decided) return decided;
  if (plan.kind === 'noop') {
    const r: TaskResult = { changed: false, msg: plan.reason, ...plan.result };
    // a result that has no message of its own (debug var=) says nothing
    if (r.msg === undefined) delete r.msg;
    return r;
  }
  if (plan.kind === 'fail') return { changed: false, ...plan.result, failed: true, msg: plan.msg };
  if (rt.check) {
    recordPredictions(mod, args, plan, rt.endpoint.factsCache, run.controllerEndpoint.factsCache);
    if (plan.unknowable) return { ...skippedResult(`not knowable in check mode: ${plan.summary}`), check_unknowable: true };
    run.metrics.writes++;
    return { changed: true, msg: plan.summary, ...(plan.fileDiffs ? { diff: plan.fileDiffs } : {}), ...plan.result };
  }
  // counted before and after: what was read ahead of a write (anywhere, the controller's files
  // included) is read again
  run.metrics.writes++;
  let r: TaskResult;
  try {
    r = await mod.apply(ctx, args, plan);
  } finally {
    run.metrics.writes++;
  }
  if (r.changed) rt.target.invalidate();
  if (plan.fileDiffs && !r.diff) r.diff = plan.fileDiffs;
  return r;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    // the listener goes when the sleep ends: a task retrying many times must not pile them up
    const onAbort = () => {
      clearTimeout(t);
      resolve();
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
