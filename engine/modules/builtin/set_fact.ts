// ansible.builtin.set_fact: every parameter becomes a host variable.
import type { Module } from '../types.js';

export const set_fact: Module<Record<string, unknown>, null> = {
  name: 'set_fact',
  schema: {
    type: 'object',
    description: 'Each key is a variable to set on the host, with its value.',
    properties: {
      cacheable: { type: 'boolean', description: 'Accepted for Ansible compatibility; facts live for the run.' },
    },
    propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
    additionalProperties: true,
    minProperties: 1,
  },

  async read() {
    return null;
  },

  diff(p) {
    const facts = Object.fromEntries(Object.entries(p).filter(([k]) => k !== 'cacheable'));
    if (!Object.keys(facts).length) return { kind: 'fail', msg: 'set_fact needs at least one variable' };
    return { kind: 'noop', reason: `facts set: ${Object.keys(facts).join(', ')}`, result: { ansible_facts: facts } };
  },

  async apply() {
    throw new Error('set_fact never changes a host');
  },
};
