// A user's crontab as `crontab -l` prints it ('' when the user has none). `-u` only for another
// user: Debian's crontab refuses -u to anyone but root, even with their own name.
import { sh } from '../transport/quote.js';
import { ModuleError } from '../errors.js';
import type { Fact } from './types.js';

export interface CrontabArgs {
  /** undefined: the user the task runs as */
  user?: string;
}

export const crontab: Fact<string, CrontabArgs> = {
  name: 'crontab',
  command: ({ user }) =>
    user === undefined
      ? sh`command -v crontab >/dev/null || exit 127; crontab -l`
      : sh`command -v crontab >/dev/null || exit 127; if [ "$(id -un)" = ${user} ]; then crontab -l; else crontab -u ${user} -l; fi`,
  parse(r, { user }) {
    if (r.exitCode === 127) throw new ModuleError('crontab is not installed on the host (Debian: the cron package)');
    // exit 1: no crontab for the user (Ansible treats it as empty too)
    if (r.exitCode === 1 && /no crontab for/i.test(r.stderr)) return '';
    if (r.exitCode !== 0) throw new ModuleError(`cannot read the crontab${user === undefined ? '' : ` of ${user}`}: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
    return r.stdout;
  },
};
