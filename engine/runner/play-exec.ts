// Runs one play: host selection, serial batches, facts, task lists with blocks/rescue/always,
// handlers at the end of each section, failure limits.
import type { BlockNode, Node, Play, TaskNode, Handler } from '../playbook/model.js';
import { selectHosts } from '../inventory/index.js';
import { gatherFacts, factsToVars } from '../facts/gather.js';
import { ConnectError } from '../errors.js';
import type { RunContext } from './run-context.js';
import type { PlayContext } from './play-context.js';
import type { HostState } from './host-state.js';
import { childScope, allTags, type Scope } from './scope.js';
import { runTask } from './task-exec.js';
import { selectedByTags } from './tags.js';
import { truthy } from './truthy.js';
import { mapLimit } from './pool.js';
import { renderSerial, serialBatches } from './serial.js';
import { orderHosts } from './host-order.js';
import { lookahead, NOTHING_AFTER, type Continuation } from './read-ahead/lookahead.js';
import { startsHere, unmatchedPatternWarning } from './cli-names.js';
import type { PlaybookLoader } from '../playbook/loader.js';
import { TsplayError } from '../errors.js';
import { groupInclusions, includedScope, includeInfo, includeTask, inclusionsFor, type Inclusion } from './include-exec.js';
import { preflight } from './preflight.js';
import { checkPlaySyntax } from './syntax-check.js';
import { checkRoleParams } from './role-params-check.js';
import { resolveTask } from './resolved-task.js';
import { taskVars } from './host-vars.js';

/** thrown to stop the play for every host (any_errors_fatal, max_fail_percentage, meta end_play) */
class EndPlay extends Error {}

export class PlayRunner {
  private startAt?: string;
  /** task files included by a templated name, loaded once each (per file and role) */
  private included = new Map<string, Promise<Node[]>>();
  /** module_defaults around an include are merged into the tasks it loads: one load per set of them */
  private defaultsIds = new WeakMap<object, number>();
  private nextDefaultsId = 1;
  constructor(
    private run: RunContext,
    /** loads what an include_tasks names by a template, when it runs */
    private loader?: Pick<PlaybookLoader, 'loadIncludedAtRunTime'>,
  ) {
    this.startAt = run.opts.startAtTask;
  }

  async runPlay(play: Play, vars: Record<string, unknown>): Promise<void> {
    const run = this.run;
    // a pattern that matches nothing is a warning, and a play without hosts is skipped (Ansible)
    // (--limit's own patterns were warned about once, before the run)
    selectHosts(run.inventory, play.hosts, undefined, { onWarning: (m) => run.reporter.onWarning(unmatchedPatternWarning(run.inventory, m)) });
    const names = orderHosts(selectHosts(run.inventory, play.hosts, run.opts.limit), play.keywords.order);
    run.hooks.onPlayStart({ name: play.name, hosts: names });
    run.reporter.onPlayStart({ name: play.name, hosts: names });
    if (!names.length) {
      run.reporter.onNoHosts({ name: play.name });
      return;
    }
    for (const n of names) run.hostState(n);
    const playScope: Scope = { chain: [play.keywords] };
    const serial = renderSerial(play.keywords.serial, vars, run.opts.extraVars, run.templater, play.pos);
    for (const batch of serialBatches(names, serial)) {
      const pc: PlayContext = { play, vars, playHosts: names, batch };
      const hosts = batch.map((n) => run.hostState(n)).filter((h) => h.alive);
      if (!hosts.length) continue;
      try {
        if (play.keywords.gather_facts === undefined || truthy(play.keywords.gather_facts)) await this.gather(pc, hosts, playScope);
        await this.section(pc, play.preTasks, hosts, playScope);
        await this.section(pc, play.tasks, hosts, playScope);
        await this.section(pc, play.postTasks, hosts, playScope);
      } catch (e) {
        if (!(e instanceof EndPlay)) throw e;
        return;
      }
      if (!batch.some((n) => run.hostState(n).alive)) {
        // Ansible stops the whole play once a batch has no host left
        if (batch.length < names.length) return;
      }
    }
  }

  private async section(pc: PlayContext, nodes: Node[], hosts: HostState[], scope: Scope): Promise<void> {
    await this.nodes(pc, nodes, hosts, scope);
    await this.flushHandlers(pc, hosts);
  }

