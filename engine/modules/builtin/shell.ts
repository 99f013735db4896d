// ansible.builtin.shell: the one module whose input is a shell program on purpose: `cmd` runs
// through /bin/sh (or `executable`), with pipes, redirections and variables.
import { sh, joinCommands, ShellCommand } from '../../transport/quote.js';
import type { Module } from '../types.js';
import { readGuards, planRun, runCommand, runSchema, resolve, type RunCurrent, type RunParams } from '../lib/run-command.js';
import { predictExists } from '../lib/predictions.js';

export interface ShellParams extends RunParams {
  cmd: string;
  executable?: string;
}

export const shell: Module<ShellParams, RunCurrent> = {
  name: 'shell',
  readAhead: true,
  freeForm: 'cmd',
  // `creates` names what the command makes: later reads in --check see it
  predict: (p) => predictExists([p.creates ? resolve(p.creates, p.chdir) : undefined]),
  schema: {
    type: 'object',
    description: 'Run a shell program (pipes, redirections, variables) through /bin/sh.',
    additionalProperties: false,
    required: ['cmd'],
    properties: {
      cmd: { type: 'string', description: 'A shell program, run by /bin/sh -c (or executable -c).' },
      executable: { type: 'string', description: 'The shell to run cmd with, e.g. /bin/bash.' },
      ...runSchema,
    },
  },

  read: (ctx, p) => readGuards(ctx, p),

  diff(p, cur) {
    if (!p.cmd.trim()) return { kind: 'fail', msg: 'no command given' };
    return planRun(p, cur, p.cmd, p.cmd, undefined);
  },

  apply(ctx, p, _plan) {
    if (p.executable) return runCommand(ctx, p, sh`exec ${p.executable} -c ${p.cmd}`, p.cmd, p.chdir);
    // The user's program is not glued after `cd ... &&` (its own `;`, `||` would escape the
    // condition): the cd stands on its own line and stops the run when it fails.
    const program = new ShellCommand(p.cmd);
    const full = p.chdir ? joinCommands([sh`cd -- ${p.chdir} || exit 1`, program], '\n') : program;
    return runCommand(ctx, p, full, p.cmd);
  },
};
