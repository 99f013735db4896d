// no_log: the result keeps only its status; everything else is hidden in every output.
import type { TaskResult } from '../modules/types.js';

export const NO_LOG_MSG = "the output has been hidden due to the fact that 'no_log: true' was specified for this result";

export function censor(r: TaskResult): TaskResult {
  const out: TaskResult = { changed: r.changed, censored: NO_LOG_MSG };
  if (r.failed) out.failed = true;
  if (r.skipped) out.skipped = true;
  return out;
}
