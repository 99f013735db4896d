// ansible.builtin.add_host: a host (and its groups and variables) added to this run's in-memory
// inventory, for the plays after it. As in Ansible it runs once per task, not once per host (a
// loop adds one host per item), its result says what to add (add_host: host_name, groups,
// host_vars) and the runner changes the inventory, reporting changed only when something new
// came in. Nothing on any host changes, so it runs in check mode too.
import type { Module, Plan } from '../types.js';

export interface AddHostParams {
  name: string;
  groups?: string | string[];
  [hostVar: string]: unknown;
}

/** "host:2222" / "[::1]:2222" -> name and port (Ansible's parse_address) */
export function splitHostPort(text: string): { name: string; port?: number } {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (v6) return { name: v6[1], ...(v6[2] ? { port: Number(v6[2]) } : {}) };
  const m = /^([^:]+):(\d+)$/.exec(text);
  return m ? { name: m[1], port: Number(m[2]) } : { name: text };
}

export const addHostModule: Module<AddHostParams, null> = {
  name: 'add_host',
  schema: {
    type: 'object',
    // every other parameter is a variable of the host, as in Ansible
    additionalProperties: true,
    required: ['name'],
    description: "Add a host to this run's in-memory inventory for the plays that follow, with groups; every other parameter is a variable of the host. Runs once per task (once per loop item), not per host.",
    properties: {
      name: { type: 'string', minLength: 1, aliases: ['host', 'hostname'], description: 'The host to add; host:port sets its ansible_ssh_port (as Ansible).' },
      groups: {
        type: ['array', 'string'],
        items: { type: 'string', minLength: 1 },
        aliases: ['group', 'groupname'],
        description: 'Groups to put the host in (a list or a comma-separated string); new groups are created under all.',
      },
    },
  },

  async read() {
    return null;
  },

  diff(p): Plan {
    const { name: rawName, groups, ...vars } = p;
    const { name, port } = splitHostPort(rawName);
    const list = groups === undefined ? [] : Array.isArray(groups) ? groups : groups.split(',');
    const newGroups = [...new Set(list.map((g) => g.trim()).filter((g) => g))];
    const host_vars: Record<string, unknown> = { ...vars, ...(port !== undefined ? { ansible_ssh_port: port } : {}) };
    return {
      kind: 'noop',
      reason: `add_host changes only this run's inventory (${name}${newGroups.length ? ` in ${newGroups.join(', ')}` : ''})`,
      result: { add_host: { host_name: name, groups: newGroups, host_vars } },
    };
  },

  async apply() {
    throw new Error('add_host changes the inventory through its result');
  },
};
