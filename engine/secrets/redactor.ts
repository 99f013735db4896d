// Secret values are replaced in everything tsplay writes: human output, --json, diffs, error
// messages and the run log. The set grows as secrets are loaded (vault files, no_log values,
// variables named in `tsplay_secret_vars`).
import { Transform, type Writable } from 'node:stream';

export const REDACTED = '********';
/** shorter strings would blank out ordinary words */
const MIN_SECRET = 4;

export class Redactor {
  private secrets = new Set<string>();
  private pattern?: RegExp;

  add(value: unknown): void {
    if (typeof value === 'string') {
      if (value.length >= MIN_SECRET && !this.secrets.has(value)) {
        this.secrets.add(value);
        // multi-line secrets also show up line by line (in diffs)
        for (const line of value.split('\n')) if (line.trim().length >= MIN_SECRET) this.secrets.add(line);
        // and escaped inside JSON strings (--json, the run log)
        this.secrets.add(JSON.stringify(value).slice(1, -1));
        this.pattern = undefined;
      }
    } else if (typeof value === 'number' && String(value).length >= MIN_SECRET) this.add(String(value));
    else if (Array.isArray(value)) value.forEach((v) => this.add(v));
    else if (value && typeof value === 'object') Object.values(value).forEach((v) => this.add(v));
  }

  get size(): number {
    return this.secrets.size;
  }

  redact(text: string): string {
    if (!this.secrets.size) return text;
    this.pattern ??= new RegExp(
      [...this.secrets].sort((a, b) => b.length - a.length).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'),
      'g',
    );
    return text.replace(this.pattern, REDACTED);
  }

  /** a stream that redacts each write before passing it to `out` (reporters write whole lines) */
  wrap(out: Writable): Writable {
    const t = new Transform({ transform: (chunk, _enc, cb) => cb(null, this.redact(String(chunk))) });
    t.pipe(out);
    // keep terminal facts (isTTY, and the size as it is now: the window may be resized) for views that draw
    const tty = out as NodeJS.WriteStream;
    return Object.defineProperties(t, {
      isTTY: { value: tty.isTTY, enumerable: true },
      columns: { get: () => tty.columns, enumerable: true },
      rows: { get: () => tty.rows, enumerable: true },
    });
  }
}