  private async gather(pc: PlayContext, hosts: HostState[], scope: Scope): Promise<void> {
    const run = this.run;
    const info = { name: 'Gathering Facts', module: 'gather_facts', where: '' };
    run.reporter.onTaskStart({ ...info, hosts: hosts.map((h) => h.name) });
    await mapLimit(hosts, run.forks, async (h) => {
      try {
        // reached as the play's keywords and the host's variables say, with the play's environment (Ansible)
        const rt = resolveTask(run, pc, undefined, scope, h, taskVars(run, pc, h, undefined, scope), { host: h.name, task: info.name });
        await rt.endpoint.connect();
        const facts = await rt.endpoint.transport.exec(gatherFacts.command(), { env: rt.environment }).then((r) => gatherFacts.parse(r));
        h.facts = facts;
        h.factVars = factsToVars(facts);
        h.stats.ok++;
        run.reporter.onHostResult({ task: info, host: h.name, status: 'ok', result: { changed: false } });
      } catch (e) {
        if (e instanceof ConnectError) {
          const result = { changed: false, unreachable: true, msg: e.message };
          if (truthy(pc.play.keywords.ignore_unreachable)) {
            // counted as an ignored failure; the host goes on without facts (Ansible 2.14)
            h.stats.ok++;
            h.stats.ignored++;
            run.reporter.onHostResult({ task: info, host: h.name, status: 'ignored', result, ignored: true });
            return;
          }
          h.unreachable = true;
          h.stats.unreachable++;
          run.reporter.onHostResult({ task: info, host: h.name, status: 'unreachable', result });
        } else {
          h.failed = true;
          h.stats.failed++;
          run.reporter.onHostResult({ task: info, host: h.name, status: 'failed', result: { changed: false, failed: true, msg: (e as Error).message } });
        }
      }
    });
  }

  private async nodes(pc: PlayContext, nodes: Node[], hosts: HostState[], scope: Scope, after: Continuation = NOTHING_AFTER): Promise<void> {
    for (const [i, node] of nodes.entries()) {
      const next: Continuation = () => lookahead(nodes, i + 1, scope, after);
      // interrupted: the running task has finished on every host; nothing after it starts
      if (this.run.opts.signal?.aborted) throw new EndPlay();
      const live = hosts.filter((h) => h.alive);
      if (!live.length) return;
      if (node.kind === 'block' && node.include) await this.include(pc, node, live, scope, next);
      else if (node.kind === 'block') await this.block(pc, node, live, scope, next);
      else await this.task(pc, node, live, scope, false, next);
    }
  }

  private async block(pc: PlayContext, b: Extract<Node, { kind: 'block' }>, hosts: HostState[], scope: Scope, after: Continuation): Promise<void> {
    const inner = childScope(scope, b.keywords, b.role);
    await this.nodes(pc, b.block, hosts, inner, after);
    const failedHere = hosts.filter((h) => h.failed && !h.unreachable);
    if (b.rescue.length && failedHere.length) {
      for (const h of failedHere) {
        h.failed = false;
        h.hostFacts.ansible_failed_task = { name: h.lastFailure?.task };
        h.hostFacts.ansible_failed_result = h.lastFailure?.result;
      }
      await this.nodes(pc, b.rescue, failedHere, inner);
      for (const h of failedHere) {
        if (!h.failed) {
          // rescued: the failure counts as rescued, not failed, in the recap (as Ansible)
          h.stats.failed = Math.max(0, h.stats.failed - 1);
          h.stats.rescued++;
        }
      }
    }
    if (b.always.length) {
      const wereFailed = hosts.filter((h) => h.failed && !h.unreachable);
      for (const h of wereFailed) h.failed = false;
      await this.nodes(pc, b.always, hosts.filter((h) => !h.unreachable), inner);
      for (const h of wereFailed) h.failed = true;
    }
  }

  /** include_tasks / include_role, per host when reached (include-exec.ts) */
  private async include(pc: PlayContext, b: BlockNode, hosts: HostState[], scope: Scope, after: Continuation): Promise<void> {
    const run = this.run;
    const task = includeTask(b);
    // its own tags select the include; the included tasks have theirs (and apply:'s)
    if (!selectedByTags(allTags(scope, task), run.opts.tags, run.opts.skipTags)) return;
    const info = includeInfo(b, scope);
    // its banner, as Ansible shows one for an include: the skips and failures below belong to it
    run.reporter.onTaskStart({ ...info, hosts: hosts.map((h) => h.name) });
    const failed: HostState[] = [];
    const fail = (h: HostState, e: unknown) => {
      const msg = e instanceof TsplayError ? e.describe() : `engine error: ${(e as Error).stack ?? e}`;
      const result = { changed: false, failed: true, msg };
      h.stats.failed++;
      h.failed = true;
      h.lastFailure = { task: info.name, result };
      failed.push(h);
      run.reporter.onHostResult({ task: info, host: h.name, status: 'failed', result });
    };
    const perHost: Array<{ host: HostState; inclusions: Inclusion[] }> = [];
    for (const h of hosts) {
      try {
        const inclusions = inclusionsFor(run, pc, b, scope, h);
        if (inclusions.length) perHost.push({ host: h, inclusions });
        else {
          // skipped as Ansible reports an include whose condition is false (or whose loop is empty)
          h.stats.skipped++;
          run.reporter.onHostResult({ task: info, host: h.name, status: 'skipped', result: { changed: false, skipped: true, skip_reason: 'Conditional result was False' } });
        }
      } catch (e) {
        fail(h, e);
      }
    }
    for (const { inclusion, hosts: group } of groupInclusions(perHost)) {
      let live = group.filter((h) => h.alive);
      if (!live.length) continue;
      let nodes = b.block;
      if (!b.include!.loaded) {
        try {
          nodes = await this.loadIncluded(pc, b, inclusion.file);
        } catch (e) {
          for (const h of live) fail(h, e instanceof TsplayError && !(e.where.file && e.where.file !== b.pos.file) ? e : includeError(b, e));
          live = [];
        }
      }
      if (live.length) await this.nodes(pc, nodes, live, includedScope(b, scope, inclusion.loopVars), after);
    }
    this.checkFailureLimits(pc, scope, task, failed.length);
  }

