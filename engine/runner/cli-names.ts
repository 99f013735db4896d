// Names given on the command line are checked before any host, like the playbook's own:
// a --limit that leaves no host, a --start-at-task that names no task, a --tags naming a tag
// no task has.
import type { Inventory } from '../inventory/inventory.js';
import { selectHosts } from '../inventory/index.js';
import { TsplayError, UsageError } from '../errors.js';
import { didYouMean } from '../did-you-mean.js';
import type { Node, Play, Playbook, TaskNode } from '../playbook/model.js';

/** Ansible's special tags: never an unknown tag */
const SPECIAL_TAGS = new Set(['all', 'always', 'never', 'tagged', 'untagged']);

const UNMATCHED = /^could not match host pattern, ignoring: /;

function hostOrGroupHint(inv: Inventory, pattern: string): string {
  return didYouMean(pattern.replace(/^[!&]/, ''), [...inv.declaredHosts(), ...inv.groupNames()]);
}

/** selectHosts' warning for a pattern that matched nothing, in Ansible's words, with the closest host or group */
export function unmatchedPatternWarning(inv: Inventory, message: string): string {
  if (!UNMATCHED.test(message)) return message;
  const p = message.replace(UNMATCHED, '');
  return `Could not match supplied host pattern, ignoring: ${p}${hostOrGroupHint(inv, p)}`;
}

/**
 * --limit must leave at least one host (Ansible: "leaves us with no hosts to target", exit 1).
 * Returns the warnings for patterns that matched nothing.
 */
export function checkLimit(inv: Inventory, limit: string | undefined, plays: Play[]): string[] {
  if (limit === undefined || limit === '') return [];
  const unmatched: string[] = [];
  const onWarning = (m: string) => unmatched.push(m);
  const any = selectHosts(inv, 'all', limit, { onWarning }).length > 0 || plays.some((p) => selectHosts(inv, p.hosts, limit).length > 0);
  const patterns = [...new Set(unmatched)];
  if (any) return patterns.map((m) => unmatchedPatternWarning(inv, m));
  const what = patterns
    .filter((m) => UNMATCHED.test(m))
    .map((m) => m.replace(UNMATCHED, ''))
    .map((p) => `"${p}"${hostOrGroupHint(inv, p)}`)
    .join(', ');
  throw new TsplayError(`Specified inventory, host pattern and/or --limit leaves us with no hosts to target${what ? `; could not match ${what}` : ` (--limit ${limit})`}`);
}

function eachTask(nodes: Node[], fn: (t: TaskNode, tags: unknown[]) => void, tags: unknown[] = []): void {
  for (const n of nodes) {
    const here = [...tags, ...([] as unknown[]).concat(n.keywords.tags ?? [])];
    if (n.kind === 'task') fn(n, here);
    else for (const list of [n.block, n.rescue, n.always]) eachTask(list, fn, here);
  }
}

/** the name --start-at-task compares with: the task's name, or "role : name" for a role's task */
export function startsHere(t: TaskNode, startAt: string): boolean {
  return t.name !== undefined && (t.name === startAt || (t.role !== undefined && `${t.role.name} : ${t.name}` === startAt));
}

/** --start-at-task must name a task of the playbook (Ansible only prints an error and runs nothing) */
export function checkStartAt(pb: Playbook, startAt: string | undefined): void {
  if (startAt === undefined) return;
  const names = new Set<string>();
  let found = false;
  for (const play of pb.plays) {
    eachTask([...play.preTasks, ...play.tasks, ...play.postTasks], (t) => {
      if (startsHere(t, startAt)) found = true;
      if (t.name !== undefined) names.add(t.name);
    });
  }
  if (!found) throw new UsageError(`--start-at-task "${startAt}": no task of the playbook has this name${didYouMean(startAt, names)}`);
}

/** --tags / --skip-tags naming a tag no task, block, role or play has: one warning each, listing the tags there are */
export function unknownTagWarnings(pb: Playbook, tags: string[] | undefined, skipTags: string[] | undefined): string[] {
  const wanted = [...(tags ?? []).map((t) => ['--tags', t]), ...(skipTags ?? []).map((t) => ['--skip-tags', t])].filter(([, t]) => !SPECIAL_TAGS.has(t));
  if (!wanted.length) return [];
  const known = new Set<string>();
  for (const play of pb.plays) {
    const playTags = ([] as unknown[]).concat(play.keywords.tags ?? []);
    for (const t of playTags) known.add(String(t));
    eachTask([...play.preTasks, ...play.tasks, ...play.postTasks, ...play.handlers], (_, ts) => ts.forEach((t) => known.add(String(t))));
  }
  const list = [...known].filter((t) => !SPECIAL_TAGS.has(t)).sort();
  return wanted
    .filter(([, t]) => !known.has(t))
    .map(([opt, t]) => `${opt} ${t}: no task has the tag "${t}"${didYouMean(t, list)}; the playbook's tags: ${list.length ? list.join(', ') : '(none)'}`);
}
