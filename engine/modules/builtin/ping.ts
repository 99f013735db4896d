// ansible.builtin.ping: proves the host is reachable and runs commands (with become, when the
// task has it): the answer is `ping: pong`. `data: crash` fails on purpose, to test failure paths.
import type { Module, Plan } from '../types.js';
import { sh } from '../../transport/quote.js';

export interface PingParams {
  data?: string;
}

/** what the host echoed back; a broken connection throws before this (the host is unreachable) */
type PingCurrent = { reply: string; exitCode: number; stderr: string };

export const pingModule: Module<PingParams, PingCurrent> = {
  name: 'ping',
  readAhead: true,
  schema: {
    type: 'object',
    description: 'Check that the host is reachable and runs commands (returns pong).',
    additionalProperties: false,
    properties: {
      data: { type: 'string', default: 'pong', description: "What to return as `ping`; 'crash' makes the task fail." },
    },
  },

  async read(ctx, p) {
    // a real round trip through the host's shell, so a host that accepts the connection but
    // cannot run commands (or become) does not answer pong
    const r = await ctx.transport.exec(sh`printf %s ${p.data ?? 'pong'}`, { become: ctx.become });
    return { reply: r.stdout, exitCode: r.exitCode, stderr: r.stderr };
  },

  diff(p, cur): Plan {
    const data = p.data ?? 'pong';
    if (data === 'crash') return { kind: 'fail', msg: 'boom', result: { exception: 'Exception: boom' } };
    if (cur.exitCode !== 0 || cur.reply !== data) {
      return { kind: 'fail', msg: `the host did not answer the ping (rc=${cur.exitCode}): ${cur.stderr.trim() || cur.reply}`, result: { rc: cur.exitCode } };
    }
    return { kind: 'noop', reason: 'ping only proves the connection', result: { ping: data } };
  },

  async apply() {
    throw new Error('ping never changes anything');
  },
};
