// Line handling shared by lineinfile and blockinfile: lines keep their endings (as Python's
// readlines), and regular expressions are written in Ansible's (Python) dialect.

/** Split keeping each line's '\n'; the last line may lack one. */
export function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

export function stripEol(line: string): string {
  return line.replace(/[\r\n]+$/, '');
}

export class RegexSyntaxError extends Error {}

/**
 * A Python regular expression as a JavaScript RegExp: named groups (?P<n>...) and (?P=n), \A and
 * \Z, and leading inline flags such as (?i). Lines are matched without their line ending.
 */
export function pyRegex(source: string, what: string): RegExp {
  let flags = '';
  let src = source;
  const inline = /^\(\?([aiLmsux]+)\)/.exec(src);
  if (inline) {
    src = src.slice(inline[0].length);
    for (const f of inline[1]) if ('ims'.includes(f) && !flags.includes(f)) flags += f;
  }
  src = src.replace(/\(\?P<(\w+)>/g, '(?<$1>').replace(/\(\?P=(\w+)\)/g, '\\k<$1>');
  // \A and \Z (start and end of the text) would be the letters A and Z in JavaScript
  src = src.replace(/\\([\s\S])/g, (esc, c: string) => (c === 'A' ? '(?<![\\s\\S])' : c === 'Z' ? '(?![\\s\\S])' : esc));
  try {
    return new RegExp(src, flags);
  } catch (e) {
    throw new RegexSyntaxError(`invalid regular expression in ${what} "${source}": ${(e as Error).message}`);
  }
}

/** Python's match.expand(template): \1, \g<1>, \g<name>, \n, \t, \\; other escapes stay. */
export function expandMatch(m: RegExpExecArray, template: string): string {
  return template.replace(/\\(?:g<(\w+)>|(\d{1,2})|([\s\S]))/g, (whole, g: string | undefined, d: string | undefined, c: string | undefined) => {
    const group = g ?? d;
    if (group !== undefined) {
      const v = /^\d+$/.test(group) ? m[Number(group)] : m.groups?.[group];
      return v ?? '';
    }
    if (c === 'n') return '\n';
    if (c === 't') return '\t';
    if (c === '\\') return '\\';
    return whole;
  });
}
