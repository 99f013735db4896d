// Before any host is contacted: every role's variables, as each host of each play would see
// them (role defaults < inventory < play vars/vars_files < role params < extra vars), are checked
// against the role's schema. Values still holding "{{ }}" are left for run time.
import type { ErrorObject } from 'ajv';
import { InputError, type SourcePos } from '../errors.js';
import type { Node, Play, RoleContext } from '../playbook/model.js';
import { relevantErrors, describeAjvError } from '../playbook/ajv.js';
import { selectHosts } from '../inventory/index.js';
import type { RunContext } from './run-context.js';
import { inventoryVarOrigin } from './var-origin.js';

/** every role used in a play (tasks, handlers, dependencies), once each */
export function rolesOf(play: Play): RoleContext[] {
  const seen = new Set<RoleContext>();
  const walk = (nodes: Node[]) => {
    for (const n of nodes) {
      if (n.role) seen.add(n.role);
      if (n.kind === 'block') walk([...n.block, ...n.rescue, ...n.always]);
    }
  };
  walk([...play.preTasks, ...play.tasks, ...play.postTasks, ...play.handlers]);
  return [...seen].filter((r) => r.schema);
}

type Layer = { vars: Record<string, unknown>; where: (key: string, host: string) => SourcePos };

export function checkRoleParams(run: RunContext, play: Play, playVars: Record<string, unknown>, playVarsPos: Record<string, SourcePos>): void {
  const roles = rolesOf(play);
  if (!roles.length) return;
  const hosts = selectHosts(run.inventory, play.hosts, run.opts.limit);
  for (const role of roles) {
    const rs = role.schema!;
    const validate = run.renderSchemas.get(rs.schema);
    const declared = Object.keys((rs.schema.properties ?? {}) as object);
    for (const host of hosts) {
      const layers: Layer[] = [
        { vars: role.defaults, where: (k) => role.defaultsPos?.[k] ?? { file: role.path } },
        { vars: run.inventoryVars(host), where: (k, h) => inventoryVarOrigin(run.inventory, h, k) },
        { vars: playVars, where: (k) => playVarsPos[k] ?? play.pos },
        { vars: role.params, where: (k) => role.paramsPos?.[k] ?? role.usedAt ?? play.pos },
        { vars: run.opts.extraVars ?? {}, where: () => ({ file: 'extra vars (-e)' }) },
      ];
      const effective: Record<string, unknown> = {};
      const from = new Map<string, Layer>();
      for (const l of layers) {
        for (const k of declared) {
          if (!(k in l.vars)) continue;
          effective[k] = l.vars[k];
          from.set(k, l);
        }
      }
      // validate a copy: coercion ("8080" → 8080) must not change the run's values
      const data = structuredClone(effective);
      const errs = relevantErrors(validate, data, true);
      if (!errs.length) continue;
      throw roleError(role, host, errs[0], from, play, effective);
    }
  }
}

function roleError(role: RoleContext, host: string, e: ErrorObject, from: Map<string, Layer>, play: Play, data: Record<string, unknown>): InputError {
  const path = e.instancePath.split('/').filter(Boolean);
  const variable = e.keyword === 'required' && !path.length ? String(e.params.missingProperty) : path[0];
  const layer = from.get(variable);
  const where = layer ? layer.where(variable, host) : (role.usedAt ?? play.pos);
  const what = e.keyword === 'required' && !path.length ? 'is required and not set' : `${describeAjvError(e)} (got ${JSON.stringify(data[variable])})`;
  return new InputError(`role "${role.name}": variable "${variable}": ${what}, for host ${host} (schema: ${role.schema!.file})`, where);
}
