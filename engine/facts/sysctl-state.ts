// sysctl: the kernel's current value of one key (/proc/sys) and the content of the sysctl file.
import type { Fact } from './types.js';
import { sh } from '../transport/quote.js';
import { splitSections, SECTION_MARK } from './gather-sections.js';
import { probeFileCommand, parseProbedFile } from './probe-file.js';

export interface SysctlState {
  /** whitespace-normalized runtime value; undefined when /proc/sys has no such key */
  runtime?: string;
  /** the sysctl file's content, null when it does not exist */
  fileText: string | null;
}

/** "net.ipv4.ip_forward" -> /proc/sys/net/ipv4/ip_forward; a name with '/' is already a path */
export function sysctlProcPath(name: string): string {
  return `/proc/sys/${name.includes('/') ? name : name.replace(/\./g, '/')}`;
}

/** Kernel and file values compare after collapsing whitespace (tabs in port ranges) */
export function normalizeSysctlValue(v: string | number | boolean): string {
  if (typeof v === 'boolean') return v ? '1' : '0';
  return String(v).trim().split(/\s+/).join(' ');
}

export const sysctlState: Fact<SysctlState, { name: string; file: string }> = {
  name: 'sysctl_state',
  command: ({ name, file }) =>
    sh`echo ${SECTION_MARK + 'runtime'}; if [ -r ${sysctlProcPath(name)} ]; then echo present; cat ${sysctlProcPath(name)} 2>/dev/null; else echo absent; fi
echo ${SECTION_MARK + 'file'}; ${probeFileCommand(file)}
exit 0`,
  parse: (r) => {
    const s = splitSections(r.stdout);
    const rt = (s.get('runtime') ?? '').split('\n');
    return {
      runtime: rt[0] === 'present' ? normalizeSysctlValue(rt.slice(1).join('\n')) : undefined,
      fileText: parseProbedFile(s.get('file')),
    };
  },
};
