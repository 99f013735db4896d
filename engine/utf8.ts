// Input files are UTF-8. Decoding anything else would turn each bad byte into U+FFFD, which then
// reaches hosts as a different value than the one written; so it is refused, naming where.
import { isUtf8 } from 'node:buffer';
import { InputError } from './errors.js';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** index of the lead byte of the first sequence that is not UTF-8, or -1 */
function firstInvalid(b: Buffer): number {
  for (let i = 0; i < b.length; ) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    const n = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0;
    if (n === 0 || i + n >= b.length) return i;
    // second-byte ranges that rule out overlong forms, surrogates and code points above U+10FFFF
    const lo = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf;
    if (b[i + 1]! < lo || b[i + 1]! > hi) return i;
    for (let k = 2; k <= n; k++) if ((b[i + k]! & 0xc0) !== 0x80) return i;
    i += n + 1;
  }
  return -1;
}

/**
 * The text of an input file. A leading byte order mark is dropped (YAML allows one, and editors on
 * Windows write it) unless `keepBom` (a template's output keeps what was written).
 */
export function utf8Text(bytes: Buffer, file: string, opts: { keepBom?: boolean } = {}): string {
  const body = !opts.keepBom && bytes.subarray(0, 3).equals(BOM) ? bytes.subarray(3) : bytes;
  if (isUtf8(body)) return body.toString('utf8');
  const at = Math.max(0, firstInvalid(body));
  const lineStart = at === 0 ? 0 : body.lastIndexOf(0x0a, at - 1) + 1;
  let line = 1;
  for (let i = body.indexOf(0x0a); i >= 0 && i < at; i = body.indexOf(0x0a, i + 1)) line++;
  const col = [...body.subarray(lineStart, at).toString('utf8')].length + 1;
  const byte = `0x${body[at]!.toString(16).toUpperCase().padStart(2, '0')}`;
  throw new InputError(`not UTF-8: byte ${byte} at line ${line}, column ${col}; save the file as UTF-8`, { file, line, col });
}
