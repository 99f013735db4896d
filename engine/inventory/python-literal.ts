// INI inventory values are read as Python literals when they are one (Ansible calls ast.literal_eval):
// `22` -> 22, `True` -> true, `"a"` -> 'a', `[1, 2]` -> [1, 2]; anything else stays the raw string.
// Note `true` (lower case) is not a Python literal, so it stays the string "true", as in Ansible.
import { isForbiddenKey, newDict } from './safe-keys.js';

class NotLiteral extends Error {}

/** The value of `text` as a Python literal, or `undefined` when it is not one. */
export function parsePythonLiteral(text: string): { value: unknown } | undefined {
  try {
    const p = new LiteralParser(text);
    const value = p.parseTop();
    return { value };
  } catch (e) {
    if (e instanceof NotLiteral) return undefined;
    throw e;
  }
}

/** INI value: the literal's value, else the text itself. */
export function iniValue(text: string): unknown {
  const parsed = parsePythonLiteral(text);
  return parsed ? parsed.value : text;
}

const NUMBER =
  /^(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|(?:\d(?:_?\d)*)?\.\d(?:_?\d)*(?:[eE][-+]?\d(?:_?\d)*)?|\d(?:_?\d)*\.?(?:[eE][-+]?\d(?:_?\d)*)?)/;

class LiteralParser {
  private i = 0;
  constructor(private readonly s: string) {}

  parseTop(): unknown {
    this.ws();
    const first = this.expr();
    this.ws();
    if (this.peek() === ',') {
      // a bare tuple: `1, 2`
      const items = [first];
      while (this.peek() === ',') {
        this.i++;
        this.ws();
        if (this.atEnd()) break;
        items.push(this.expr());
        this.ws();
      }
      if (!this.atEnd()) throw new NotLiteral();
      return items;
    }
    if (!this.atEnd()) throw new NotLiteral();
    return first;
  }

  private atEnd(): boolean {
    return this.i >= this.s.length;
  }
  private peek(): string {
    return this.s[this.i] ?? '';
  }
  /** skips whitespace and a `#` comment */
  private ws(): void {
    while (this.i < this.s.length) {
      const c = this.s[this.i]!;
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') this.i++;
      else if (c === '#') this.i = this.s.length;
      else break;
    }
  }

  private expr(): unknown {
    this.ws();
    const c = this.peek();
    if (c === '[') return this.sequence('[', ']');
    if (c === '(') return this.sequence('(', ')');
    if (c === '{') return this.braces();
    if (c === '-' || c === '+') {
      this.i++;
      this.ws();
      const n = this.number();
      return c === '-' ? -n : n;
    }
    if (/[0-9.]/.test(c)) return this.number();
    const str = this.strings();
    if (str !== undefined) return str;
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.s.slice(this.i));
    if (word) {
      this.i += word[0].length;
      if (word[0] === 'True') return true;
      if (word[0] === 'False') return false;
      if (word[0] === 'None') return null;
    }
    throw new NotLiteral();
  }

  private number(): number {
    const m = NUMBER.exec(this.s.slice(this.i));
    if (!m || !m[0] || m[0] === '.') throw new NotLiteral();
    const text = m[0].replace(/_/g, '');
    // Python 3 rejects decimal integers with leading zeros (0755): not a literal
    if (/^0\d+$/.test(text) && !/^0+$/.test(text)) throw new NotLiteral();
    this.i += m[0].length;
    if (/[0-9a-zA-Z_]/.test(this.peek())) throw new NotLiteral(); // 1j, 12abc
    if (/^0[xX]/.test(text)) return parseInt(text.slice(2), 16);
    if (/^0[oO]/.test(text)) return parseInt(text.slice(2), 8);
    if (/^0[bB]/.test(text)) return parseInt(text.slice(2), 2);
    return Number(text);
  }

  /** one or more adjacent string literals, concatenated as Python does */
  private strings(): string | undefined {
    let out: string | undefined;
    for (;;) {
      const save = this.i;
      this.ws();
      const one = this.string();
      if (one === undefined) {
        this.i = save;
        return out;
      }
      out = (out ?? '') + one;
    }
  }

  private string(): string | undefined {
    const m = /^([rRuUbB]|[rR][bB]|[bB][rR])?('''|"""|'|")/.exec(this.s.slice(this.i));
    if (!m) return undefined;
    const raw = /[rR]/.test(m[1] ?? '');
    const quote = m[2]!;
    this.i += m[0].length;
    let out = '';
    for (;;) {
      if (this.atEnd()) throw new NotLiteral();
      if (this.s.startsWith(quote, this.i)) {
        this.i += quote.length;
        return out;
      }
      const c = this.s[this.i]!;
      if (c === '\n' && quote.length === 1) throw new NotLiteral();
      if (c === '\\') {
        const next = this.s[this.i + 1];
        if (next === undefined) throw new NotLiteral();
        if (raw) {
          out += c + next;
          this.i += 2;
          continue;
        }
        this.i += 2;
        out += this.escape(next);
        continue;
      }
      out += c;
      this.i++;
    }
  }

  private escape(next: string): string {
    const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v', '\n': '' };
    if (next in simple) return simple[next]!;
    const hex = (len: number): string => {
      const h = this.s.slice(this.i, this.i + len);
      if (h.length !== len || !/^[0-9a-fA-F]+$/.test(h)) throw new NotLiteral();
      this.i += len;
      return String.fromCodePoint(parseInt(h, 16));
    };
    if (next === 'x') return hex(2);
    if (next === 'u') return hex(4);
    if (next === 'U') return hex(8);
    if (/[0-7]/.test(next)) {
      const m = /^[0-7]{0,2}/.exec(this.s.slice(this.i))!;
      this.i += m[0].length;
      return String.fromCharCode(parseInt(next + m[0], 8));
    }
    return '\\' + next; // unknown escapes keep their backslash
  }

  private sequence(open: string, close: string): unknown[] {
    this.i++; // open
    const items: unknown[] = [];
    this.ws();
    while (this.peek() !== close) {
      items.push(this.expr());
      this.ws();
      if (this.peek() === ',') {
        this.i++;
        this.ws();
      } else if (this.peek() !== close) throw new NotLiteral();
    }
    this.i++;
    void open;
    return items;
  }

  /** {k: v} dict or {a, b} set (a set becomes a list) */
  private braces(): unknown {
    this.i++;
    this.ws();
    if (this.peek() === '}') {
      this.i++;
      return newDict();
    }
    const first = this.expr();
    this.ws();
    if (this.peek() === ':') {
      const dict = newDict();
      let key: unknown = first;
      for (;;) {
        this.i++; // ':'
        const value = this.expr();
        if (typeof key === 'object' && key !== null) throw new NotLiteral(); // unhashable
        const k = String(key === null ? 'None' : key === true ? 'True' : key === false ? 'False' : key);
        if (isForbiddenKey(k)) throw new NotLiteral();
        dict[k] = value;
        this.ws();
        if (this.peek() === '}') {
          this.i++;
          return dict;
        }
        if (this.peek() !== ',') throw new NotLiteral();
        this.i++;
        this.ws();
        if (this.peek() === '}') {
          this.i++;
          return dict;
        }
        key = this.expr();
        this.ws();
        if (this.peek() !== ':') throw new NotLiteral();
      }
    }
    const items = [first];
    for (;;) {
      if (this.peek() === '}') {
        this.i++;
        return items;
      }
      if (this.peek() !== ',') throw new NotLiteral();
      this.i++;
      this.ws();
      if (this.peek() === '}') continue;
      items.push(this.expr());
      this.ws();
    }
  }
}
