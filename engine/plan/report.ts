// What the HTML report of an apply sets against what the run did: the plan's changes, by host and task.
import { entryLabel, type PlanDoc } from './types.js';

export function plannedChanges(doc: PlanDoc): { host: string; task: string }[] {
  return doc.entries.filter((e) => e.outcome === 'change').map((e) => ({ host: e.host, task: entryLabel(e) }));
}
