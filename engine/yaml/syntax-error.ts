// A YAML syntax error as a person can act on it: the place where the mistake is (the parser often
// notices it later: an unclosed quote at the end of the file, bad indentation at the end of the
// line above), what the usual mistake there is, and the offending line with a caret under it.
import { Parser, type LineCounter, type YAMLError } from 'yaml';
import { InputError } from '../errors.js';

interface Token {
  type: string;
  offset: number;
  source: string;
  end?: { type: string }[];
}

/** every CST token with a place in the text, in document order */
function tokens(text: string): Token[] {
  const out: Token[] = [];
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) return x.forEach(walk);
    if (!x || typeof x !== 'object') return;
    const t = x as Partial<Token>;
    if (typeof t.type === 'string' && typeof t.offset === 'number') out.push({ type: t.type, offset: t.offset, source: t.source ?? '', end: t.end });
    for (const v of Object.values(x)) walk(v);
  };
  for (const t of new Parser().parse(text)) walk(t);
  return out.sort((a, b) => a.offset - b.offset);
}

/** a quoted scalar whose closing quote never came (the parser took the rest of the file into it) */
function unclosedQuote(t: Token): boolean {
  if (t.type === 'single-quoted-scalar') return !/^'(?:[^']|'')*'$/.test(t.source);
  if (t.type === 'double-quoted-scalar') return !/^"(?:[^"\\]|\\[\s\S])*"$/.test(t.source);
  return false;
}

function unclosedFlow(t: Token): boolean {
  return t.type === 'flow-collection' && !t.end?.some((e) => e.type === 'flow-map-end' || e.type === 'flow-seq-end');
}

interface Found {
  offset: number;
  message: string;
}

/** offset of the first character of the line holding `offset` that is not a space */
function lineStartText(text: string, offset: number): number {
  let start = text.lastIndexOf('\n', offset - 1) + 1;
  while (text[start] === ' ') start++;
  return start;
}

/** the parser's place, moved to where the person wrote the mistake, and what the mistake is */
function locate(text: string, e: YAMLError): Found {
  const at = e.pos[0];
  const msg = e.message.split('\n')[0];
  const lineEnd = (o: number) => (text.indexOf('\n', o) < 0 ? text.length : text.indexOf('\n', o));
  switch (e.code) {
    case 'TAB_AS_INDENT':
      return { offset: at, message: 'a tab in the indentation: YAML indents with spaces only' };
    case 'MISSING_CHAR':
    case 'BAD_INDENT':
    case 'UNEXPECTED_TOKEN': {
      // an unclosed quote or bracket is noticed where the text runs out: point at its opening
      const ts = tokens(text);
      const quote = ts.find((t) => t.offset <= at && unclosedQuote(t));
      if (quote) return { offset: quote.offset, message: `this ${quote.source[0]} is never closed: the value runs on to the end of the file` };
      const flow = ts.filter((t) => t.offset <= at && unclosedFlow(t)).pop();
      if (flow) {
        const open = text[flow.offset];
        return { offset: flow.offset, message: `this ${open} is never closed (a ${open === '{' ? '}' : ']'} is missing)` };
      }
      // text after a closing quote: `'it's'` closed the value at the second quote
      const before = ts.filter((t) => t.offset < at).pop();
      if (e.code === 'UNEXPECTED_TOKEN' && before && /quoted-scalar$/.test(before.type) && before.offset + before.source.length <= at) {
        const q = before.source[0];
        return {
          offset: at,
          message: `text after the closing ${q} of a quoted value${q === "'" ? ` (a ' inside '...' is written twice: 'it''s', or quote the value with "...")` : ' (a " inside "..." is written \\")'}`,
        };
      }
      if (e.code === 'BAD_INDENT') return { offset: indentedLine(text, at), message: `bad indentation: ${msg.charAt(0).toLowerCase()}${msg.slice(1)}` };
      return { offset: at, message: msg };
    }
    case 'BLOCK_AS_IMPLICIT_KEY': {
      // at the start of a line: a line indented to no level of the lines above
      if (/^ *$/.test(text.slice(text.lastIndexOf('\n', at - 1) + 1, at + 1))) {
        return { offset: lineStartText(text, at), message: 'bad indentation: this line does not line up with the keys or items above it' };
      }
      // `key: value: x`, or a key indented deeper than the key above it: the second `:` is the mistake
      const colon = /:(?=[ \t]|\r?\n|$)/g;
      colon.lastIndex = at;
      const m = colon.exec(text);
      return {
        offset: m ? m.index : at,
        message: 'a "key:" where a value was expected: a value cannot hold ": " unless it is quoted, and a key lines up with the keys beside it',
      };
    }
    case 'MULTILINE_IMPLICIT_KEY': {
      // a word followed by indented lines, and no `:` after it
      const end = lineEnd(at);
      const word = text.slice(at, end).trimEnd();
      return { offset: at + word.length, message: `missing ":" after ${JSON.stringify(word)} (the indented lines below it are read as part of it)` };
    }
    default:
      return { offset: at, message: msg };
  }
}

/** an error placed at the end of a line (or in its indentation) means the next line's first text */
function indentedLine(text: string, at: number): number {
  const re = /\S/g;
  re.lastIndex = at;
  return re.exec(text)?.index ?? at;
}

/** the line holding `offset`, and a caret under its column; tabs shown as → so they are seen */
export function caretLines(text: string, line: number, col: number): string {
  const lines = text.split(/\r?\n/);
  const shown = (lines[line - 1] ?? '').replace(/\t/g, '→');
  const num = String(line);
  return `\n ${num} | ${shown}\n ${' '.repeat(num.length)} | ${' '.repeat(Math.max(0, col - 1))}^ here`;
}

/** the first of a document's syntax errors, as an InputError naming file:line:col */
export function yamlSyntaxError(text: string, file: string, e: YAMLError, lc: LineCounter): InputError {
  const found = locate(text, e);
  const { line, col } = lc.linePos(found.offset);
  return new InputError(`invalid YAML: ${found.message}${caretLines(text, line, col)}`, { file, line, col });
}
