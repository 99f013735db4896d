// What one task is on one host for one loop item, worked out once from the variables as rendered
// for it: become, check mode, the delegate target, how that target is reached (connection
// variables over the connection / remote_user keywords) and the environment of its commands.
// The executor and the read-ahead both take this object, so both act on the very same thing.
import type { TaskNode } from '../playbook/model.js';
import type { Become } from '../transport/types.js';
import { connectionSpec, type ConnectionSpec } from '../transport/factory.js';
import { TsplayError, type ErrorWhere } from '../errors.js';
import type { RunContext } from './run-context.js';
import type { PlayContext } from './play-context.js';
import type { Endpoint, HostState } from './host-state.js';
import { effective, type Scope } from './scope.js';
import { taskVars } from './host-vars.js';
import { truthy } from './truthy.js';

export interface ResolvedTask {
  task: TaskNode;
  scope: Scope;
  /** the host the task runs for: its variables, its results */
  host: HostState;
  /** the host's variables for this task (and loop item) */
  vars: Record<string, unknown>;
  where: ErrorWhere;
  /** where the module acts: the delegate, or the host itself */
  target: HostState;
  delegated: boolean;
  check: boolean;
  become?: Become;
  /** how the target is reached */
  connection: ConnectionSpec;
  /** the target's transport and fact cache for that connection */
  endpoint: Endpoint;
  /** the environment of the task's commands (play, blocks and roles, task: the inner wins), rendered */
  environment?: Record<string, string>;
}

/** `task` undefined: the play's own step (gathering facts), with the play's keywords */
export function resolveTask(run: RunContext, pc: PlayContext, task: TaskNode | undefined, scope: Scope, h: HostState, vars: Record<string, unknown>, where: ErrorWhere): ResolvedTask {
  const delegate = task ? effective(scope, task, 'delegate_to') : undefined;
  const target = delegate !== undefined ? run.hostState(String(run.templater.renderDeep(delegate, vars, where))) : h;
  const taskCheck = effective(scope, task, 'check_mode');
  const check = taskCheck === undefined ? run.check : truthy(taskCheck);
  const become = task ? becomeFor(scope, task, delegate !== undefined ? run.inventoryVars(target.name) : vars) : undefined;
  // a delegated task reaches the delegate as that host's variables say (Ansible)
  const connVars = delegate !== undefined ? taskVars(run, pc, target, task, scope) : vars;
  const keyword = (k: string) => {
    const v = effective(scope, task, k);
    return v === undefined ? undefined : run.templater.renderDeep(v, vars, where);
  };
  let connection: ConnectionSpec;
  try {
    connection = connectionSpec(target.name, connVars, { connection: keyword('connection'), remote_user: keyword('remote_user') }, run.connectionDefaults);
  } catch (e) {
    if (e instanceof TsplayError) e.where = { ...where, ...e.where };
    throw e;
  }
  return {
    task: task!,
    scope,
    host: h,
    vars,
    where,
    target,
    delegated: delegate !== undefined,
    check,
    ...(become ? { become } : {}),
    connection,
    endpoint: run.endpoint(target, connection),
    ...environmentFor(run, scope, task, vars, where),
  };
}

function becomeFor(scope: Scope, task: TaskNode, vars: Record<string, unknown>): Become | undefined {
  const on = effective(scope, task, 'become') ?? vars.ansible_become;
  if (!truthy(on)) return undefined;
  const user = (effective(scope, task, 'become_user') ?? vars.ansible_become_user ?? 'root') as string;
  const method = (effective(scope, task, 'become_method') ?? vars.ansible_become_method ?? 'sudo') as 'sudo' | 'su';
  const password = (vars.ansible_become_password ?? vars.ansible_become_pass) as string | undefined;
  return { method, user, ...(password !== undefined ? { password: String(password) } : {}) };
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Every `environment:` from the play inwards, each a mapping (or a list of them, or a template
 * giving one), rendered and merged: an inner name wins. Values become strings as Ansible writes
 * them (True/False for booleans).
 */
function environmentFor(run: RunContext, scope: Scope, task: TaskNode | undefined, vars: Record<string, unknown>, where: ErrorWhere): { environment?: Record<string, string> } {
  let layers: unknown[] | undefined;
  for (const k of scope.chain) if (k.environment !== undefined) (layers ??= []).push(k.environment);
  if (task?.keywords.environment !== undefined) (layers ??= []).push(task.keywords.environment);
  if (!layers) return {};
  const env: Record<string, string> = {};
  for (const layer of layers) {
    for (const one of Array.isArray(layer) ? layer : [layer]) {
      const r = run.templater.renderDeep(one, vars, where);
      if (r === null || r === undefined || r === '') continue;
      if (typeof r !== 'object' || Array.isArray(r)) throw new TsplayError(`environment must be a mapping of variable names to values, got ${JSON.stringify(r)}`, where);
      for (const [name, v] of Object.entries(r as Record<string, unknown>)) {
        if (!ENV_NAME.test(name)) throw new TsplayError(`environment: "${name}" is not a valid environment variable name`, where);
        env[name] = typeof v === 'boolean' ? (v ? 'True' : 'False') : v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
      }
    }
  }
  return { environment: env };
}
