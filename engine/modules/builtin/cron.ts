// ansible.builtin.cron: one job (or environment line) in a user's crontab or in a cron file,
// marked `#Ansible: NAME` exactly as Ansible marks it, so a host Ansible manages converges with
// changed=0 here and the other way round. A user's crontab is installed whole by `crontab`
// (which replaces it atomically); a cron file is written by an atomic put or removed when its
// last job goes. The edit itself is pure (lib/crontab-lines.ts).
import type { Module, Plan, TaskResult } from '../types.js';
import { sh } from '../../transport/quote.js';
import { crontab } from '../../facts/crontab.js';
import { fileContent } from '../../facts/file-content.js';
import { PutError } from '../../transport/put-error.js';
import { CronSpecError, editCrontab, envNames, jobNames, renderCrontab, splitLines, stripHeader, type CronSpec } from '../lib/crontab-lines.js';

export interface CronParams {
  name: string;
  job?: string;
  user?: string;
  cron_file?: string;
  state?: 'present' | 'absent';
  backup?: boolean;
  minute?: string | number;
  hour?: string | number;
  day?: string | number;
  month?: string | number;
  weekday?: string | number;
  special_time?: 'reboot' | 'yearly' | 'annually' | 'monthly' | 'weekly' | 'daily' | 'hourly';
  disabled?: boolean;
  env?: boolean;
  insertafter?: string;
  insertbefore?: string;
}

interface CronCurrent {
  /** the crontab's text as read ('' for none); for a user's crontab, without a printed header */
  existing: string;
  lines: string[];
  /** a cron file that exists */
  fileExists: boolean;
}

interface CronPlanData {
  /** the new text, or undefined when the cron file is removed */
  text?: string;
  /** the text before, for backup */
  before: string;
}

/** a relative cron_file is a name in /etc/cron.d (Ansible) */
export function cronFilePath(cronFile: string): string {
  return cronFile.startsWith('/') ? cronFile : `/etc/cron.d/${cronFile}`;
}

function where(p: CronParams): string {
  if (p.cron_file !== undefined) return cronFilePath(p.cron_file);
  return p.user !== undefined ? `crontab for user "${p.user}"` : 'crontab';
}

const field = (v: string | number | undefined) => (v === undefined ? '*' : String(v));

