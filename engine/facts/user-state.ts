// user/group: one account as the host's name service has it (getent), in one round trip.
import type { Fact } from './types.js';
import { sh } from '../transport/quote.js';
import { splitSections, SECTION_MARK } from './gather-sections.js';

export interface UserState {
  exists: boolean;
  uid?: number;
  gid?: number;
  comment?: string;
  home?: string;
  shell?: string;
  /** name of the primary group */
  group?: string;
  /** supplementary groups, the primary group left out */
  groups?: string[];
  /** the hash in the shadow file; undefined when it cannot be read (not root) */
  passwordHash?: string;
}

export interface GroupState {
  exists: boolean;
  gid?: number;
  members?: string[];
}

export const userState: Fact<UserState, { name: string }> = {
  name: 'user_state',
  command: ({ name }) =>
    sh`echo ${SECTION_MARK + 'passwd'}; getent passwd ${name}
echo ${SECTION_MARK + 'shadow'}; getent shadow ${name} 2>/dev/null | cut -d: -f2
echo ${SECTION_MARK + 'primary'}; id -gn ${name} 2>/dev/null
echo ${SECTION_MARK + 'groups'}; id -Gn ${name} 2>/dev/null
exit 0`,
  parse: (r, { name }) => {
    const s = splitSections(r.stdout);
    const pw = (s.get('passwd') ?? '').split('\n').find((l) => l.startsWith(`${name}:`));
    if (!pw) return { exists: false };
    const f = pw.split(':');
    const primary = s.get('primary') || undefined;
    const shadow = s.get('shadow');
    return {
      exists: true,
      uid: Number(f[2]),
      gid: Number(f[3]),
      comment: f[4] ?? '',
      home: f[5] ?? '',
      shell: f[6] ?? '',
      group: primary,
      groups: (s.get('groups') ?? '').split(/\s+/).filter((g) => g && g !== primary),
      passwordHash: shadow ? shadow : undefined,
    };
  },
};

export const groupState: Fact<GroupState, { name: string }> = {
  name: 'group_state',
  command: ({ name }) => sh`getent group ${name}; exit 0`,
  parse: (r, { name }) => {
    const line = r.stdout.split('\n').find((l) => l.startsWith(`${name}:`));
    if (!line) return { exists: false };
    const f = line.split(':');
    return { exists: true, gid: Number(f[2]), members: (f[3] ?? '').split(',').filter(Boolean) };
  },
};
