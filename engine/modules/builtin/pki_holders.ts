// pki_holders: which services on this host hold an old copy of a PKI file (a certificate, key or
// kubeconfig that changed after the service's main process started), from the holders table
// (cluster_defaults' cluster_pki_holders). Read-only, the same in --check, where a file an earlier
// task changes counts as changed; registered for the tasks that restart exactly those services.
import type { Module } from '../types.js';
import { sh } from '../../transport/quote.js';
import { fileContent } from '../../facts/file-content.js';
import { parseMtime, parseSystemdUtc, staleHolders, unitsOf, type HolderRow, type HoldersVerdict, type UnitStart } from '../../pki/holders.js';

export interface PkiHoldersParams {
  holders: HolderRow[];
  /** only these units (default: every unit of the table) */
  units?: string[];
}

interface HoldersCurrent {
  verdict: HoldersVerdict;
  units: string[];
}

const RUNNING = new Set(['active', 'activating', 'reloading', 'deactivating']);

/** systemctl show's KEY=value blocks, one per unit after a "U" line; stat's times after "F" lines */
function parseOutput(stdout: string, paths: string[], units: string[]): { mtimes: Map<string, bigint | undefined>; starts: Map<string, UnitStart> } {
  const mtimes = new Map<string, bigint | undefined>();
  const starts = new Map<string, UnitStart>();
  let f = 0;
  let u = -1;
  const props: Array<Record<string, string>> = [];
  for (const line of stdout.split('\n')) {
    if (line.startsWith('F ')) mtimes.set(paths[f++], parseMtime(line.slice(2)));
    else if (line === 'U') props[++u] = {};
    else if (u >= 0 && line.includes('=')) props[u][line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
  }
  units.forEach((unit, i) => {
    const p = props[i] ?? {};
    const started = p.ExecMainStartTimestamp ?? '';
    starts.set(unit, { running: RUNNING.has(p.ActiveState ?? ''), started, startedNs: started ? parseSystemdUtc(started) : undefined });
  });
  return { mtimes, starts };
}

export const pkiHoldersModule: Module<PkiHoldersParams, HoldersCurrent> = {
  name: 'pki_holders',
  readAhead: false,
  schema: {
    type: 'object',
    description: 'Which services hold an old copy of a PKI file (read-only): restart exactly those.',
    additionalProperties: false,
    required: ['holders'],
    properties: {
      holders: {
        type: 'array',
        description: 'The holders table: each file on the host and the systemd units that read it when they start.',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['path', 'units'],
          properties: {
            path: { type: 'string', pattern: '^/', description: 'Absolute path on the host.' },
            units: { type: 'array', items: { type: 'string', minLength: 1 }, description: 'Units that read the file at start (none: only read by commands).' },
          },
        },
      },
      units: { type: 'array', items: { type: 'string', minLength: 1 }, description: 'Only these units (default: every unit the table names).' },
    },
  },

  async read(ctx, p) {
    const units = unitsOf(p.holders, p.units);
    const rows = p.holders.filter((r) => r.units.some((u) => units.includes(u)));
    const paths = [...new Set(rows.map((r) => r.path))];
    if (!units.length) return { units, verdict: { restart: [], stale: [], unknown: [] } };
    // systemd before 248 has no --timestamp: its local times are not parsed, and such units are named as unknown
    const r = await ctx.transport.exec(
      sh`ts=--timestamp=us+utc
systemctl show "$ts" --property=ActiveState -- init.scope >/dev/null 2>&1 || ts=--no-pager
for p in ${paths}; do printf 'F %s\\n' "$(stat -L -c %.9Y -- "$p" 2>/dev/null || echo -)"; done
for u in ${units}; do echo U; systemctl show "$ts" --property=ActiveState --property=ExecMainStartTimestamp -- "$u" 2>/dev/null; done`,
      { become: ctx.become },
    );
    if (r.exitCode !== 0) throw new Error(`cannot read the units and files: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
    const { mtimes, starts } = parseOutput(r.stdout, paths, units);
    const changing = new Set(ctx.check ? paths.filter((path) => ctx.facts.hasPrediction(fileContent, { path })) : []);
    return { units, verdict: staleHolders(rows, units, starts, mtimes, changing) };
  },

  diff(_p, cur) {
    const { verdict } = cur;
    const parts = verdict.stale.map((s) => `${s.unit} (started ${s.started}) holds an old ${s.files.join(', ')}`);
    if (verdict.unknown.length) parts.push(`start time unknown, not restarted: ${verdict.unknown.join(', ')}`);
    const reason = parts.length ? parts.join('; ') : `no service of ${cur.units.join(', ') || 'the table'} holds an old file`;
    return { kind: 'noop', reason, result: { restart: verdict.restart, stale: verdict.stale, unknown: verdict.unknown } };
  },

  async apply() {
    throw new Error('pki_holders never changes anything');
  },
};

export default pkiHoldersModule;
