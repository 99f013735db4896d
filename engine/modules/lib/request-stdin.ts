// What an HTTP request carries that other users of the host must not see: the URL (it may hold
// credentials or a token) and the headers (Authorization). Every user can read any command line
// (`ps`, /proc/PID/cmdline), the shell's `sh -c SCRIPT` included, so these never go into the
// script or an argument: the command's stdin starts with them, in sections that the script reads
// into shell variables with builtins only, and then pipes to the tool as its configuration
// (curl -K -, wget --config). No file holding them has a name, so nothing is left behind when
// the command is killed.
import { sh, raw, type ShellCommand } from '../../transport/quote.js';

/** ends a section on stdin; no line of a section can be this (see the builders below) */
const END = '.';

/** curl's config syntax for a value: double-quoted, with \\ \" \t \n \r \v escaped */
function curlValue(v: string): string {
  const esc: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\v': '\\v' };
  return `"${v.replace(/[\\"\t\n\r\v]/g, (c) => esc[c])}"`;
}

/** a curl config (`-K -`): the URL and each header */
export function curlConfig(url: string, headers: Record<string, string>): string {
  return [`url = ${curlValue(url)}`, ...Object.entries(headers).map(([k, v]) => `header = ${curlValue(`${k}: ${v}`)}`)].map((l) => l + '\n').join('');
}

/** a wgetrc (`--config`): each header. Header names are [A-Za-z0-9-]+ and values hold no line break (schemas), so a line is one header. */
export function wgetConfig(headers: Record<string, string>): string {
  return Object.entries(headers).map(([k, v]) => `header = ${k}: ${v}\n`).join('');
}

/** the bytes the command reads first: each section followed by its END line; then `rest` (a request body) */
export function stdinSections(sections: string[], rest?: string | Buffer): Buffer {
  const head = sections.map((s) => `${s}${s === '' || s.endsWith('\n') ? '' : '\n'}${END}\n`).join('');
  return Buffer.concat([Buffer.from(head), rest === undefined ? Buffer.alloc(0) : Buffer.from(rest)]);
}

/**
 * Shell that reads the next section of stdin into variable `name`, with no command that could
 * show a line in its arguments (`read` and `case` are the shell's own). `read` takes one byte at
 * a time from a pipe, so whatever follows the section (the body) stays on stdin for the tool.
 */
export function readSection(name: 'k' | 'u' | 'w'): ShellCommand {
  const v = raw(name);
  return sh`${v}=
while IFS= read -r l; do case $l in ${END}) break ;; esac; ${v}="$${v}$l
"; done`;
}