export const cronModule: Module<CronParams, CronCurrent> = {
  name: 'cron',
  readAhead: true,
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    description: "Manage one cron job or environment variable in a user's crontab or a cron file, marked `#Ansible: NAME` as Ansible marks it.",
    properties: {
      name: { type: 'string', description: 'The job\'s name, written in the `#Ansible: NAME` line above it (with env: the variable\'s name).' },
      job: { type: 'string', aliases: ['value'], description: 'The command to run (with env: the variable\'s value). Required with state present.' },
      user: { type: 'string', minLength: 1, description: "Whose crontab to edit (default: the user the task runs as); with cron_file, the user the job runs as (required there)." },
      cron_file: { type: 'string', minLength: 1, not: { const: '/etc/crontab' }, description: 'Edit this file instead of a user\'s crontab: a name in /etc/cron.d or an absolute path (never /etc/crontab). Removed when its last job is removed.' },
      state: { enum: ['present', 'absent'], default: 'present', description: 'Whether the job (or variable) is there.' },
      backup: { type: 'boolean', default: false, description: 'Before a change, keep the old crontab in a temporary file on the host; its name is returned as backup_file.' },
      minute: { type: ['string', 'integer'], default: '*', description: 'Minute field (0-59, */5, 1,31, …).' },
      hour: { type: ['string', 'integer'], default: '*', description: 'Hour field (0-23, …).' },
      day: { type: ['string', 'integer'], default: '*', aliases: ['dom'], description: 'Day of the month field (1-31, …).' },
      month: { type: ['string', 'integer'], default: '*', description: 'Month field (1-12, …).' },
      weekday: { type: ['string', 'integer'], default: '*', aliases: ['dow'], description: 'Day of the week field (0-6 for Sunday-Saturday, …).' },
      special_time: {
        enum: ['reboot', 'yearly', 'annually', 'monthly', 'weekly', 'daily', 'hourly'],
        description: 'Run at @reboot, @daily, … instead of the time fields (which must then stay *).',
      },
      disabled: { type: 'boolean', default: false, description: 'Write the job commented out (state present only).' },
      env: { type: 'boolean', default: false, description: 'Manage an environment line NAME="job" instead of a job.' },
      insertafter: { type: 'string', description: 'With env and a new variable: put it after the line of this variable.' },
      insertbefore: { type: 'string', description: 'With env and a new variable: put it before the line of this variable.' },
    },
    not: { required: ['insertafter', 'insertbefore'] },
  },

  async read(ctx, p) {
    if (p.cron_file !== undefined) {
      const content = await ctx.facts.get(fileContent, { path: cronFilePath(p.cron_file) }, ctx.become);
      const existing = content?.toString('utf8') ?? '';
      return { existing, lines: splitLines(existing), fileExists: content !== null };
    }
    const { lines, existing } = stripHeader(await ctx.facts.get(crontab, { user: p.user }, ctx.become));
    return { existing, lines, fileExists: false };
  },

  diff(p, cur): Plan {
    const isFile = p.cron_file !== undefined;
    const spec: CronSpec = {
      name: p.name,
      job: p.job,
      state: p.state ?? 'present',
      minute: field(p.minute),
      hour: field(p.hour),
      day: field(p.day),
      month: field(p.month),
      weekday: field(p.weekday),
      special_time: p.special_time,
      disabled: p.disabled ?? false,
      env: p.env ?? false,
      insertafter: p.insertafter,
      insertbefore: p.insertbefore,
      fileUser: isFile ? p.user : undefined,
    };
    let edit;
    try {
      edit = editCrontab(cur.lines, spec, isFile);
    } catch (e) {
      if (e instanceof CronSpecError) return { kind: 'fail', msg: e.message };
      throw e;
    }
    const at = where(p);
    const what = spec.env ? `variable ${p.name}` : `job "${p.name}"`;
    const warnings = edit.warnings.length ? { warnings: edit.warnings } : {};
    const fileResult = isFile ? { cron_file: p.cron_file } : {};
    if (edit.removeFile) {
      if (!cur.fileExists) return { kind: 'noop', reason: `${cronFilePath(p.cron_file!)} is absent`, result: { ...fileResult, state: 'absent' } };
      return {
        kind: 'change',
        summary: `remove ${what}, the last one in ${at}: remove the file`,
        fileDiffs: [{ path: at, before: cur.existing }],
        data: { before: cur.existing } satisfies CronPlanData,
        result: { ...fileResult, state: 'absent' },
      };
    }
    const result = { jobs: jobNames(edit.lines), envs: envNames(edit.lines), ...warnings, ...fileResult };
    // an existing crontab without a final newline is rewritten with one (cron ignores a last line without it)
    const unterminated = cur.existing !== '' && !/[\r\n]$/.test(cur.existing);
    if (!edit.changed && !unterminated) {
      const state = spec.state === 'present' ? `${what} is already in ${at} as wanted` : `${what} is not in ${at}`;
      return { kind: 'noop', reason: state, result };
    }
    const text = renderCrontab(edit.lines);
    const how = !edit.changed ? 'add the missing newline at the end of' : spec.state === 'absent' ? `remove ${what} from` : `set ${what} in`;
    return {
      kind: 'change',
      summary: `${how} ${at}`,
      fileDiffs: [{ path: at, before: cur.existing || undefined, after: text }],
      data: { text, before: renderCrontab(cur.lines) } satisfies CronPlanData,
      result,
    };
  },

  async apply(ctx, p, plan): Promise<TaskResult> {
    const data = plan.data as CronPlanData;
    const out: TaskResult = { ...plan.result, changed: true, msg: plan.summary, diff: plan.fileDiffs };
    const fail = (msg: string): TaskResult => ({ ...plan.result, changed: false, failed: true, msg });
    if (p.backup) {
      // as Ansible: the crontab as read, in a new temporary file on the host
      const r = await ctx.transport.exec(sh`t=$(mktemp /tmp/crontabXXXXXXXX) && cat > "$t" && printf '%s\n' "$t"`, { become: ctx.become, stdin: data.before });
      if (r.exitCode !== 0) return fail(`cannot back up the crontab: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
      out.backup_file = r.stdout.trim();
    }
    if (p.cron_file !== undefined) {
      const path = cronFilePath(p.cron_file);
      if (data.text === undefined) {
        const r = await ctx.transport.exec(sh`rm -f -- ${path}`, { become: ctx.become });
        return r.exitCode === 0 ? out : fail(`cannot remove ${path}: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
      }
      try {
        await ctx.transport.put(Buffer.from(data.text), path, { become: ctx.become });
      } catch (e) {
        if (e instanceof PutError) return fail(e.message);
        throw e;
      }
      return out;
    }
    // crontab installs the whole table at once (it checks it and renames it into place)
    const cmd =
      p.user === undefined ? sh`crontab -` : sh`if [ "$(id -un)" = ${p.user} ]; then crontab -; else crontab -u ${p.user} -; fi`;
    const r = await ctx.transport.exec(cmd, { become: ctx.become, stdin: data.text ?? '' });
    return r.exitCode === 0 ? out : fail(`crontab refused the new table for ${where(p)}: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
  },
};
