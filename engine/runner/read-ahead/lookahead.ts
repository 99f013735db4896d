// The tasks that come after a point of a play, as the linear strategy will reach them: the rest
// of the list, into blocks' task lists, then what follows the enclosing block. Rescue and
// always sections are not looked into: they run only on failure or after the block.
import type { Node } from '../../playbook/model.js';
import { childScope, type Scope } from '../scope.js';
import type { Upcoming } from './strategy.js';

export type Continuation = () => Upcoming[];
export const NOTHING_AFTER: Continuation = () => [];

/** as many as any host could read ahead (the read-ahead window's limit) */
export const LOOKAHEAD_LIMIT = 64;

export function lookahead(nodes: readonly Node[], from: number, scope: Scope, after: Continuation, limit = LOOKAHEAD_LIMIT): Upcoming[] {
  const out: Upcoming[] = [];
  // an include_* decides per host and item what comes next: nothing past it is read ahead
  let include = false;
  const walk = (list: readonly Node[], start: number, s: Scope): void => {
    for (let i = start; i < list.length && out.length < limit && !include; i++) {
      const n = list[i];
      if (n.kind === 'task') out.push({ task: n, scope: s });
      else if (n.include) include = true;
      else walk(n.block, 0, childScope(s, n.keywords, n.role));
    }
  };
  walk(nodes, from, scope);
  if (out.length < limit && !include) out.push(...after().slice(0, limit - out.length));
  return out;
}
