// ansible.builtin.command: run a program with arguments, no shell: the words arrive exactly
// as written (no globbing, variables, pipes or redirections).
import { sh } from '../../transport/quote.js';
import type { Module } from '../types.js';
import { splitShellWords, ShellWordsError } from '../../shell-words.js';
import { readGuards, planRun, runCommand, runSchema, resolve, type RunCurrent, type RunParams } from '../lib/run-command.js';
import { predictExists } from '../lib/predictions.js';

export interface CommandParams extends RunParams {
  argv?: string[];
}

export const command: Module<CommandParams, RunCurrent> = {
  name: 'command',
  readAhead: true,
  freeForm: 'cmd',
  // `creates` names what the command makes: later reads in --check see it
  predict: (p) => predictExists([p.creates ? resolve(p.creates, p.chdir) : undefined]),
  schema: {
    type: 'object',
    description: 'Run a program with arguments, without a shell.',
    additionalProperties: false,
    properties: {
      cmd: { type: 'string', description: 'The command line, split into words like a shell would (quotes, backslashes) but never run through a shell.' },
      argv: { type: 'array', items: { type: 'string' }, minItems: 1, description: 'The command as a list of words, instead of cmd.' },
      ...runSchema,
    },
  },

  read: (ctx, p) => readGuards(ctx, p),

  diff(p, cur) {
    if (p.cmd !== undefined && p.argv !== undefined) return { kind: 'fail', msg: 'parameters are mutually exclusive: cmd|argv' };
    let argv: string[];
    try {
      argv = p.argv ?? splitShellWords(p.cmd ?? '');
    } catch (e) {
      if (e instanceof ShellWordsError) return { kind: 'fail', msg: `${e.message} in: ${p.cmd}` };
      throw e;
    }
    if (!argv.length) return { kind: 'fail', msg: 'no command given' };
    return planRun(p, cur, argv.map((w) => (/^[\w@%+=:,./-]+$/.test(w) ? w : JSON.stringify(w))).join(' '), argv, argv);
  },

  apply(ctx, p, plan) {
    const argv = plan.data as string[];
    // `exec` puts argv[0] where the shell reads no keyword or VAR=value: a plain program name
    return runCommand(ctx, p, sh`exec ${argv}`, argv, p.chdir);
  },
};
