// ansible.builtin.raw: the command string as it is, run by the login shell ($SHELL, which sshd
// sets for the session) with nothing around it: for hosts where nothing else works yet.
// What it does cannot be known in advance: check mode skips it, as it does command and shell.
import { sh, raw } from '../../transport/quote.js';
import type { Module, Plan } from '../types.js';
import { runCommand } from '../lib/run-command.js';

export interface RawParams {
  cmd: string;
  executable?: string;
}

export const rawModule: Module<RawParams, null> = {
  name: 'raw',
  readAhead: true,
  freeForm: 'cmd',
  schema: {
    type: 'object',
    description: 'Run a command line in the login shell, with nothing around it (for hosts where nothing else works yet).',
    additionalProperties: false,
    required: ['cmd'],
    properties: {
      cmd: { type: 'string', description: 'The command line, given to the login shell unchanged.' },
      executable: { type: 'string', pattern: '^/', description: 'A shell to run cmd with (executable -c cmd) instead of the login shell.' },
    },
  },

  async read() {
    return null;
  },

  diff(p): Plan {
    if (!p.cmd.trim()) return { kind: 'fail', msg: 'no command given' };
    return { kind: 'change', summary: `run raw: ${p.cmd}`, unknowable: true };
  },

  apply(ctx, p) {
    // The text crosses as written: the user's own shell program, on purpose (as shell's cmd).
    // Every command arrives wrapped in /bin/sh -c; $SHELL is the login shell sshd set for the
    // session, so the text runs there, as with Ansible's raw. Output is kept as it came.
    const program = sh`exec ${p.executable ?? raw('"${SHELL:-/bin/sh}"')} -c ${p.cmd}`;
    return runCommand(ctx, { strip_empty_ends: false }, program, p.cmd);
  },
};
