// The variables a task sees on a host, layered by Ansible's precedence (lowest first):
// role defaults < command-line connection flags < inventory (group_vars all < groups < host) < facts < play vars/vars_files
// < role vars < block vars < task vars < include_vars < set_fact/register < role params < extra vars.
import type { TaskNode } from '../playbook/model.js';
import { mergeVars, plainLayer } from './lazy-vars.js';
import type { RunContext } from './run-context.js';
import type { PlayContext } from './play-context.js';
import type { HostState } from './host-state.js';
import { scopeVars, type Scope } from './scope.js';

// One facts layer per gathering: mergeVars remembers which keys of a layer object hold templates,
// so a layer made anew for every task would have the whole facts tree scanned for "{{" each time.
const factLayers = new WeakMap<object, Record<string, unknown>>();

function factsLayer(h: HostState): Record<string, unknown> {
  let layer = factLayers.get(h.factVars);
  if (!layer || layer.ansible_facts !== h.facts) {
    layer = { ansible_facts: h.facts, ...h.factVars };
    factLayers.set(h.factVars, layer);
  }
  return layer;
}

// ansible_play_hosts is in every task's variables on every host: one array while no host of the play
// goes down, instead of one per task and host (on a large play those copies are a sizeable share of
// the run's live memory)
const aliveHosts = new WeakMap<PlayContext, readonly string[]>();

function alivePlayHosts(run: RunContext, pc: PlayContext): readonly string[] {
  const cached = aliveHosts.get(pc);
  if (cached && sameAlive(run, pc.playHosts, cached)) return cached;
  const fresh = Object.freeze(pc.playHosts.filter((n) => run.hostState(n).alive));
  aliveHosts.set(pc, fresh);
  return fresh;
}

function sameAlive(run: RunContext, all: readonly string[], alive: readonly string[]): boolean {
  let j = 0;
  for (const n of all) if (run.hostState(n).alive && alive[j++] !== n) return false;
  return j === alive.length;
}

export function hostLayers(run: RunContext, h: HostState): Array<Record<string, unknown> | undefined> {
  // the command line's -u/-b/-c…: below the inventory, as Ansible's connection variables override them
  return [run.connectionDefaults, run.inventoryVars(h.name), factsLayer(h)];
}

/** hostvars: every inventory host's variables, rendered lazily on access */
export function buildHostvars(run: RunContext, pc: PlayContext): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const names = new Set([...run.inventory.hosts(), ...run.hosts.keys()]);
  for (const name of names) {
    Object.defineProperty(out, name, {
      enumerable: true,
      configurable: true,
      get() {
        const h = run.hostState(name);
        const v = mergeVars([...hostLayers(run, h), pc.vars, h.includedVars, h.hostFacts, run.opts.extraVars, { inventory_hostname: name }], run.templater);
        run.secretVars?.learn(v);
        Object.defineProperty(out, name, { value: v, enumerable: true });
        return v;
      },
    });
  }
  return out;
}

export function taskVars(run: RunContext, pc: PlayContext, h: HostState, task: TaskNode | undefined, scope: Scope, extra?: Record<string, unknown>): Record<string, unknown> {
  const role = scope.role;
  // magic variables are values, never templates (a host name holding "{{" is not rendered)
  const magic: Record<string, unknown> = plainLayer({
    inventory_hostname: h.name,
    inventory_hostname_short: h.name.split('.')[0],
    groups: run.inventory.groupsMap(),
    hostvars: (pc.hostvars ??= buildHostvars(run, pc)),
    play_hosts: pc.batch,
    ansible_play_hosts: alivePlayHosts(run, pc),
    ansible_play_hosts_all: pc.playHosts,
    ansible_play_batch: pc.batch,
    ansible_play_name: pc.play.name,
    ansible_check_mode: run.check,
    ansible_diff_mode: run.diff,
    playbook_dir: pc.play.dir,
    omit: OMIT,
    ...(role ? { role_name: role.name, role_path: role.path } : {}),
  });
  const where = task?.pos;
  const vars = mergeVars(
    [
      role?.defaults,
      ...hostLayers(run, h),
      pc.vars,
      role?.vars,
      ...(task ? scopeVars(scope, task) : []),
      h.includedVars,
      h.hostFacts,
      role?.params,
      run.opts.extraVars,
      magic,
      extra,
    ],
    run.templater,
    where,
  );
  // a listed variable is secret as rendered on this host (a DSN built from a password), and
  // whichever layer set it (set_fact, register, block vars): learned before the task shows anything
  run.secretVars?.learn(vars);
  return vars;
}

/** a parameter rendered to this value is dropped, as Ansible's `default(omit)` */
export const OMIT = '__omit_place_holder__';

export function dropOmitted(args: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args)) if (v !== OMIT) out[k] = v;
  return out;
}
