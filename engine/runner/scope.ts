// Keywords inherited from play, roles and blocks down to a task, as the keyword table
// (engine/playbook/keywords.ts) says each one passes down.
import type { Keywords, RoleContext, TaskNode } from '../playbook/model.js';
import { keyword } from '../playbook/keywords.js';

export interface Scope {
  /** outermost first: play keywords, then each enclosing block/role */
  chain: Keywords[];
  role?: RoleContext;
}

export function childScope(parent: Scope, keywords: Keywords, role?: RoleContext): Scope {
  return { chain: [...parent.chain, keywords], role: role ?? parent.role };
}

/** the value of a keyword for a task: its own, or (when the keyword passes down) the innermost around it */
export function effective(scope: Scope, task: TaskNode | undefined, key: string): unknown {
  if (task && task.keywords[key] !== undefined) return task.keywords[key];
  const inherit = keyword(key)?.inherit;
  if (inherit !== 'innermost') {
    if (inherit === 'none') return undefined;
    throw new Error(`effective(${key}): ${inherit ?? 'no such keyword'}; its values are combined, not chosen`);
  }
  for (let i = scope.chain.length - 1; i >= 0; i--) if (scope.chain[i][key] !== undefined) return scope.chain[i][key];
  return undefined;
}

/** every `when` from the outside in: all must hold */
export function allConditions(scope: Scope, task: TaskNode): unknown[] {
  const out: unknown[] = [];
  for (const k of [...scope.chain, task.keywords]) {
    const w = k.when;
    if (w === undefined) continue;
    if (Array.isArray(w)) out.push(...w);
    else out.push(w);
  }
  return out;
}

export function allTags(scope: Scope, task: TaskNode | undefined): string[] {
  const out = new Set<string>();
  for (const k of task ? [...scope.chain, task.keywords] : scope.chain) {
    const t = k.tags;
    for (const x of Array.isArray(t) ? t : t === undefined ? [] : [t]) out.add(String(x));
  }
  return [...out];
}

/** block and task vars, outer to inner */
export function scopeVars(scope: Scope, task: TaskNode): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  // chain[0] is the play: its vars are a layer of their own
  for (const k of scope.chain.slice(1)) if (k.vars && typeof k.vars === 'object') out.push(k.vars as Record<string, unknown>);
  if (task.keywords.vars && typeof task.keywords.vars === 'object') out.push(task.keywords.vars as Record<string, unknown>);
  return out;
}

/**
 * A keyword whose maps merge down (environment, module_defaults): the play's, each enclosing
 * block's and role's, then the task's, an inner key replacing an outer one.
 */
export function merged(scope: Scope, task: TaskNode | undefined, key: string): Record<string, unknown> {
  if (keyword(key)?.inherit !== 'merge') throw new Error(`merged(${key}): not a keyword whose maps merge`);
  const out: Record<string, unknown> = {};
  for (const k of task ? [...scope.chain, task.keywords] : scope.chain) {
    const v = k[key];
    if (v && typeof v === 'object' && !Array.isArray(v)) Object.assign(out, v);
  }
  return out;
}
