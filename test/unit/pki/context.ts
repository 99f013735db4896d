// A real ModuleContext for the PKI modules: the local transport, a fact cache, no templating.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalTransport } from '../../../engine/transport/local.js';
import { FactCache } from '../../../engine/facts/cache.js';
import type { Module, ModuleContext, Plan, TaskResult } from '../../../engine/modules/types.js';

export function makeContext(check = false): ModuleContext {
  const transport = new LocalTransport();
  return {
    host: 'localhost',
    transport,
    controller: transport,
    facts: new FactCache(transport),
    check,
    vars: {},
    findFile: () => Promise.reject(new Error('findFile is not used by the PKI modules')),
    renderTemplate: (text) => text,
    evalCondition: () => {
      throw new Error('evalCondition is not used by the PKI modules');
    },
  };
}

export interface Run {
  plan: Plan;
  /** undefined when apply did not run (noop, fail, or check mode) */
  result?: TaskResult;
}

/** What the runner does for one task: read, pure diff, apply unless check mode, then drop cached facts. */
export async function runModule<P>(module: Module<P, unknown>, params: P, ctx: ModuleContext): Promise<Run> {
  const current = await module.read(ctx, params);
  const plan = module.diff(params, current);
  if (plan.kind !== 'change' || ctx.check) return { plan };
  const result = await module.apply(ctx, params, plan);
  ctx.facts.invalidate();
  return { plan, result };
}

export function tempDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-pki-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
