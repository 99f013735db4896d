// ansible.builtin.user: one local account, made with useradd/usermod/userdel. The password is a
// crypt(3) hash and a secret: it reaches the host on chpasswd's standard input, never on a
// command line, and no result or diff shows it.
import type { Module, Plan, TaskResult } from '../types.js';
import { sh } from '../../transport/quote.js';
import { userState, type UserState } from '../../facts/user-state.js';

export interface UserParams {
  name: string;
  state?: 'present' | 'absent';
  uid?: number;
  group?: string;
  groups?: string[] | string;
  append?: boolean;
  comment?: string;
  shell?: string;
  home?: string;
  create_home?: boolean;
  system?: boolean;
  password?: string;
  update_password?: 'always' | 'on_create';
  remove?: boolean;
}

export const ACCOUNT_NAME = '^[A-Za-z_][A-Za-z0-9_.-]{0,31}\\$?$';
const HIDDEN = 'NOT_LOGGING_PASSWORD';

interface UserPlanData {
  /** useradd/usermod/userdel argv */
  argv?: string[];
  setPassword?: boolean;
}

function wantedGroups(g: string[] | string | undefined): string[] | undefined {
  if (g === undefined) return undefined;
  const list = Array.isArray(g) ? g : g.split(',');
  return [...new Set(list.map((x) => x.trim()).filter(Boolean))];
}

export const userModule: Module<UserParams, UserState> = {
  name: 'user',
  readAhead: true,
  schema: {
    type: 'object',
    description: 'Create, change or remove a user account.',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: { type: 'string', pattern: ACCOUNT_NAME, aliases: ['user'], description: 'The account name.' },
      state: { enum: ['present', 'absent'], default: 'present', description: 'Whether the account should exist.' },
      uid: { type: 'integer', minimum: 0, description: 'The numeric user id.' },
      group: { type: 'string', pattern: ACCOUNT_NAME, description: 'The primary group (a name); default: as useradd chooses.' },
      groups: {
        type: ['array', 'string'],
        items: { type: 'string', pattern: ACCOUNT_NAME },
        description: "Supplementary groups (a list or 'a,b'); without append the user is in exactly these; [] removes all.",
      },
      append: { type: 'boolean', default: false, description: 'Add the user to groups, leaving its other groups alone.' },
      comment: { type: 'string', pattern: '^[^:\\n]*$', description: 'The GECOS field (full name).' },
      shell: { type: 'string', pattern: '^/[^:\\n]*$', description: 'The login shell.' },
      home: { type: 'string', pattern: '^/[^:\\n]*$', description: 'The home directory (not moved when it changes).' },
      create_home: { type: 'boolean', default: true, aliases: ['createhome'], description: 'Create the home directory with a new account.' },
      system: { type: 'boolean', default: false, description: 'Make a system account (a uid below UID_MIN); only when the account is created.' },
      password: { type: 'string', pattern: '^[^:\\n]*$', description: 'The crypt(3) hash of the password (e.g. from mkpasswd), never the clear text; a secret.' },
      update_password: { enum: ['always', 'on_create'], default: 'always', description: 'on_create: set password only when the account is created, never change it later.' },
      remove: { type: 'boolean', default: false, description: 'With state=absent: also remove the home directory and mail spool (userdel -r).' },
    },
  },

  read: (ctx, p) => ctx.facts.get(userState, { name: p.name }, ctx.become),

  diff(p, cur): Plan {
    const result: Partial<TaskResult> = { name: p.name, state: p.state ?? 'present' };
    if (p.password !== undefined) result.password = HIDDEN;
    if ((p.state ?? 'present') === 'absent') {
      if (!cur.exists) return { kind: 'noop', reason: `user ${p.name} does not exist`, result };
      const argv = ['userdel', ...(p.remove ? ['-r'] : []), p.name];
      return { kind: 'change', summary: `remove user ${p.name}${p.remove ? ' and its home directory' : ''}`, data: { argv } satisfies UserPlanData, result };
    }
    const groups = wantedGroups(p.groups);
    if (!cur.exists) {
      const argv = ['useradd'];
      if (p.uid !== undefined) argv.push('-u', String(p.uid));
      if (p.group !== undefined) argv.push('-g', p.group);
      if (groups?.length) argv.push('-G', groups.join(','));
      if (p.comment !== undefined) argv.push('-c', p.comment);
      if (p.shell !== undefined) argv.push('-s', p.shell);
      if (p.home !== undefined) argv.push('-d', p.home);
      if (p.system) argv.push('-r');
      argv.push(p.create_home === false ? '-M' : '-m', p.name);
      return { kind: 'change', summary: `create user ${p.name}`, data: { argv, setPassword: p.password !== undefined } satisfies UserPlanData, result };
    }
    const args: string[] = [];
    const what: string[] = [];
    if (p.uid !== undefined && p.uid !== cur.uid) {
      args.push('-u', String(p.uid));
      what.push(`uid ${cur.uid} -> ${p.uid}`);
    }
    if (p.group !== undefined && p.group !== cur.group && p.group !== String(cur.gid)) {
      args.push('-g', p.group);
      what.push(`group ${cur.group ?? cur.gid} -> ${p.group}`);
    }
    if (groups !== undefined) {
      const have = new Set(cur.groups ?? []);
      const want = groups.filter((g) => g !== cur.group);
      if (p.append) {
        const missing = want.filter((g) => !have.has(g));
        if (missing.length) {
          args.push('-a', '-G', missing.join(','));
          what.push(`add to groups ${missing.join(', ')}`);
        }
      } else if (want.length !== have.size || want.some((g) => !have.has(g))) {
        args.push('-G', want.join(','));
        what.push(`groups [${[...have].sort().join(', ')}] -> [${[...want].sort().join(', ')}]`);
      }
    }
    for (const [key, flag] of [['comment', '-c'], ['shell', '-s'], ['home', '-d']] as const) {
      const v = p[key];
      if (v !== undefined && v !== cur[key]) {
        args.push(flag, v);
        what.push(`${key} ${JSON.stringify(cur[key])} -> ${JSON.stringify(v)}`);
      }
    }
    const setPassword = p.password !== undefined && p.update_password !== 'on_create' && p.password !== cur.passwordHash;
    if (setPassword) what.push('password changed');
    if (!what.length) return { kind: 'noop', reason: `user ${p.name} exists as wanted`, result: { ...result, uid: cur.uid } };
    const data: UserPlanData = { argv: args.length ? ['usermod', ...args, p.name] : undefined, setPassword };
    return { kind: 'change', summary: `user ${p.name}: ${what.join(', ')}`, data, result: { ...result, uid: cur.uid } };
  },

  async apply(ctx, p, plan): Promise<TaskResult> {
    const data = plan.data as UserPlanData;
    const base = { ...plan.result, changed: true, msg: plan.summary };
    if (data.argv) {
      const r = await ctx.transport.exec(sh`${data.argv}`, { become: ctx.become });
      if (r.exitCode !== 0) return { ...base, changed: false, failed: true, rc: r.exitCode, stderr: r.stderr, msg: `${data.argv[0]} failed: ${r.stderr.trim()}` };
    }
    if (data.setPassword) {
      // chpasswd -e takes "name:hash" as given, from standard input: the hash is on no command line
      const r = await ctx.transport.exec(sh`chpasswd -e`, { become: ctx.become, stdin: `${p.name}:${p.password}\n` });
      if (r.exitCode !== 0) return { ...base, failed: true, rc: r.exitCode, msg: `chpasswd failed for ${p.name} (rc=${r.exitCode})` };
    }
    return base;
  },
};
