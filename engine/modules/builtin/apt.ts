// apt: Debian packages present, absent or at the latest candidate, with `name=version` pins.
// Check mode names exactly the requested packages that would be installed, upgraded or removed.
import type { Module, Plan, TaskResult } from '../types.js';
import { sh, joinCommands, type ShellCommand } from '../../transport/quote.js';
import { aptState, type AptState } from '../../facts/apt-state.js';

export interface AptParams {
  name?: string | string[];
  state?: 'present' | 'absent' | 'latest' | 'installed' | 'removed';
  update_cache?: boolean;
  cache_valid_time?: number;
  purge?: boolean;
  autoremove?: boolean;
  install_recommends?: boolean;
  allow_downgrade?: boolean;
  /** change a package held by its dpkg selection (the hold stays), as Ansible's apt */
  allow_change_held_packages?: boolean;
  /** exit code /usr/sbin/policy-rc.d gives while the packages install (101: no service starts) */
  policy_rc_d?: number;
}

export interface AptRequest {
  name: string;
  /** pinned version; a trailing '*' matches by prefix, as apt does */
  version?: string;
}

interface AptPlanData {
  update: boolean;
  /** apt-get install arguments (name or name=version) */
  install: string[];
  remove: string[];
}

export function aptRequests(name: string | string[] | undefined): AptRequest[] {
  const list = name === undefined ? [] : Array.isArray(name) ? name : name.split(',');
  return list
    .map((n) => n.trim())
    .filter(Boolean)
    .map((n) => {
      const eq = n.indexOf('=');
      return eq < 0 ? { name: n } : { name: n.slice(0, eq), version: n.slice(eq + 1) };
    });
}

function versionMatches(installed: string, pin: string): boolean {
  return pin.endsWith('*') ? installed.startsWith(pin.slice(0, -1)) : installed === pin;
}

function normState(s: AptParams['state']): 'present' | 'absent' | 'latest' {
  return s === 'installed' || s === undefined ? 'present' : s === 'removed' ? 'absent' : s;
}

export const aptNameSchema = {
  description: 'Package name(s): a list, or a comma-separated string; name=version pins a version (a trailing * matches a prefix).',
  anyOf: [
    { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9+.:_-]*(=[A-Za-z0-9+.:~*_-]+)?(,[A-Za-z0-9][A-Za-z0-9+.:_-]*(=[A-Za-z0-9+.:~*_-]+)?)*$' },
    { type: 'array', items: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9+.:_-]*(=[A-Za-z0-9+.:~*_-]+)?$' } },
  ],
};

export const aptSchema = {
  description: 'Install, upgrade or remove Debian packages (with version pins).',
  type: 'object',
  additionalProperties: false,
  properties: {
    name: aptNameSchema,
    state: { enum: ['present', 'absent', 'latest', 'installed', 'removed'], default: 'present', description: 'present/installed: installed (at the pinned version); latest: the newest candidate; absent/removed: removed.' },
    update_cache: { type: 'boolean', default: false, description: 'Run apt-get update first.' },
    cache_valid_time: { type: 'integer', minimum: 0, description: 'With update_cache: skip the update when the package lists are newer than this many seconds.' },
    purge: { type: 'boolean', default: false, description: 'With absent: remove configuration files too (--purge).' },
    autoremove: { type: 'boolean', default: false, description: 'With absent: also remove dependencies no longer needed (--autoremove).' },
    install_recommends: { type: 'boolean', default: false, description: 'Install recommended packages too (default: --no-install-recommends).' },
    allow_downgrade: { type: 'boolean', default: false, description: 'Allow a pinned version older than the installed one (--allow-downgrades).' },
    allow_change_held_packages: { type: 'boolean', default: false, description: 'Move a held package (dpkg selection hold) to its pinned version; the hold stays (--allow-change-held-packages). Without it such a change fails before apt runs.' },
    policy_rc_d: { type: 'integer', minimum: 0, maximum: 255, description: 'While apt runs, /usr/sbin/policy-rc.d exits with this code (101: packages start no services), as Ansible\'s policy_rc_d.' },
  },
  anyOf: [{ required: ['name'] }, { required: ['update_cache'] }],
} as const;

export function aptCommands(p: AptParams, data: AptPlanData): ShellCommand {
  const cmds: ShellCommand[] = [];
  const quiet = sh`-y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold`;
  if (data.update) cmds.push(sh`apt-get update -q`);
  if (data.install.length) {
    const rec = p.install_recommends ? sh`--install-recommends` : sh`--no-install-recommends`;
    const down = p.allow_downgrade ? sh` --allow-downgrades` : sh``;
    const held = p.allow_change_held_packages ? sh` --allow-change-held-packages` : sh``;
    cmds.push(sh`apt-get install ${quiet} ${rec}${down}${held} ${data.install}`);
  }
  if (data.remove.length) cmds.push(sh`apt-get remove ${quiet}${p.purge ? sh` --purge` : sh``}${p.autoremove ? sh` --autoremove` : sh``} ${data.remove}`);
  const apt = joinCommands(cmds);
  return p.policy_rc_d === undefined ? apt : withPolicyRcD(p.policy_rc_d, apt);
}

const POLICY_RC_D = '/usr/sbin/policy-rc.d';

