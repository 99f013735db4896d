// ansible.builtin.fail: stop this host with a message.
import type { Module } from '../types.js';

export const fail: Module<{ msg?: unknown }, null> = {
  name: 'fail',
  schema: {
    type: 'object',
    description: 'Fail with a message.',
    additionalProperties: false,
    properties: {
      msg: { description: "The failure message. Default: 'Failed as requested from task'." },
    },
  },
  async read() {
    return null;
  },
  diff(p) {
    const msg = p.msg === undefined ? 'Failed as requested from task' : typeof p.msg === 'string' ? p.msg : JSON.stringify(p.msg);
    return { kind: 'fail', msg };
  },
  async apply() {
    throw new Error('fail never changes anything');
  },
};
