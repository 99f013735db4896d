// The floor's checks: for each workload task, the one read that shows whether the host is converged for it.
// Each check prints a fixed token when the host already matches, so the floor can count converged tasks.
import { sh, type ShellCommand } from '../../engine/transport/quote.js';
import type { WorkloadTask } from './workload.js';

export interface Check {
  command: ShellCommand;
  /** stdout (trimmed) of a converged host */
  expect: string;
}

/** sha256 of a string, hex, as sha256sum prints it */
import { createHash } from 'node:crypto';
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export function checkFor(t: WorkloadTask, root: string): Check {
  switch (t.kind) {
    case 'file':
      return { command: sh`stat -c %F:%a -- ${`${root}/${t.dir}`}`, expect: 'directory:755' };
    case 'copy': {
      const p = `${root}/${t.dest}`;
      return { command: sh`stat -c %a -- ${p} && sha256sum < ${p}`, expect: `644\n${sha256(t.content)}  -` };
    }
    case 'lineinfile':
      return { command: sh`grep -cxF -- ${t.line} ${`${root}/${t.path}`}`, expect: '1' };
    case 'command':
      return { command: sh`test -e ${`${root}/${t.creates}`} && echo present`, expect: 'present' };
  }
}

/** A generic read standing in for one task of a playbook the floor cannot model (W4): one stat per task. */
export function genericCheck(): Check {
  return { command: sh`stat -c %F -- /etc/hostname`, expect: 'regular file' };
}
