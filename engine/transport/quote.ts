// Commands reach a shell only through this template: every interpolated value is quoted.
// sh`rm -f ${path}` -> rm -f 'my file'. Arrays expand to several quoted words.

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** POSIX single-quote quoting; safe for any byte string. */
export function quote(value: string): string {
  if (value === '') return "''";
  // Quoting cannot stop a leading '-' being read as an option: commands put '--' before operands.
  if (SAFE.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A shell command line built by `sh`; only its text crosses to a shell. */
export class ShellCommand {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** Trusted shell text, not quoted (operators, fixed snippets). Never wrap user values. */
export class RawShell {
  constructor(readonly text: string) {}
}
export function raw(text: string): RawShell {
  return new RawShell(text);
}

type ShellValue = string | number | boolean | ShellCommand | RawShell | ReadonlyArray<string | number>;

function render(v: ShellValue): string {
  if (v instanceof ShellCommand || v instanceof RawShell) return v.text;
  if (Array.isArray(v)) return v.map((x) => quote(String(x))).join(' ');
  return quote(String(v));
}

export function sh(strings: TemplateStringsArray, ...values: ShellValue[]): ShellCommand {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return new ShellCommand(out);
}

/** Join several commands with a separator such as ' && ' or '; '. */
export function joinCommands(cmds: ShellCommand[], sep: ' && ' | '; ' | ' || ' | '\n' = ' && '): ShellCommand {
  return new ShellCommand(cmds.map((c) => c.text).join(sep));
}

/** argv -> one quoted command line (command module: no shell features). */
export function argvCommand(argv: ReadonlyArray<string>): ShellCommand {
  return new ShellCommand(argv.map(quote).join(' '));
}
