// Text bound for a terminal. Host output and values can carry control characters: an escape
// sequence that erases a line or sets the window title, a carriage return that draws over what
// came before, a bell, a backspace. The views show them escaped (`\x1b`, `\r`) so the terminal
// never acts on them, and colour their own text the way Ansible does.

// C0 but newline and tab, DEL, C1 (U+0080–U+009F: some terminals act on them as on ESC + letter)
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;
const CONTROL_OR_LINE = /[\x00-\x1f\x7f-\x9f]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Control characters shown as escapes. `multiline` keeps newlines and tabs (diffs, stderr shown
 * line by line); otherwise the text stays on one line, as a live line whose width is counted must.
 */
export function escapeControls(text: string, opts: { multiline?: boolean } = {}): string {
  return text.replace(opts.multiline ? CONTROL : CONTROL_OR_LINE, (c) => NAMED[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Ansible's colours for each outcome (its recap's too); identity functions when colour is off */
export interface Palette {
  ok(s: string): string;
  changed(s: string): string;
  failed(s: string): string;
  unreachable(s: string): string;
  skipped(s: string): string;
  rescued(s: string): string;
  ignored(s: string): string;
  warning(s: string): string;
  dim(s: string): string;
}

const CODES: Record<keyof Palette, string> = {
  ok: '32',
  changed: '33',
  failed: '31',
  unreachable: '1;31',
  skipped: '36',
  rescued: '32',
  ignored: '1;35',
  warning: '1;35',
  dim: '2',
};

export function palette(on: boolean): Palette {
  const p = {} as Palette;
  for (const [k, code] of Object.entries(CODES) as [keyof Palette, string][]) p[k] = on ? (s) => (s ? `\x1b[${code}m${s}\x1b[0m` : s) : (s) => s;
  return p;
}

/** colour on a terminal unless NO_COLOR (https://no-color.org) is set or the terminal is dumb */
export function wantColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return !!stream.isTTY && !env.NO_COLOR && env.TERM !== 'dumb';
}
