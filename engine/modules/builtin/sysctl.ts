// sysctl: one kernel parameter, persisted in a sysctl.d file and optionally set at runtime.
import type { Module, Plan, TaskResult, FileDiff } from '../types.js';
import { sh } from '../../transport/quote.js';
import { sysctlState, normalizeSysctlValue, type SysctlState } from '../../facts/sysctl-state.js';
import { sysctlFileValue, setSysctlInFile } from '../lib/sysctl-conf.js';

export interface SysctlParams {
  name: string;
  value?: string | number | boolean;
  state?: 'present' | 'absent';
  sysctl_file?: string;
  reload?: boolean;
  sysctl_set?: boolean;
  ignoreerrors?: boolean;
}

export const DEFAULT_SYSCTL_FILE = '/etc/sysctl.d/99-tsplay.conf';

interface SysctlPlanData {
  file: string;
  /** new file content when the file changes */
  fileAfter?: string;
  /** runtime value to set with sysctl -w */
  setRuntime?: string;
}

export const sysctlModule: Module<SysctlParams, SysctlState> = {
  name: 'sysctl',
  readAhead: true,
  schema: {
    type: 'object',
    description: 'Set a kernel parameter in a sysctl.d file and in the running kernel.',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: { type: 'string', pattern: '^[A-Za-z0-9_][A-Za-z0-9_./*-]*$', not: { pattern: '\\.\\.' }, description: 'The kernel parameter, dotted (net.ipv4.ip_forward).' },
      value: { type: ['string', 'number', 'boolean'], description: 'The wanted value (required with state present).' },
      state: { enum: ['present', 'absent'], default: 'present', description: 'present: set in sysctl_file; absent: removed from it.' },
      sysctl_file: { type: 'string', pattern: '^/', default: DEFAULT_SYSCTL_FILE, description: 'The sysctl.d file that holds the setting.' },
      reload: { type: 'boolean', default: true, description: 'When the file changes, set the running kernel to the value too.' },
      sysctl_set: { type: 'boolean', default: false, description: 'Set the running kernel to the value whenever it differs (sysctl -w), even if the file did not change.' },
      ignoreerrors: { type: 'boolean', default: false, description: 'A failing sysctl -w is not a task failure.' },
    },
    if: { properties: { state: { const: 'absent' } }, required: ['state'] },
    else: { required: ['value'] },
  },

  read(ctx, p) {
    return ctx.facts.get(sysctlState, { name: p.name, file: p.sysctl_file ?? DEFAULT_SYSCTL_FILE }, ctx.become);
  },

  diff(p, cur): Plan {
    const file = p.sysctl_file ?? DEFAULT_SYSCTL_FILE;
    const state = p.state ?? 'present';
    const data: SysctlPlanData = { file };
    const what: string[] = [];
    const fileDiffs: FileDiff[] = [];
    const inFile = sysctlFileValue(cur.fileText, p.name);
    if (state === 'absent') {
      if (inFile === undefined) return { kind: 'noop', reason: `${p.name} is not set in ${file}` };
      data.fileAfter = setSysctlInFile(cur.fileText, p.name, undefined);
      what.push(`remove ${p.name} from ${file}`);
    } else {
      const want = normalizeSysctlValue(p.value ?? '');
      const reload = p.reload ?? true;
      if (inFile === undefined || normalizeSysctlValue(inFile) !== want) {
        data.fileAfter = setSysctlInFile(cur.fileText, p.name, want);
        what.push(`set ${p.name}=${want} in ${file}`);
      }
      // Runtime is set when asked to (sysctl_set), or to apply a changed file (reload). A key
      // the kernel lacks yet (its module loads in an earlier task) is a predicted change, not a
      // failure in check mode; a real run fails at sysctl -w if it is still missing.
      const runtimeDiffers = cur.runtime !== want;
      if (runtimeDiffers && ((p.sysctl_set ?? false) || (reload && data.fileAfter !== undefined))) {
        data.setRuntime = want;
        what.push(
          cur.runtime === undefined
            ? `set the running kernel's ${p.name} to ${want} (the kernel has no such key yet)`
            : `set the running kernel's ${p.name} from ${cur.runtime} to ${want}`,
        );
      }
      if (!what.length) {
        const rt = cur.runtime === want ? 'and in the running kernel' : `(running kernel has ${cur.runtime ?? 'no value'}; sysctl_set is false)`;
        return { kind: 'noop', reason: `${p.name}=${want} already in ${file} ${rt}` };
      }
    }
    if (data.fileAfter !== undefined) fileDiffs.push({ path: file, before: cur.fileText ?? undefined, after: data.fileAfter });
    return { kind: 'change', summary: what.join('; '), fileDiffs, data };
  },

  async apply(ctx, p, plan): Promise<TaskResult> {
    const data = plan.data as SysctlPlanData;
    if (data.fileAfter !== undefined) {
      await ctx.transport.put(Buffer.from(data.fileAfter), data.file, { become: ctx.become });
    }
    if (data.setRuntime !== undefined) {
      const r = await ctx.transport.exec(sh`sysctl -w ${`${p.name}=${data.setRuntime}`}`, { become: ctx.become });
      if (r.exitCode !== 0 && !(p.ignoreerrors ?? false)) {
        return { changed: data.fileAfter !== undefined, failed: true, rc: r.exitCode, stderr: r.stderr, msg: `sysctl -w ${p.name} failed: ${r.stderr.trim()}` };
      }
    }
    return { changed: true, msg: plan.summary, diff: plan.fileDiffs };
  },
};