  /** a task file named by a template: loaded and checked as the loader checks a literal one */
  private loadIncluded(pc: PlayContext, b: BlockNode, file: string): Promise<Node[]> {
    const defaults = b.include!.moduleDefaults;
    if (defaults?.length && !this.defaultsIds.has(defaults)) this.defaultsIds.set(defaults, this.nextDefaultsId++);
    const key = `${file}\0${b.role?.path ?? ''}\0${defaults?.length ? this.defaultsIds.get(defaults) : ''}`;
    let loading = this.included.get(key);
    if (!loading) {
      if (!this.loader) throw new TsplayError('include_tasks with a templated file name needs the playbook loader', b.pos);
      loading = this.loader.loadIncludedAtRunTime(b.include!, file, b.role, pc.play).then((nodes) => {
        const part = { ...pc.play, preTasks: nodes, tasks: [], postTasks: [], handlers: [] };
        preflight(this.run, part);
        checkRoleParams(this.run, part, pc.vars, {});
        checkPlaySyntax({ ...part, vars: {} }, this.run.templater);
        return nodes;
      });
      this.included.set(key, loading);
    }
    return loading;
  }

  private async task(pc: PlayContext, t: TaskNode, hosts: HostState[], scope: Scope, handler = false, next: Continuation = NOTHING_AFTER): Promise<void> {
    const run = this.run;
    if (this.startAt !== undefined) {
      if (!startsHere(t, this.startAt)) return;
      this.startAt = undefined;
    }
    if (!handler && !selectedByTags(allTags(scope, t), run.opts.tags, run.opts.skipTags)) return;
    if (t.module === 'meta') return this.meta(pc, t, hosts);
    const before = new Set(hosts.filter((h) => !h.alive));
    const outcomes = await runTask(run, pc, t, scope, hosts, handler, handler ? [] : next());
    this.checkFailureLimits(pc, scope, t, outcomes.filter((o) => !before.has(o.host) && (o.status === 'failed' || o.status === 'unreachable')).length);
  }

  private checkFailureLimits(pc: PlayContext, scope: Scope, t: TaskNode, newFailures: number): void {
    if (!newFailures) return;
    const fatal = t.keywords.any_errors_fatal ?? scope.chain.map((k) => k.any_errors_fatal).filter((x) => x !== undefined).at(-1);
    if (truthy(fatal)) {
      for (const n of pc.batch) {
        const h = this.run.hostState(n);
        if (h.alive) h.failed = true;
      }
      throw new EndPlay();
    }
    const max = pc.play.keywords.max_fail_percentage;
    if (max !== undefined) {
      const failed = pc.batch.filter((n) => !this.run.hostState(n).alive).length;
      if ((failed / pc.batch.length) * 100 > Number(max)) {
        this.run.reporter.onWarning(`max_fail_percentage ${max}% exceeded (${failed} of ${pc.batch.length} hosts failed): stopping the play`);
        throw new EndPlay();
      }
    }
  }

  private async meta(pc: PlayContext, t: TaskNode, hosts: HostState[]): Promise<void> {
    const action = String(t.args.action);
    if (action === 'flush_handlers') return this.flushHandlers(pc, hosts);
    if (action === 'end_play') throw new EndPlay();
    if (action === 'clear_facts') for (const h of hosts) h.hostFacts = {};
    if (action === 'clear_host_errors') for (const h of this.run.hosts.values()) h.failed = false;
  }

  async flushHandlers(pc: PlayContext, hosts: HostState[]): Promise<void> {
    const force = this.run.opts.forceHandlers || truthy(pc.play.keywords.force_handlers);
    for (const handler of pc.play.handlers) {
      if (this.run.opts.signal?.aborted) throw new EndPlay();
      const targets = hosts.filter((h) => (h.alive || (force && !h.unreachable)) && notifiedBy(h, handler));
      if (!targets.length) continue;
      for (const h of targets) for (const n of handler.listenNames) h.notified.delete(n);
      const hs: Scope = { chain: [pc.play.keywords, ...(handler.chain ?? [])], role: handler.role };
      await this.task(pc, handler, targets, hs, true);
    }
  }
}

function notifiedBy(h: HostState, handler: Handler): boolean {
  return handler.listenNames.some((n) => h.notified.has(n));
}


/** an error in a file included by a template, named with the include that named it */
function includeError(b: BlockNode, e: unknown): TsplayError {
  const at = b.include!.where;
  const from = at.file ? ` (included by ${at.file}:${at.line ?? 0}:${at.col ?? 0})` : '';
  if (e instanceof TsplayError) return new TsplayError(`${e.describe()}${from}`, {}, { cause: e });
  return new TsplayError(`${(e as Error).message}${from}`, at, { cause: e });
}
