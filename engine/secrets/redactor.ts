// Secret values are replaced in everything tsplay writes: human output, --json, diffs, error
// messages and the run log. The set grows as secrets are loaded (vault files, the vault password,
// no_log values, variables named in `tsplay_secret_vars`). A secret is also known in the forms
// output gives it: escaped in JSON (once or twice), shell-quoted, URL-encoded and in base64.
import { Transform, type Writable } from 'node:stream';

export const REDACTED = '********';
/** shorter strings would blank out ordinary words */
export const MIN_SECRET = 4;
/** a base64 run this long, cut out of a longer base64 text, is not found by chance */
const MIN_BASE64_RUN = 6;

export class Redactor {
  private values = new Set<string>();
  private forms = new Set<string>();
  /** the forms by their first two UTF-16 code units (startKey), longest first */
  private byStart = new Map<number, string[]>();
  /** warnings about secrets too short to hide, each given once */
  private warned = new Set<string>();
  private pending: string[] = [];
  private sink?: (msg: string) => void;

  /**
   * Learn a secret (a string, a number, or every value inside a list or map). `source` names
   * where it comes from ("variable db_pass", "vault file x.yml"): a value too short to hide is
   * then reported once, by that name and the value's key path, never by the value.
   */
  add(value: unknown, source?: string): void {
    const short: string[] = [];
    this.learn(value, '', short, 0);
    if (!source || !short.length) return;
    const where = short.some((p) => p !== '') ? ` (${short.filter((p) => p !== '').join(', ')})` : '';
    this.warn(`${source}${where}: a secret shorter than ${MIN_SECRET} characters is not redacted (so short a string would hide ordinary words); its value is shown as is`);
  }

