// include_tasks / include_role when the play reaches them: for each host, the include's own
// `when` and loop decide how often it includes what (a templated file name rendered with the
// host's variables and the loop item); hosts that include the same file with the same item run
// its tasks together, in the order the includes were first met (Ansible's grouping of included
// files).
import { isAbsolute, join, relative } from 'node:path';
import type { BlockNode, Keywords, TaskNode } from '../playbook/model.js';
import { TsplayError, type ErrorWhere } from '../errors.js';
import type { RunContext } from './run-context.js';
import type { PlayContext } from './play-context.js';
import type { HostState } from './host-state.js';
import { allConditions, type Scope } from './scope.js';
import { taskVars } from './host-vars.js';
import { plainLayer } from './lazy-vars.js';
import type { TaskInfo } from '../report/types.js';

/** the include as a task: what variables, conditions and reports of a task need from it */
export function includeTask(b: BlockNode): TaskNode {
  return { kind: 'task', name: b.name, module: b.include!.action, args: {}, keywords: b.keywords, pos: b.pos, role: b.role, positions: undefined as never };
}

export function includeInfo(b: BlockNode, scope: Scope): TaskInfo {
  const p = b.pos;
  const file = p.file ? relative(process.cwd(), p.file) || p.file : '';
  return { name: b.name ?? b.include!.action, module: b.include!.action, where: file ? `${file}:${p.line ?? 0}:${p.col ?? 0}` : '', role: scope.role?.name };
}

/** one inclusion: the file (include_tasks) and the loop's variables it runs with */
export interface Inclusion {
  /** the absolute file for include_tasks, '' for include_role */
  file: string;
  /** the loop variable, index_var and ansible_loop: values, not templates */
  loopVars: Keywords;
  /** hosts and items that include the same file with the same values share a key */
  key: string;
}

/** What one host includes: nothing (skipped), once, or once per loop item. Throws a TsplayError. */
export function inclusionsFor(run: RunContext, pc: PlayContext, b: BlockNode, scope: Scope, h: HostState): Inclusion[] {
  const inc = b.include!;
  const task = includeTask(b);
  const where: ErrorWhere = { ...b.pos, host: h.name, task: b.name ?? inc.action };
  const conditions = allConditions(scope, task);
  const one = (vars: Record<string, unknown>, loopVars: Keywords): Inclusion | undefined => {
    if (conditions.length && !run.templater.evalCondition(conditions, vars, where)) return undefined;
    let file = '';
    if (inc.action === 'include_tasks') {
      const rendered = run.templater.renderDeep(inc.file, vars, { ...where, ...inc.where });
      if (typeof rendered !== 'string' || rendered === '') throw new TsplayError(`include_tasks: the file name ${JSON.stringify(inc.file)} rendered to ${JSON.stringify(rendered)}`, { ...where, ...inc.where });
      file = isAbsolute(rendered) ? rendered : join(inc.baseDir, rendered);
    }
    let values: string;
    try {
      values = JSON.stringify(loopVars);
    } catch {
      values = String(Math.random()); // values JSON cannot hold are never shared
    }
    return { file, loopVars, key: `${file}\0${values}` };
  };
  const vars = taskVars(run, pc, h, task, scope);
  const loop = b.keywords.loop;
  if (loop === undefined) {
    const i = one(vars, {});
    return i ? [i] : [];
  }
  const items = run.templater.renderDeep(loop, vars, where);
  if (!Array.isArray(items)) throw new TsplayError(`loop must be a list, got ${typeof items}`, where);
  const lc = (b.keywords.loop_control ?? {}) as { loop_var?: string; index_var?: string };
  const out: Inclusion[] = [];
  for (const [i, item] of items.entries()) {
    const loopVars: Keywords = {
      [lc.loop_var ?? 'item']: item,
      ...(lc.index_var ? { [lc.index_var]: i } : {}),
      ansible_loop: { index: i + 1, index0: i, first: i === 0, last: i === items.length - 1, length: items.length },
    };
    const inclusion = one(taskVars(run, pc, h, task, scope, loopVars), loopVars);
    if (inclusion) out.push(inclusion);
  }
  return out;
}

/** hosts grouped by what they include, in the order each inclusion was first met */
export function groupInclusions(perHost: Array<{ host: HostState; inclusions: Inclusion[] }>): Array<{ inclusion: Inclusion; hosts: HostState[] }> {
  const groups = new Map<string, { inclusion: Inclusion; hosts: HostState[] }>();
  for (const { host, inclusions } of perHost) {
    for (const inclusion of inclusions) {
      const g = groups.get(inclusion.key);
      if (g) g.hosts.push(host);
      else groups.set(inclusion.key, { inclusion, hosts: [host] });
    }
  }
  return [...groups.values()];
}

/**
 * The scope the included tasks run in: the include's vars (include_tasks; include_role passes
 * them to the role as parameters), then the loop's values (plain: a rendered item is not rendered
 * again), then `apply:`. The include's own when, loop and tags are not part of it.
 */
export function includedScope(b: BlockNode, scope: Scope, loopVars: Keywords): Scope {
  const inc = b.include!;
  const chain = [...scope.chain];
  if (inc.action === 'include_tasks' && b.keywords.vars !== undefined) chain.push({ vars: b.keywords.vars });
  if (Object.keys(loopVars).length) chain.push({ vars: plainLayer({ ...loopVars }) });
  if (Object.keys(inc.apply).length) chain.push(inc.apply);
  return { chain, role: b.role ?? scope.role };
}
