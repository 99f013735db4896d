// `meta:` actions are executed by the play runner itself; this module exists so the loader
// validates them like any other task.
import type { Module } from '../modules/types.js';

export const META_ACTIONS = ['flush_handlers', 'noop', 'end_play', 'end_host', 'clear_facts', 'refresh_inventory', 'clear_host_errors', 'reset_connection'] as const;

export const metaModule: Module<{ action: string }, null> = {
  name: 'meta',
  freeForm: 'action',
  schema: {
    type: 'object',
    properties: { action: { enum: [...META_ACTIONS], description: 'what the play runner should do now' } },
    required: ['action'],
    additionalProperties: false,
  },
  async read() {
    return null;
  },
  diff(p) {
    return { kind: 'noop', reason: `meta ${p.action}` };
  },
  async apply() {
    return { changed: false };
  },
};
