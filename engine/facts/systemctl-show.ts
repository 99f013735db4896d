// `systemctl show` of one unit: load, active and unit-file state in one read.
import type { Fact } from './types.js';
import { sh } from '../transport/quote.js';

export const UNIT_PROPERTIES = ['Id', 'LoadState', 'ActiveState', 'SubState', 'UnitFileState', 'NeedDaemonReload'] as const;

export interface UnitState {
  /** false when systemctl is missing or systemd is not the running init */
  available: boolean;
  error?: string;
  /** the properties as systemctl printed them (Ansible's `status`) */
  status: Record<string, string>;
  /** LoadState=not-found: no unit file known to systemd (yet) */
  missing: boolean;
  masked: boolean;
  /** enabled, enabled-runtime, linked, alias, static, indirect, disabled, masked, generated, '' ... */
  unitFileState: string;
  activeState: string;
  needDaemonReload: boolean;
}

export function parseSystemctlShow(exitCode: number, stdout: string, stderr: string): UnitState {
  const status: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) status[line.slice(0, eq)] = line.slice(eq + 1);
  }
  const available = exitCode === 0 && status.LoadState !== undefined;
  const load = status.LoadState ?? '';
  const ufs = status.UnitFileState ?? '';
  return {
    available,
    error: available ? undefined : (stderr.trim() || stdout.trim() || `systemctl exited with ${exitCode}`),
    status,
    missing: load === 'not-found',
    masked: load === 'masked' || ufs.startsWith('masked'),
    unitFileState: ufs,
    activeState: status.ActiveState ?? '',
    needDaemonReload: status.NeedDaemonReload === 'yes',
  };
}

/** `kubelet` and `kubelet.service` are one unit; other types keep their suffix */
export function unitName(name: string): string {
  return /\.(service|socket|timer|target|mount|automount|path|slice|scope|swap|device)$/.test(name) ? name : `${name}.service`;
}

export const unitState: Fact<UnitState, { name: string }> = {
  name: 'systemctl_show',
  // check mode: a unit file written by an earlier task patches what systemd will say (predictions.ts)
  overlayKey: ({ name }) => unitName(name),
  command: ({ name }) => sh`systemctl show ${UNIT_PROPERTIES.map((p) => `--property=${p}`)} -- ${name}`,
  parse: (r) => parseSystemctlShow(r.exitCode, r.stdout, r.stderr),
};