  private learn(value: unknown, path: string, short: string[], depth: number): void {
    if (typeof value === 'string' || typeof value === 'number') {
      const s = String(value);
      if (s.length >= MIN_SECRET) this.addString(s);
      else if (s.length > 0 && !short.includes(path)) short.push(path);
    } else if (depth > 100) return;
    else if (Array.isArray(value)) value.forEach((v, i) => this.learn(v, `${path}[${i}]`, short, depth + 1));
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) this.learn(v, path ? `${path}.${k}` : k, short, depth + 1);
    }
  }

  private addString(s: string): void {
    if (this.values.has(s)) return;
    this.values.add(s);
    for (const f of derivedForms(s)) {
      if (f.length < MIN_SECRET || this.forms.has(f)) continue;
      this.forms.add(f);
      const list = this.byStart.get(startKey(f, 0));
      if (!list) this.byStart.set(startKey(f, 0), [f]);
      else list.splice(list.findIndex((x) => x.length < f.length) >>> 0, 0, f);
    }
  }

  /** warnings go to `sink` (the run's reporters); those found before it was set are given now */
  warnTo(sink: (msg: string) => void): void {
    this.sink = sink;
    for (const m of this.pending.splice(0)) sink(m);
  }

  private warn(msg: string): void {
    if (this.warned.has(msg)) return;
    this.warned.add(msg);
    if (this.sink) this.sink(msg);
    else this.pending.push(msg);
  }

  /** some secret is known: output must pass redact() */
  get active(): boolean {
    return this.forms.size > 0;
  }

  /** every form of every secret in `text` replaced, the longest where two start at the same place */
  redact(text: string): string {
    if (!this.forms.size) return text;
    // Not one RegExp of alternatives: V8 tries each alternative at each position, so the cost
    // grew with the number of forms (hundreds with a vault file, or no_log arguments holding
    // keys). Here each position costs one lookup by its first two characters.
    let out = '';
    let copied = 0;
    for (let i = 0; i <= text.length - MIN_SECRET; ) {
      const found = this.byStart.get(startKey(text, i))?.find((f) => text.startsWith(f, i));
      if (found === undefined) {
        i++;
        continue;
      }
      out += text.slice(copied, i) + REDACTED;
      copied = i += found.length;
    }
    return copied === 0 ? text : out + text.slice(copied);
  }

  /**
   * A copy of a value for output: every string (map keys too) redacted, and a number, boolean or
   * null whose text holds a secret replaced by the redacted text (a string), so that the value
   * still serializes to valid JSON whatever the secret looks like.
   */
  redactValue<T>(value: T): T {
    return this.forms.size ? (this.walk(value, 0) as T) : value;
  }

  private walk(v: unknown, depth: number): unknown {
    if (typeof v === 'string') return this.redact(v);
    if (typeof v === 'number' || typeof v === 'boolean' || v === null) {
      const text = String(v);
      const r = this.redact(text);
      return r === text ? v : r;
    }
    if (typeof v !== 'object' || v === undefined) return v;
    // what JSON.stringify would write for it (a Buffer, a Date)
    const json = (v as { toJSON?: () => unknown }).toJSON;
    if (typeof json === 'function') return this.walk(json.call(v), depth);
    // deeper than any result: written as redacted text rather than walked further
    if (depth > 200) return this.redact(JSON.stringify(v) ?? '');
    if (Array.isArray(v)) return v.map((x) => this.walk(x, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      let key = this.redact(k);
      // two keys redacted alike stay two keys
      while (Object.prototype.hasOwnProperty.call(out, key)) key += '*';
      Object.defineProperty(out, key, { value: this.walk(x, depth + 1), enumerable: true, writable: true, configurable: true });
    }
    return out;
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

/**
 * The first two UTF-16 code units at `i` as one small integer (a V8 Smi, which a Map hashes
 * fast). Two starts may share a key: the candidates are compared in full anyway.
 */
function startKey(text: string, i: number): number {
  return ((text.charCodeAt(i) & 0x3fff) << 14) | (text.charCodeAt(i + 1) & 0x3fff);
}

/** The texts a secret shows up as in output, itself first. */
export function derivedForms(s: string): string[] {
  const out = [s];
  // a multi-line secret also shows up line by line (in diffs)
  for (const line of s.split('\n')) if (line.trim().length >= MIN_SECRET) out.push(line);
  // inside a JSON string (--json, the run log, to_json), and inside a JSON string in a JSON
  // string (to_json's output shown in --json); also with non-ASCII as \uXXXX, as some hosts' JSON
  const once = JSON.stringify(s).slice(1, -1);
  out.push(once, JSON.stringify(once).slice(1, -1), once.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
  // shell-quoted: inside single quotes ('\'' for a quote, as the `quote` helper) or double quotes
  out.push(s.replace(/'/g, `'\\''`), s.replace(/[\\"$`]/g, '\\$&'));
  // URL-encoded (as a path or query component, and as a form with + for spaces)
  try {
    const url = encodeURIComponent(s);
    out.push(url, url.replace(/%20/g, '+'), encodeURI(s));
  } catch {
    // a lone UTF-16 surrogate has no URL form
  }
  out.push(...base64Forms(s));
  return out;
}

/**
 * The secret in base64 (standard and URL-safe, with and without padding), and the part of it
 * that any longer base64 text holding the secret contains: the secret starts at one of three
 * byte offsets in a 3-byte group, and from the first whole group on the characters depend on
 * its bytes only (`b64encode "user:{{ pass }}"`).
 */
function base64Forms(s: string): string[] {
  const bytes = Buffer.from(s, 'utf8');
  const out: string[] = [];
  const urlSafe = (b64: string) => b64.replace(/\+/g, '-').replace(/\//g, '_');
  const whole = bytes.toString('base64');
  out.push(whole, whole.replace(/=+$/, ''), urlSafe(whole), urlSafe(whole).replace(/=+$/, ''));
  for (const [offset, skip] of [
    [0, 0],
    [1, 2],
    [2, 3],
  ]) {
    const text = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    // characters of a group the secret does not fill depend on what follows it
    const run = text.slice(skip, 4 * Math.floor((offset + bytes.length) / 3));
    if (run.length >= MIN_BASE64_RUN) out.push(run, urlSafe(run));
  }
  return out;
}
