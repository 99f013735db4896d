// serial: a number, a percentage, or a list of them (the last repeats).
import { InputError } from '../errors.js';

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
