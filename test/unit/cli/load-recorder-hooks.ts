// ESM loader hooks (run off-thread by node): append every resolved module URL to the file named
// by TSPLAY_LOAD_RECORD. See load-recorder.ts.
import { appendFileSync } from 'node:fs';
import type { ResolveHook } from 'node:module';

export const resolve: ResolveHook = async (specifier, context, next) => {
  const r = await next(specifier, context);
  const out = process.env.TSPLAY_LOAD_RECORD;
  if (out) appendFileSync(out, r.url + '\n');
  return r;
};
