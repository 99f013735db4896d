// Results as ansible-playbook prints them after "=>": JSON with sorted keys and Python's
// separators (`{"changed": true, "rc": 0}`) on one line, or indented by 4 for debug's output.
// Keys the views show in their own way (diffs) or that only carry the loop's bookkeeping are left out.
import type { TaskResult } from '../modules/types.js';
import type { HostResultEvent } from './types.js';

function sorted(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sorted);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) out[k] = sorted((v as Record<string, unknown>)[k]);
  return out;
}

/** `indent` 0: one line, `", "` and `": "` between items; otherwise one item per line */
export function ansibleJson(v: unknown, indent = 0): string {
  const s = JSON.stringify(sorted(v), null, indent || undefined) ?? 'null';
  if (indent) return s;
  // spaces after the separators that are not inside strings
  return s.replace(/("(?:[^"\\]|\\.)*")|([,:])/g, (m, str: string | undefined, sep: string | undefined) => (str ? str : `${sep} `));
}

const NOT_SHOWN = new Set(['diff', 'item', 'ansible_loop_var', 'ansible_index_var', 'results']);

/** what `-v` shows of a result (a loop's items are shown one by one, not again in its summary) */
export function verboseResult(r: TaskResult): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) if (v !== undefined && !NOT_SHOWN.has(k)) out[k] = v;
  return out;
}

/** what debug shows: its msg or its variable, without the result's status flags */
export function debugShown(r: TaskResult): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) if (v !== undefined && !['changed', 'failed', 'skipped', 'diff', 'item', 'ansible_loop_var', 'ansible_index_var', '_ansible_no_log'].includes(k)) out[k] = v;
  return out;
}

/** module parameters whose values are never shown (Ansible's no_log parameters: a user's password hash, a key's passphrase) */
const SECRET_PARAMETER = /pass(word|phrase)?$|secret|token|private_key$|_key_data$/i;

/** what Ansible puts in place of a no_log parameter's value */
export const NO_LOG_VALUE = 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER';

function moduleArgs(args: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(args).map(([k, v]) => [k, SECRET_PARAMETER.test(k) && v !== undefined && v !== null ? NO_LOG_VALUE : v]));
}

/**
 * A result after "=>" at `verbosity`: -v the result on one line; -vv with the module's rendered
 * arguments as Ansible's `invocation.module_args`; -vvv indented by 4 (Ansible's results are
 * multi-line above verbosity 2)
 */
export function verboseShown(ev: HostResultEvent, verbosity: number): string {
  const r = verboseResult(ev.result);
  if (verbosity >= 2 && ev.args) r.invocation = { module_args: moduleArgs(ev.args) };
  return ansibleJson(r, verbosity >= 3 ? 4 : 0);
}
