// Test harness: a real ModuleContext over a real transport, and one task run as the runner
// does it (read -> pure diff -> apply unless check mode).
import { FactCache } from '../../../engine/facts/cache.js';
import { LocalTransport } from '../../../engine/transport/local.js';
import type { Module, ModuleContext, Plan, TaskResult } from '../../../engine/modules/types.js';
import type { Transport } from '../../../engine/transport/types.js';

export function makeContext(transport: Transport = new LocalTransport(), check = false): ModuleContext {
  return {
    host: transport.host,
    transport,
    facts: new FactCache(transport),
    check,
    controller: new LocalTransport(),
    findFile: async (_kind, name) => name,
    renderTemplate: () => {
      throw new Error('not used by host modules');
    },
    evalCondition: () => {
      throw new Error('not used by host modules');
    },
    vars: {},
  };
}

export async function runModule<P, C>(mod: Module<P, C>, params: P, ctx: ModuleContext): Promise<{ plan: Plan; result?: TaskResult }> {
  ctx.facts.invalidate();
  const current = await mod.read(ctx, params);
  const plan = mod.diff(params, current);
  if (plan.kind !== 'change' || ctx.check) return { plan };
  const result = await mod.apply(ctx, params, plan);
  ctx.facts.invalidate();
  return { plan, result };
}
