// service / systemd: a systemd unit's run state, enablement and masking.
// Better than Ansible (#82048): in check mode a unit that is not installed yet (its package
// is installed by an earlier task) is a predicted change, not a failure.
import type { Module, Plan, TaskResult } from '../types.js';
import { sh, joinCommands, type ShellCommand } from '../../transport/quote.js';
import { unitState, parseSystemctlShow, UNIT_PROPERTIES, type UnitState } from '../../facts/systemctl-show.js';

export interface ServiceParams {
  name: string;
  state?: 'started' | 'stopped' | 'restarted' | 'reloaded';
  enabled?: boolean;
  daemon_reload?: boolean;
  masked?: boolean;
}

type Verb = 'daemon-reload' | 'mask' | 'unmask' | 'enable' | 'disable' | 'start' | 'stop' | 'restart' | 'reload';

interface ServicePlanData {
  verbs: Verb[];
  missing: boolean;
}

const RUNNING = new Set(['active', 'activating', 'reloading']);
const ENABLED = new Set(['enabled', 'enabled-runtime', 'linked', 'linked-runtime', 'alias']);
// Units that cannot be enabled or disabled themselves: Ansible reports no change for them.
const NOT_ENABLEABLE = new Set(['static', 'indirect', 'generated', 'transient']);

export function verbCommand(verb: Verb, name: string): ShellCommand {
  return verb === 'daemon-reload' ? sh`systemctl daemon-reload` : sh`systemctl ${verb} -- ${name}`;
}

function resultOf(p: ServiceParams, cur: UnitState): Partial<TaskResult> {
  return { name: p.name, state: p.state, enabled: p.enabled, status: cur.status };
}

export const serviceModule: Module<ServiceParams, UnitState> = {
  name: 'service',
  readAhead: true,
  schema: {
    type: 'object',
    description: 'Start, stop, restart, reload, enable or mask a systemd service.',
    additionalProperties: false,
    required: ['name'],
    properties: {
      // systemd's unit-name characters only: systemctl takes '*', '?' and '[…]' as globs and would
      // act on every matching unit (state: stopped with name '*' stops sshd too)
      name: { type: 'string', minLength: 1, pattern: '^[A-Za-z0-9:_.@\\\\-]+$', description: 'The systemd unit (.service may be left out).' },
      state: { enum: ['started', 'stopped', 'restarted', 'reloaded'], description: 'started/stopped: running or not; restarted/reloaded: always restart/reload (changed every run).' },
      enabled: { type: 'boolean', description: 'Start at boot (systemctl enable/disable).' },
      daemon_reload: { type: 'boolean', default: false, description: 'Run systemctl daemon-reload first (unit files changed).' },
      masked: { type: 'boolean', description: 'Masked (cannot be started) or unmasked.' },
    },
    anyOf: [{ required: ['state'] }, { required: ['enabled'] }, { required: ['masked'] }, { required: ['daemon_reload'] }],
  },

  read(ctx, p) {
    return ctx.facts.get(unitState, { name: p.name }, ctx.become);
  },

  diff(p, cur): Plan {
    if (!cur.available) return { kind: 'fail', msg: `cannot manage ${p.name}: systemd is not available on this host (${cur.error})` };
    if (p.masked === true && (p.state === 'started' || p.state === 'restarted' || p.state === 'reloaded' || p.enabled === true)) {
      return { kind: 'fail', msg: `${p.name}: masked: true conflicts with state ${p.state ?? ''}${p.enabled ? ' / enabled: true' : ''}` };
    }
    const verbs: Verb[] = [];
    const why: string[] = [];
    if (p.daemon_reload && (cur.needDaemonReload || cur.missing)) verbs.push('daemon-reload');
    else if (p.daemon_reload) why.push('systemd has the current unit files');
    if (p.masked === false && cur.masked) verbs.push('unmask');
    if (p.masked === true && !cur.masked) verbs.push('mask');
    if (p.masked !== undefined && !verbs.includes(p.masked ? 'mask' : 'unmask')) why.push(p.masked ? 'masked' : 'not masked');
    const masked = p.masked ?? (cur.masked && !verbs.includes('unmask'));
    if (p.enabled !== undefined) {
      const isEnabled = ENABLED.has(cur.unitFileState);
      if (cur.missing) {
        if (p.enabled) verbs.push('enable');
        else why.push('no such unit, so not enabled');
      }
      else if (NOT_ENABLEABLE.has(cur.unitFileState)) why.push(`unit file state is ${cur.unitFileState} (cannot be enabled or disabled)`);
      else if (p.enabled && !isEnabled) verbs.push('enable');
      else if (!p.enabled && isEnabled) verbs.push('disable');
      else why.push(p.enabled ? 'enabled' : 'disabled');
    }
    const running = RUNNING.has(cur.activeState);
    switch (p.state) {
      case 'started':
        if (masked && !running) return { kind: 'fail', msg: `${p.name} is masked and cannot be started` };
        if (running) why.push(`running (${cur.activeState})`);
        else verbs.push('start');
        break;
      case 'stopped':
        if (running || cur.activeState === 'deactivating') verbs.push('stop');
        else why.push(`not running (${cur.activeState || 'unknown'})`);
        break;
      case 'restarted':
        verbs.push('restart');
        break;
      case 'reloaded':
        verbs.push(running ? 'reload' : 'start');
        break;
    }
    if (!verbs.length) return { kind: 'noop', reason: `${p.name}: ${why.join(', ')}`, result: resultOf(p, cur) };
    const actions = verbs.map((v) => (v === 'daemon-reload' ? 'reload systemd' : v)).join(', ');
    const summary = cur.missing ? `unit ${p.name} not installed yet; would ${actions} it` : `${p.name}: ${actions}`;
    return { kind: 'change', summary, data: { verbs, missing: cur.missing } satisfies ServicePlanData, result: resultOf(p, cur) };
  },

  async apply(ctx, p, plan): Promise<TaskResult> {
    const data = plan.data as ServicePlanData;
    const opts = { become: ctx.become };
    let verbs = data.verbs;
    if (data.missing) {
      // Predicted in check mode; in a real run the unit must exist by now (after daemon-reload).
      if (verbs[0] === 'daemon-reload') {
        const r = await ctx.transport.exec(verbCommand('daemon-reload', p.name), opts);
        if (r.exitCode !== 0) return { changed: false, failed: true, rc: r.exitCode, stderr: r.stderr, msg: `systemctl daemon-reload failed: ${r.stderr.trim()}` };
        verbs = verbs.slice(1);
      }
      const again = await ctx.transport.exec(unitState.command({ name: p.name }), opts);
      const st = parseSystemctlShow(again.exitCode, again.stdout, again.stderr);
      if (st.missing) return { changed: data.verbs[0] === 'daemon-reload', failed: true, msg: `Could not find the requested service ${p.name}: unit not found` };
    }
    if (verbs.length) {
      const r = await ctx.transport.exec(joinCommands(verbs.map((v) => verbCommand(v, p.name))), opts);
      if (r.exitCode !== 0) {
        return { changed: true, failed: true, rc: r.exitCode, stdout: r.stdout, stderr: r.stderr, msg: `${plan.summary}: failed: ${r.stderr.trim()}` };
      }
    }
    const after = await ctx.transport.exec(unitState.command({ name: p.name }), opts);
    return { changed: true, msg: plan.summary, name: p.name, state: p.state, enabled: p.enabled, status: parseSystemctlShow(after.exitCode, after.stdout, after.stderr).status };
  },
};

export { UNIT_PROPERTIES };
