// package: the generic package module; delegates to apt on hosts whose pkg_mgr is apt.
import type { Module, Plan } from '../types.js';
import { pkgMgr } from '../../facts/pkg-mgr.js';
import { aptModule, aptNameSchema, type AptParams } from './apt.js';
import type { AptState } from '../../facts/apt-state.js';

export interface PackageParams {
  name: string | string[];
  state?: 'present' | 'absent' | 'latest' | 'installed' | 'removed';
  use?: 'auto' | 'apt';
}

interface PackageState {
  pkgMgr?: string;
  apt?: AptState;
}

const toApt = (p: PackageParams): AptParams => ({ name: p.name, state: p.state });

export const packageModule: Module<PackageParams, PackageState> = {
  name: 'package',
  readAhead: true,
  schema: {
    type: 'object',
    description: 'Install or remove packages with the host\'s package manager.',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: aptNameSchema,
      state: { enum: ['present', 'absent', 'latest', 'installed', 'removed'], default: 'present', description: 'present/installed, latest, or absent/removed (as apt).' },
      use: { enum: ['auto', 'apt'], default: 'auto', description: 'The package manager: auto (the host\'s, from its facts) or apt.' },
    },
  },

  async read(ctx, p) {
    const mgr = p.use && p.use !== 'auto' ? p.use : await ctx.facts.get(pkgMgr, undefined, ctx.become);
    if (mgr !== 'apt') return { pkgMgr: mgr };
    return { pkgMgr: mgr, apt: await aptModule.read(ctx, toApt(p)) };
  },

  diff(p, cur): Plan {
    if (cur.pkgMgr !== 'apt' || !cur.apt) {
      return { kind: 'fail', msg: `package: only apt is supported; this host's package manager is ${cur.pkgMgr ?? 'unknown'}` };
    }
    return aptModule.diff(toApt(p), cur.apt);
  },

  apply(ctx, p, plan) {
    return aptModule.apply(ctx, toApt(p), plan);
  },
};
