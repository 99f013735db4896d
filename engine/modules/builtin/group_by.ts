// ansible.builtin.group_by: the host joins a group named from its variables (key: os_{{
// ansible_distribution }}), created in this run's in-memory inventory when new, so later plays
// can target it. As in Ansible the result says what to add (add_group, parent_groups) and the
// runner changes the inventory, reporting changed when the host or group is new there. Nothing
// on the host changes, so it runs in check mode too.
import type { Module, Plan } from '../types.js';

export interface GroupByParams {
  key: string;
  parents?: string | string[];
}

export const groupByModule: Module<GroupByParams, null> = {
  name: 'group_by',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['key'],
    description: "Put the host into a group named by key (spaces become '-'), created in this run's inventory when new, for the plays that follow.",
    properties: {
      key: { type: 'string', minLength: 1, description: "The group's name, usually built from variables (os_{{ ansible_distribution }})." },
      parents: {
        type: ['array', 'string'],
        items: { type: 'string', minLength: 1 },
        default: ['all'],
        description: 'The groups the new group goes under (created when new).',
      },
    },
  },

  async read() {
    return null;
  },

  diff(p): Plan {
    const group = p.key.replace(/ /g, '-');
    const parents = (p.parents === undefined ? ['all'] : Array.isArray(p.parents) ? p.parents : [p.parents]).map((g) => g.replace(/ /g, '-'));
    return {
      kind: 'noop',
      reason: `group_by changes only this run's inventory (group ${group})`,
      result: { add_group: group, parent_groups: parents },
    };
  },

  async apply() {
    throw new Error('group_by changes the inventory through its result');
  },
};
