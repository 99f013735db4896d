// Host pattern syntax (plays' `hosts:` and --limit), as Ansible reads it:
//   a:b or a,b (union)   a:&b (intersection)   a:!b (exclusion)   web* / *.example.com (globs)
//   ~regex   group[0] group[-1] group[1:3] (inclusive) group[2:]   @file (one pattern per line)
// Colons inside [...] and in IPv6 addresses do not separate patterns.
import { InputError } from '../errors.js';
import { looksLikeIPv6 } from './host-range.js';

export type PatternOp = 'union' | 'intersection' | 'exclusion';

export interface Subscript {
  start: number;
  /** inclusive end; undefined for a single index, -1 for "to the end" */
  end?: number;
}

export interface ParsedPattern {
  op: PatternOp;
  /** the pattern text without its &/! prefix and subscript */
  expr: string;
  /** matcher for names, or undefined for a plain name matched by equality */
  regex?: RegExp;
  subscript?: Subscript;
  /** the pattern as written, with its prefix */
  text: string;
}

const SUBSCRIPT = /^(.+)\[(?:(-?[0-9]+)|([0-9]+)([:-])([0-9]*))\]$/;

function bad(message: string, pattern: string): InputError {
  return new InputError(`bad host pattern "${pattern}": ${message}`);
}

/** Splits one pattern string on `,` or else on `:` (outside brackets), as Ansible does. */
export function splitPatterns(pattern: string, isHost: (name: string) => boolean = () => false): string[] {
  const pieces = pattern.includes(',') ? pattern.split(',') : [pattern];
  const out: string[] = [];
  for (const raw of pieces) {
    const piece = raw.trim();
    if (!piece) continue;
    const bare = piece.replace(/^[&!]/, '');
    if (isHost(piece) || isHost(bare) || looksLikeIPv6(bare)) {
      out.push(piece);
      continue;
    }
    let depth = 0;
    let current = '';
    for (const c of piece) {
      if (c === '[') {
        if (depth > 0) throw bad('"[" inside [...]', pattern);
        depth++;
      } else if (c === ']') {
        if (depth === 0) throw bad('"]" without "["', pattern);
        depth--;
      }
      if (depth === 0 && (c === ':' || /\s/.test(c))) {
        if (current) out.push(current);
        current = '';
        continue;
      }
      current += c;
    }
    if (depth > 0) throw bad('"[" without "]"', pattern);
    if (current) out.push(current);
  }
  return out;
}

/** fnmatch.translate: * ? [seq] [!seq], anchored at both ends. */
export function globToRegex(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) {
        re += '\\[';
        continue;
      }
      let body = glob.slice(i + 1, close);
      const negate = body[0] === '!';
      if (negate) body = body.slice(1);
      body = body.replace(/\\/g, '\\\\').replace(/\^/g, '\\^').replace(/\[/g, '\\[');
      re += `[${negate ? '^' : ''}${body}]`;
      i = close;
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^(?:${re})$`, 's');
}

export function parsePattern(text: string): ParsedPattern {
  const op: PatternOp = text[0] === '&' ? 'intersection' : text[0] === '!' ? 'exclusion' : 'union';
  let expr = op === 'union' ? text : text.slice(1);
  if (!expr) throw bad(`"${text}" names nothing`, text);
  if (expr[0] === '~') {
    const source = expr.slice(1).replace(/\(\?P</g, '(?<').replace(/\(\?P=(\w+)\)/g, '\\k<$1>');
    if (!source) throw bad('empty regular expression', text);
    try {
      // Python's re.match: anchored at the start only
      return { op, expr, regex: new RegExp(`^(?:${source})`), text };
    } catch (e) {
      throw bad(`invalid regular expression: ${(e as Error).message}`, text);
    }
  }
  let subscript: Subscript | undefined;
  const m = SUBSCRIPT.exec(expr);
  if (m) {
    expr = m[1]!;
    if (m[2] !== undefined) subscript = { start: Number(m[2]) };
    else {
      if (m[4] === '-') throw bad('use [x:y] (inclusive), [x-y] was removed from Ansible', text);
      subscript = { start: Number(m[3]), end: m[5] ? Number(m[5]) : -1 };
    }
  }
  if (/[[\]]/.test(expr) && !/\[[^\]]+\]/.test(expr)) throw bad('unbalanced brackets', text);
  const glob = /[*?[]/.test(expr);
  return { op, expr, regex: glob ? globToRegex(expr) : undefined, subscript, text };
}
