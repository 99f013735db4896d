// dpkg_selections: a package's dpkg selection, as Ansible's module. `hold` keeps apt from
// upgrading the package (an upgrade restarts its service: an etcd member, say) until an
// operator chooses to. Check mode on a package not installed yet predicts the change that the
// real run, after the install, makes.
import type { Module, Plan, TaskResult } from '../types.js';
import { sh } from '../../transport/quote.js';
import { dpkgSelection, type DpkgSelection } from '../../facts/dpkg-selection.js';

export interface DpkgSelectionsParams {
  name: string;
  selection: 'install' | 'hold' | 'deinstall' | 'purge';
}

export const dpkgSelectionsModule: Module<DpkgSelectionsParams, DpkgSelection> = {
  name: 'dpkg_selections',
  readAhead: true,
  schema: {
    type: 'object',
    description: "Set a Debian package's dpkg selection (hold keeps apt from upgrading it).",
    additionalProperties: false,
    required: ['name', 'selection'],
    properties: {
      name: { type: 'string', pattern: '^[a-z0-9][a-z0-9+.-]+$', description: 'The package.' },
      selection: { enum: ['install', 'hold', 'deinstall', 'purge'], description: 'The selection dpkg keeps for it (dpkg --set-selections).' },
    },
  },

  read(ctx, p) {
    return ctx.facts.get(dpkgSelection, { name: p.name }, ctx.become);
  },

  diff(p, cur): Plan {
    if (!cur.available) return { kind: 'fail', msg: 'dpkg-query is not available on this host' };
    if (cur.selection === p.selection) return { kind: 'noop', reason: `${p.name} is ${p.selection}`, result: { before: cur.selection, after: p.selection } };
    const from = cur.selection ?? 'not installed yet';
    return { kind: 'change', summary: `${p.name}: ${from} -> ${p.selection}`, result: { before: cur.selection ?? 'not present', after: p.selection } };
  },

  async apply(ctx, p, plan): Promise<TaskResult> {
    const r = await ctx.transport.exec(sh`printf '%s %s\n' ${p.name} ${p.selection} | dpkg --set-selections`, { become: ctx.become });
    // dpkg only warns (exit 0) about a package it does not know: read back what it holds now
    const after = await ctx.transport.exec(dpkgSelection.command({ name: p.name }), { become: ctx.become });
    const now = dpkgSelection.parse(after, { name: p.name }).selection;
    if (r.exitCode !== 0 || now !== p.selection) {
      return { changed: false, failed: true, rc: r.exitCode, stderr: r.stderr, msg: `${plan.summary}: failed: ${(r.stderr.trim() || `dpkg holds ${now ?? 'no selection'} for ${p.name}`).split('\n').pop()}` };
    }
    return { changed: true, msg: plan.summary, before: plan.result?.before, after: p.selection };
  },
};
