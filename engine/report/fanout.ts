// Several reporters behind one: each hook calls every reporter that has it.
import type { Reporter } from './types.js';

const HOOKS = ['onRunStart', 'onPlayStart', 'onNoHosts', 'onTaskStart', 'onHostResult', 'onWarning', 'onHostDetail', 'onRecap', 'onRunEnd'] as const;

export function fanout(reporters: Reporter[]): Required<Reporter> {
  const out = {} as Record<string, (...a: unknown[]) => void>;
  for (const hook of HOOKS) {
    out[hook] = (...args: unknown[]) => {
      for (const r of reporters) (r[hook] as ((...a: unknown[]) => void) | undefined)?.apply(r, args);
    };
  }
  const all = out as unknown as Required<Reporter>;
  all.flush = async () => {
    await Promise.all(reporters.map((r) => r.flush?.()));
  };
  return all;
}
