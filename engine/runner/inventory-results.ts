// add_host and group_by change the run's in-memory inventory through their results, as Ansible's
// strategy does with theirs: add_host runs once per task (it bypasses the host loop, one host per
// loop item); a result is changed when the inventory took something new from it.
import type { TaskNode } from '../playbook/model.js';
import type { TaskResult } from '../modules/types.js';
import type { HostStatus } from '../report/types.js';
import type { RunContext } from './run-context.js';
import type { HostState } from './host-state.js';

const short = (task: TaskNode) => task.module.replace(/^ansible\.(builtin|legacy)\./, '');

/** add_host runs on the first host only, whatever the play's hosts (Ansible's BYPASS_HOST_LOOP) */
export function bypassesHostLoop(task: TaskNode): boolean {
  return short(task) === 'add_host';
}

interface AddHost {
  host_name: string;
  groups: string[];
  host_vars: Record<string, unknown>;
}

/** Apply what an add_host/group_by result (of the task or of one loop item) asks; the status once applied. */
export function applyInventoryResult(run: RunContext, h: HostState, task: TaskNode, r: TaskResult, status: HostStatus): HostStatus {
  const mod = short(task);
  if ((mod !== 'add_host' && mod !== 'group_by') || (status !== 'ok' && status !== 'changed')) return status;
  let changed = false;
  if (r.add_host) {
    const a = r.add_host as AddHost;
    changed = run.inventory.addDynamicHost(a.host_name, a.groups, a.host_vars);
  } else if (typeof r.add_group === 'string') {
    changed = run.inventory.addDynamicGroup(h.name, r.add_group, (r.parent_groups as string[] | undefined) ?? ['all']);
  }
  if (changed) run.inventoryChanged();
  r.changed = changed;
  return changed ? 'changed' : 'ok';
}
