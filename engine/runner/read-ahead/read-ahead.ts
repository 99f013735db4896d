// Read-ahead: when a host starts a task, the reads of the tasks after it start too, so that
// they share one round trip (the fact cache sends reads asked for in the same turn as one exec).
// What a read-ahead observed is used at the task's turn only if nothing was written anywhere
// since it started and the task, rendered again then, asks for the very same thing; otherwise it
// only warmed the fact cache, whose entries are dropped by every change as before.
import type { TaskNode } from '../../playbook/model.js';
import type { ModuleContext } from '../../modules/types.js';
import type { FactCache } from '../../facts/cache.js';
import type { HostStatus } from '../../report/types.js';
import type { RunContext } from '../run-context.js';
import type { PlayContext } from '../play-context.js';
import type { HostState } from '../host-state.js';
import { allConditions, allTags, effective } from '../scope.js';
import { selectedByTags } from '../tags.js';
import { truthy } from '../truthy.js';
import { taskVars } from '../host-vars.js';
import { samePlainData } from '../same-plain-data.js';
import type { ResolvedTask } from '../resolved-task.js';
import { HostReadAhead } from './host-read-ahead.js';
import type { ItemPreparer, ReadStrategy, Upcoming } from './strategy.js';

// A read in flight holds its task's variables and module context until its round trip ends. With
// many hosts the window is cut so that a play holds about READS_IN_FLIGHT of them at once: a full
// window on every host of a large play holds more memory than anything else in the run, while a
// window of MIN_WINDOW tasks still batches a converged play's reads into a few round trips each.
const READS_IN_FLIGHT = 2048;
const MIN_WINDOW = 8;
/** from this many hosts in a play on, the window is at its floor and cannot shrink further */
export const HOSTS_AT_MIN_WINDOW = READS_IN_FLIGHT / MIN_WINDOW;

/** how many tasks ahead this host reads: its own window, cut when the play has many hosts */
export function windowFor(own: number, hosts: number): number {
  return Math.min(own, Math.max(MIN_WINDOW, Math.floor(READS_IN_FLIGHT / Math.max(1, hosts))));
}

/** The read-ahead as the executor's read strategy; each host's state is its own (host-read-ahead.ts). */
export class ReadAhead implements ReadStrategy {
  private readonly hosts = new WeakMap<HostState, HostReadAhead>();

  private of(h: HostState): HostReadAhead {
    let ra = this.hosts.get(h);
    if (!ra) this.hosts.set(h, (ra = new HostReadAhead()));
    return ra;
  }

  start(run: RunContext, pc: PlayContext, h: HostState, current: Upcoming, upcoming: readonly Upcoming[], prep: ItemPreparer): void {
    startReadAhead(run, pc, h, this.of(h), current, upcoming, prep);
  }

  take(run: RunContext, rt: ResolvedTask, item: number, now: { args: Record<string, unknown> }): Promise<unknown> | undefined {
    const ra = this.hosts.get(rt.host);
    return ra && takeReadAhead(run, rt, ra, item, now);
  }

  finished(h: HostState, task: TaskNode, status: HostStatus): void {
    const ra = this.of(h);
    ra.done(task);
    ra.after(status);
  }
}

/**
 * Start the reads of the current task's loop items and, when the next task has not been read
 * ahead since the host last changed, of the next `window` tasks. Never throws; what fails here
 * fails again, reported, at the task's turn.
 */
function startReadAhead(run: RunContext, pc: PlayContext, h: HostState, ra: HostReadAhead, current: Upcoming, upcoming: readonly Upcoming[], prep: ItemPreparer): void {
  const generation = h.generation;
  const todo: Upcoming[] = [];
  if (current.task.keywords.loop !== undefined && !ra.isCovered(current.task, generation)) todo.push(current);
  const window = windowFor(ra.window, pc.batch.length);
  if (window > 0 && upcoming.length && !ra.isCovered(upcoming[0].task, generation)) {
    for (const u of upcoming.slice(0, window)) if (!ra.isCovered(u.task, generation)) todo.push(u);
  }
  for (const u of todo) {
    ra.cover(u.task, generation);
    readTaskAhead(run, pc, h, ra, u, generation, prep).catch(() => undefined);
  }
}

async function readTaskAhead(run: RunContext, pc: PlayContext, h: HostState, ra: HostReadAhead, u: Upcoming, generation: number, prep: ItemPreparer): Promise<void> {
  const { task, scope } = u;
  if (task.module === 'meta' || !selectedByTags(allTags(scope, task), run.opts.tags, run.opts.skipTags)) return;
  if (effective(scope, task, 'delegate_to') !== undefined || truthy(effective(scope, task, 'run_once'))) return;
  const mod = await run.findModule(task.module);
  if (!mod?.readAhead) return;
  const where = { ...task.pos, host: h.name };
  const vars = taskVars(run, pc, h, task, scope);
  const conditions = allConditions(scope, task);
  const loop = task.keywords.loop;
  const items: unknown[] = loop === undefined ? [undefined] : (run.templater.renderDeep(loop, vars, where) as unknown[]);
  if (!Array.isArray(items)) return;
  for (const [i, item] of items.entries()) {
    const ivars = loop === undefined ? vars : prep.loopVars(task, scope, h, item, i, items.length);
    if (conditions.length && !run.templater.evalCondition(conditions, ivars, where)) continue;
    const writes = run.metrics.writes;
    const rt = prep.resolve(task, scope, h, ivars);
    if (rt.delegated) continue;
    const p = await prep.prepare(rt);
    if (p.invalid) continue;
    const used = { vars: false };
    const result = p.mod.read(tracking(p.ctx, used), p.args).then((v) => {
      // what depends on variables (a template's text) may differ at the task's turn
      if (used.vars) throw new Error('the read used variables');
      return v;
    });
    result.catch(() => undefined);
    ra.put(task, i, { args: p.args, become: rt.become, check: rt.check, connection: rt.connection.key, environment: rt.environment, writes, generation, result });
  }
}

/** the context of a read made ahead: it marks its cache reads and notes any use of variables */
function tracking(ctx: ModuleContext, used: { vars: boolean }): ModuleContext {
  return {
    ...ctx,
    facts: aheadView(ctx.facts),
    ...(ctx.controllerFacts ? { controllerFacts: aheadView(ctx.controllerFacts) } : {}),
    get vars() {
      used.vars = true;
      return ctx.vars;
    },
    renderTemplate: (text, src) => {
      used.vars = true;
      return ctx.renderTemplate(text, src);
    },
    evalCondition: (expr) => {
      used.vars = true;
      return ctx.evalCondition(expr);
    },
  };
}

function aheadView(cache: FactCache): FactCache {
  const view = Object.create(cache) as FactCache;
  view.get = (fact, args, become) => cache.get(fact, args, become, true);
  return view;
}

/** What was read ahead for this item, if it still tells the truth: else undefined (read again). */
function takeReadAhead(run: RunContext, rt: ResolvedTask, ra: HostReadAhead, item: number, now: { args: Record<string, unknown> }): Promise<unknown> | undefined {
  const h = rt.host;
  const e = ra.take(rt.task, item);
  if (!e) return undefined;
  if (e.writes !== run.metrics.writes || e.generation !== h.generation || e.check !== rt.check || e.connection !== rt.connection.key) return undefined;
  if (!samePlainData(e.become, rt.become) || !samePlainData(e.environment, rt.environment) || !samePlainData(e.args, now.args)) return undefined;
  return e.result;
}
