// A kernel module's state: loaded (/proc/modules), built in (modules.builtin, or /sys/module
// without /proc/modules), and its persistence files, in one read.
import type { Fact } from './types.js';
import { sh } from '../transport/quote.js';
import { splitSections, SECTION_MARK } from './gather-sections.js';
import { probeFileCommand, parseProbedFile } from './probe-file.js';

export interface KernelModuleState {
  loaded: boolean;
  builtin: boolean;
  /** what the module provides is in the running kernel (see FEATURES), whatever /proc/modules says */
  feature?: string;
  /** `modprobe` exists on the host */
  modprobe: boolean;
  loadFile: string | null;
  optionsFile: string | null;
}

export const modulesLoadPath = (name: string) => `/etc/modules-load.d/${name}.conf`;
export const modprobeOptionsPath = (name: string) => `/etc/modprobe.d/${name}.conf`;

// Containers (systemd-nspawn lab hosts) often have neither /proc/modules, /sys/module nor
// /lib/modules, so a built-in module is invisible there; what it provides is still visible.
// Fixed paths only: nothing here comes from a user.
const FEATURES: Record<string, string> = {
  br_netfilter: '/proc/sys/net/bridge',
  nf_conntrack: '/proc/sys/net/netfilter',
  ip_vs: '/proc/sys/net/ipv4/vs',
  ip_tables: '/proc/net/ip_tables_names',
  ip6_tables: '/proc/net/ip6_tables_names',
  '8021q': '/proc/net/vlan',
};

/** /proc/modules and /sys/module spell '-' as '_' */
export const kernelModuleKey = (name: string) => name.replace(/-/g, '_');

export const kernelModuleState: Fact<KernelModuleState, { name: string }> = {
  name: 'kernel_module_state',
  command: ({ name }) => {
    const key = kernelModuleKey(name);
    return sh`echo ${SECTION_MARK + 'proc'}; if [ -r /proc/modules ]; then grep -c -- ${`^${key} `} /proc/modules; else echo none; fi
echo ${SECTION_MARK + 'sys'}; if [ -d ${`/sys/module/${key}`} ]; then if [ -e ${`/sys/module/${key}/initstate`} ]; then echo loadable; else echo builtin; fi; fi
echo ${SECTION_MARK + 'builtin'}; grep -c -E -- ${`/(${key}|${name}).ko(\\.[a-z]+)?$`} "/lib/modules/$(uname -r)/modules.builtin" 2>/dev/null
echo ${SECTION_MARK + 'feature'}; ${FEATURES[key] ? sh`[ -e ${FEATURES[key]} ] && echo ${FEATURES[key]}` : sh`:`}; grep -q -w -- ${key} /proc/filesystems && echo /proc/filesystems
echo ${SECTION_MARK + 'modprobe'}; command -v modprobe || ls /sbin/modprobe /usr/sbin/modprobe 2>/dev/null
echo ${SECTION_MARK + 'load'}; ${probeFileCommand(modulesLoadPath(name))}
echo ${SECTION_MARK + 'options'}; ${probeFileCommand(modprobeOptionsPath(name))}
exit 0`;
  },
  parse: (r) => {
    const s = splitSections(r.stdout);
    const proc = (s.get('proc') ?? '').trim();
    const sys = (s.get('sys') ?? '').trim();
    const builtinList = Number((s.get('builtin') ?? '').trim() || '0') > 0;
    const inProc = /^\d+$/.test(proc) && Number(proc) > 0;
    const feature = (s.get('feature') ?? '').split('\n')[0].trim();
    return {
      feature: feature || undefined,
      loaded: inProc || sys === 'loadable',
      builtin: builtinList || (!inProc && sys === 'builtin'),
      modprobe: (s.get('modprobe') ?? '').trim() !== '',
      loadFile: parseProbedFile(s.get('load')),
      optionsFile: parseProbedFile(s.get('options')),
    };
  },
};
