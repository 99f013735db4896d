// ansible.builtin.group: one local group, made with groupadd/groupmod/groupdel.
import type { Module, Plan, TaskResult } from '../types.js';
import { sh } from '../../transport/quote.js';
import { groupState, type GroupState } from '../../facts/user-state.js';
import { ACCOUNT_NAME } from './user.js';

export interface GroupParams {
  name: string;
  state?: 'present' | 'absent';
  gid?: number;
  system?: boolean;
}

export const groupModule: Module<GroupParams, GroupState> = {
  name: 'group',
  readAhead: true,
  schema: {
    type: 'object',
    description: 'Create, change or remove a group.',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: { type: 'string', pattern: ACCOUNT_NAME, description: 'The group name.' },
      state: { enum: ['present', 'absent'], default: 'present', description: 'Whether the group should exist.' },
      gid: { type: 'integer', minimum: 0, description: 'The numeric group id.' },
      system: { type: 'boolean', default: false, description: 'Make a system group (a gid below GID_MIN); only when the group is created.' },
    },
  },

  read: (ctx, p) => ctx.facts.get(groupState, { name: p.name }, ctx.become),

  diff(p, cur): Plan {
    const result = { name: p.name, state: p.state ?? 'present' };
    if ((p.state ?? 'present') === 'absent') {
      if (!cur.exists) return { kind: 'noop', reason: `group ${p.name} does not exist`, result };
      return { kind: 'change', summary: `remove group ${p.name}`, data: ['groupdel', p.name], result };
    }
    if (!cur.exists) {
      const argv = ['groupadd', ...(p.gid !== undefined ? ['-g', String(p.gid)] : []), ...(p.system ? ['-r'] : []), p.name];
      return { kind: 'change', summary: `create group ${p.name}`, data: argv, result };
    }
    if (p.gid !== undefined && p.gid !== cur.gid) {
      return { kind: 'change', summary: `group ${p.name}: gid ${cur.gid} -> ${p.gid}`, data: ['groupmod', '-g', String(p.gid), p.name], result: { ...result, gid: cur.gid } };
    }
    return { kind: 'noop', reason: `group ${p.name} exists${p.gid !== undefined ? ` with gid ${p.gid}` : ''}`, result: { ...result, gid: cur.gid } };
  },

  async apply(ctx, _p, plan): Promise<TaskResult> {
    const argv = plan.data as string[];
    const r = await ctx.transport.exec(sh`${argv}`, { become: ctx.become });
    if (r.exitCode !== 0) return { ...plan.result, changed: false, failed: true, rc: r.exitCode, stderr: r.stderr, msg: `${argv[0]} failed: ${r.stderr.trim()}` };
    return { ...plan.result, changed: true, msg: plan.summary };
  },
};
