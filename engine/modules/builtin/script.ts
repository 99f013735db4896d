// ansible.builtin.script: a script from the controller (role files/, the playbook's files/, or a
// path), copied into a private temporary directory on the host, run there with its arguments,
// then removed. As shell's cmd, the arguments after the script's name are shell text on purpose
// (`script: files/x.sh --name "a b" > /tmp/log` works as in Ansible); the script's path, chdir and
// executable are quoted. creates/removes decide without running anything; otherwise what the
// script does cannot be known in advance and check mode skips it, as Ansible does.
import { sh, raw, joinCommands, ShellCommand } from '../../transport/quote.js';
import type { Module, TaskResult } from '../types.js';
import { readGuards, planRun, runCommand, resolve, type RunCurrent } from '../lib/run-command.js';
import { predictExists } from '../lib/predictions.js';
import { PutError } from '../../transport/put-error.js';
import { InputError } from '../../errors.js';

export interface ScriptParams {
  cmd: string;
  creates?: string;
  removes?: string;
  chdir?: string;
  executable?: string;
}

interface ScriptData {
  /** the script on the controller */
  src: string;
  bytes: Buffer;
  /** the arguments after its name, as written */
  args: string;
}

type ScriptCurrent = RunCurrent & ScriptData;

/** "files/x.sh --a 'b c'" -> the script's name (unquoted) and the rest as written */
export function splitScript(cmd: string): { script: string; args: string } {
  const m = /^\s*(?:"([^"]*)"|'([^']*)'|(\S+))\s*([\s\S]*)$/.exec(cmd);
  if (!m) return { script: '', args: '' };
  return { script: m[1] ?? m[2] ?? m[3] ?? '', args: m[4].trimEnd() };
}

export const scriptModule: Module<ScriptParams, ScriptCurrent> = {
  name: 'script',
  freeForm: 'cmd',
  // `creates` names what the script makes: later reads in --check see it
  predict: (p) => predictExists([p.creates ? resolve(p.creates, p.chdir) : undefined]),
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['cmd'],
    description: 'Copy a script from the controller to the host, run it there with arguments, and remove it.',
    properties: {
      cmd: {
        type: 'string',
        minLength: 1,
        description: "The script (found in the role's files/, the playbook's files/, or a path on the controller), then its arguments as shell text.",
      },
      creates: { type: 'string', description: 'Do not run when this path exists on the host (relative paths are taken from chdir).' },
      removes: { type: 'string', description: 'Run only when this path exists on the host (relative paths are taken from chdir).' },
      chdir: { type: 'string', description: 'Directory on the host to run the script in.' },
      executable: { type: 'string', minLength: 1, description: 'The program to run the script with (e.g. /bin/bash, python3) instead of its #! line.' },
    },
  },

  async read(ctx, p) {
    const { script, args } = splitScript(p.cmd);
    if (!script) throw new InputError('script: no script named in cmd');
    const src = await ctx.findFile('files', script);
    const bytes = await ctx.controller.get(src);
    if (bytes === null) throw new InputError(`script: could not find ${script} on the controller`);
    return { ...(await readGuards(ctx, p)), src, bytes, args };
  },

  diff(p, cur) {
    return planRun(p, cur, p.cmd, p.cmd, { src: cur.src, bytes: cur.bytes, args: cur.args } satisfies ScriptData);
  },

  async apply(ctx, p, plan): Promise<TaskResult> {
    const cur = plan.data as ScriptData;
    const opts = { become: ctx.become };
    const t = await ctx.transport.exec(sh`mktemp -d`, opts);
    const dir = t.stdout.trim();
    if (t.exitCode !== 0 || !dir) return { changed: false, failed: true, msg: `mktemp on the host failed: ${t.stderr.trim() || `exit ${t.exitCode}`}` };
    try {
      const name = cur.src.slice(cur.src.lastIndexOf('/') + 1);
      const path = `${dir}/${name}`;
      try {
        await ctx.transport.put(cur.bytes, path, { mode: '0700', become: ctx.become });
      } catch (e) {
        if (e instanceof PutError) return { changed: false, failed: true, msg: e.message };
        throw e;
      }
      // the user's arguments are shell text, after the quoted program (as shell's cmd); the cd
      // stands on its own line and stops the run when it fails
      const program = sh`${p.executable ?? raw('')} ${path} ${new ShellCommand(cur.args)}`;
      const full = p.chdir ? joinCommands([sh`cd -- ${p.chdir} || exit 1`, program], '\n') : program;
      const r = await runCommand(ctx, {}, full, p.cmd);
      delete r.cmd;
      return r;
    } finally {
      await ctx.transport.exec(sh`rm -rf -- ${dir}`, opts);
    }
  },
};