/**
 * As Ansible's policy_rc_d: while `cmd` runs, /usr/sbin/policy-rc.d exits with `code`, which
 * invoke-rc.d and deb-systemd-invoke ask before a maintainer script starts or restarts a
 * service (101: not allowed). A policy-rc.d the host had is put back afterwards.
 */
export function withPolicyRcD(code: number, cmd: ShellCommand): ShellCommand {
  const saved = `${POLICY_RC_D}.tsplay-saved`;
  const script = `#!/bin/sh\nexit ${code}\n`;
  return sh`if [ -e ${POLICY_RC_D} ]; then mv -f ${POLICY_RC_D} ${saved}; fi
printf ${script} > ${POLICY_RC_D} && chmod 0755 ${POLICY_RC_D} && { ${cmd}; }
rc=$?
rm -f ${POLICY_RC_D}
if [ -e ${saved} ]; then mv -f ${saved} ${POLICY_RC_D}; fi
exit $rc`;
}

export const aptModule: Module<AptParams, AptState> = {
  name: 'apt',
  readAhead: true,
  schema: aptSchema,

  read(ctx, p) {
    const reqs = aptRequests(p.name);
    return ctx.facts.get(aptState, { names: reqs.map((r) => r.name), policy: normState(p.state) === 'latest' }, ctx.become);
  },

  diff(p, cur): Plan {
    if (!cur.available) return { kind: 'fail', msg: 'apt-get is not available on this host' };
    const state = normState(p.state);
    const install: string[] = [];
    const remove: string[] = [];
    const what: string[] = [];
    const ok: string[] = [];
    for (const r of aptRequests(p.name)) {
      const pkg = cur.packages[r.name] ?? {};
      if (state === 'absent') {
        // purge also clears what `remove` left behind (status "rc": config files only)
        if (pkg.installed !== undefined || (p.purge && pkg.status?.startsWith('rc'))) {
          remove.push(r.name);
          what.push(`remove ${r.name}${pkg.installed ? ` ${pkg.installed}` : ' (config files)'}`);
        } else ok.push(`${r.name} not installed`);
      } else if (r.version !== undefined) {
        if (pkg.installed !== undefined && versionMatches(pkg.installed, r.version)) ok.push(`${r.name} ${pkg.installed} installed`);
        else if (pkg.installed !== undefined && pkg.status?.startsWith('h') && !p.allow_change_held_packages) {
          // apt-get refuses it too ("Held packages were changed"), after the lists are updated
          return { kind: 'fail', msg: `${r.name} ${pkg.installed} is held (dpkg selection hold): changing it to ${r.version} needs allow_change_held_packages: true (the hold stays)` };
        } else {
          install.push(`${r.name}=${r.version}`);
          what.push(pkg.installed ? `change ${r.name} ${pkg.installed} -> ${r.version}` : `install ${r.name}=${r.version}`);
        }
      } else if (pkg.installed === undefined) {
        install.push(r.name);
        what.push(`install ${r.name}${state === 'latest' && pkg.candidate ? ` ${pkg.candidate}` : ''}`);
      } else if (state === 'latest' && pkg.candidate && pkg.candidate !== pkg.installed) {
        install.push(r.name);
        what.push(`upgrade ${r.name} ${pkg.installed} -> ${pkg.candidate}`);
      } else {
        ok.push(
          state === 'latest'
            ? `${r.name} ${pkg.installed} ${pkg.candidate ? 'is the candidate' : 'installed (no candidate in the apt lists)'}`
            : `${r.name} ${pkg.installed} installed`,
        );
      }
    }
    const stale = p.cache_valid_time === undefined || cur.cacheAge === undefined || cur.cacheAge > p.cache_valid_time;
    const pkgChange = install.length + remove.length > 0;
    // As in Ansible: with packages named, a cache update alone does not make a change.
    const update = !!p.update_cache && stale && (pkgChange || !p.name);
    if (!pkgChange && !update) {
      const cache = p.update_cache ? (stale ? '; cache update skipped: nothing to install' : `; apt lists are ${cur.cacheAge}s old (valid ${p.cache_valid_time}s)`) : '';
      return { kind: 'noop', reason: `${ok.join(', ') || 'nothing requested'}${cache}`, result: { cache_updated: false } };
    }
    if (update) what.unshift('update the apt lists');
    return { kind: 'change', summary: what.join('; '), data: { update, install, remove } satisfies AptPlanData };
  },

  async apply(ctx, p, plan): Promise<TaskResult> {
    const data = plan.data as AptPlanData;
    const r = await ctx.transport.exec(aptCommands(p, data), {
      become: ctx.become,
      env: { DEBIAN_FRONTEND: 'noninteractive', LC_ALL: 'C' },
      timeoutMs: 30 * 60_000,
    });
    const result: TaskResult = {
      changed: true,
      rc: r.exitCode,
      stdout: r.stdout,
      stderr: r.stderr,
      stdout_lines: r.stdout.split('\n').filter(Boolean),
      cache_updated: data.update && r.exitCode === 0,
      msg: plan.summary,
    };
    if (r.exitCode !== 0) {
      result.failed = true;
      // dpkg may have changed some packages before the failure
      result.changed = /^(Setting up|Removing|Unpacking) /m.test(r.stdout);
      result.msg = `${plan.summary}: failed: ${(r.stderr.trim().split('\n').pop() ?? '').trim()}`;
    }
    return result;
  },
};
