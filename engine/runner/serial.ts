// serial: a number, a percentage, or a list of them (the last repeats).
import { InputError, type ErrorWhere } from '../errors.js';
import type { TemplateEngine } from './template-engine.js';
import { mergeVars } from './lazy-vars.js';

/**
 * serial as written, or rendered when it holds a template (`serial: "{{ workers_at_once }}"`): as
 * Ansible renders it, before any host runs, from the play's vars and vars_files under -e, never
 * from one host's variables.
 */
export function renderSerial(serial: unknown, playVars: Record<string, unknown>, extraVars: Record<string, unknown> | undefined, templater: TemplateEngine, where?: ErrorWhere): unknown {
  const templated = (v: unknown) => typeof v === 'string' && v.includes('{{');
  if (!(Array.isArray(serial) ? serial.some(templated) : templated(serial))) return serial;
  const vars = mergeVars([playVars, extraVars], templater, where);
  return templater.renderDeep(serial, vars, where);
}

export function serialBatches(hosts: string[], serial: unknown): string[][] {
  if (serial === undefined || serial === null || serial === 0 || serial === '0') return [hosts];
  const specs = Array.isArray(serial) ? serial : [serial];
  const sizes = specs.map((s) => {
    const str = String(s).trim();
    const n = str.endsWith('%') ? Math.max(1, Math.floor((hosts.length * Number(str.slice(0, -1))) / 100)) : Number(str);
    if (!Number.isFinite(n) || n < 1) throw new InputError(`invalid serial value "${str}"`);
    return n;
  });
  const batches: string[][] = [];
  let i = 0;
  let k = 0;
  while (i < hosts.length) {
    const size = sizes[Math.min(k++, sizes.length - 1)];
    batches.push(hosts.slice(i, i + size));
    i += size;
  }
  return batches;
}
