// `mode:` as every module takes it, parsed in this one place: an octal string ('0644', '644') or,
// where the module applies it with chmod's own rules (file, copy, template, lineinfile,
// blockinfile), a symbolic expression ('u=rw,g=r,o=r', 'a+X'). A bare YAML integer is refused:
// `mode: 644` is the decimal 644 (octal 1204, which Ansible applies silently), and `mode: 0644`
// reads the same under YAML 1.2, so no reading of a number is safe to guess.
// Resolution is pure so a diff can say what the mode will be before anything runs.

export type ModeInput = string;

/** what a module's `mode` accepts: octal only, or octal and symbolic */
export type ModeKind = 'octal' | 'symbolic';

interface Clause {
  who: string; // subset of 'ugo'
  op: '+' | '-' | '=';
  perms: string; // subset of 'rwxXst'
}

export type ModeSpec = { kind: 'octal'; value: number } | { kind: 'symbolic'; text: string; clauses: Clause[] };

export class ModeSyntaxError extends Error {}

const CLAUSE = /^([ugoa]*)((?:[-+=][rwxXst]*)+)$/;

const inRange = (n: number) => Number.isInteger(n) && n >= 0 && n <= 0o7777;

/**
 * What to write instead of the number `n`. `written`: how the YAML had it, when known. Written
 * 0644 (YAML 1.1 octal, 420) the meaning is its octal value; written 644 it is its digits; from a
 * variable it is unknown, so a small value that may have been written 0NNN names both.
 */
function integerMessage(n: number, written: string | undefined): string {
  const write = (m: string) => `write mode: "${m}"`;
  const digits = String(n);
  const asDigits = /^[0-7]{1,4}$/.test(digits) ? digits.padStart(4, '0') : undefined;
  const asValue = inRange(n) ? formatMode(n) : undefined;
  const generic = 'write the mode as a quoted octal string, e.g. mode: "0644"';
  if (written !== undefined && written !== digits) return `mode: ${written} is a YAML integer (decimal ${n}); ${asValue ? write(asValue) : generic}`;
  const fix = asDigits ?? asValue;
  const also = written === undefined && asDigits && asValue && asValue !== asDigits && n <= 0o777 ? `, or mode: "${asValue}" if it was written 0${n.toString(8)}` : '';
  return `mode: ${n} is a YAML integer (decimal ${n}); ${fix ? write(fix) : generic}${also}`;
}

/**
 * The one parser of `mode:`. Throws ModeSyntaxError saying what to write instead. `written`: the
 * YAML text of a number, when the caller knows it (the loader does; a rendered value does not).
 */
export function parseMode(input: unknown, kind: ModeKind = 'symbolic', written?: string): ModeSpec {
  if (typeof input === 'number') throw new ModeSyntaxError(integerMessage(input, written));
  if (typeof input !== 'string') throw new ModeSyntaxError(`invalid mode ${JSON.stringify(input)}: expected a quoted string such as "0644"`);
  const text = input.trim();
  if (/^0?[0-7]{1,4}$/.test(text)) return { kind: 'octal', value: parseInt(text, 8) };
  if (kind === 'octal') throw new ModeSyntaxError(`invalid mode "${input}": expected octal like "0644"`);
  const clauses: Clause[] = [];
  for (const part of text.split(',')) {
    const m = CLAUSE.exec(part);
    if (!m) throw new ModeSyntaxError(`invalid mode "${input}": expected octal like "0644" or symbolic like u=rw,g=r,o=r`);
    const who = !m[1] || m[1].includes('a') ? 'ugo' : m[1];
    for (const action of m[2].match(/[-+=][rwxXst]*/g)!) {
      clauses.push({ who, op: action[0] as Clause['op'], perms: action.slice(1) });
    }
  }
  return { kind: 'symbolic', text, clauses };
}

/** An octal-only mode as chmod and `stat -c %a` compare it ("0644"); undefined stays undefined. */
export function octalMode(input: unknown): string | undefined {
  if (input === undefined || input === null) return undefined;
  return formatMode((parseMode(input, 'octal') as { value: number }).value);
}

/** `stat -c %a` prints "644" / "4755": compared in the 4-digit form; no wanted mode always matches. */
export function sameMode(statA: string | undefined, want: unknown): boolean {
  const w = octalMode(want);
  if (w === undefined) return true;
  return statA !== undefined && statA.padStart(4, '0') === w;
}

// Marks a parameter as a mode in a module's schema, so that the loader (and the check after
// rendering) runs the value through parseMode and reports its message with file:line:col.
const MODE_KEYWORD = 'x-tsplay-mode';

/** The JSON Schema of a `mode` parameter. A site module may use it too. */
export function modeSchema(kind: ModeKind): Record<string, unknown> {
  return {
    type: 'string',
    [MODE_KEYWORD]: kind,
    description:
      kind === 'symbolic'
        ? "Permissions, quoted: octal ('0644', '644') or symbolic ('u=rw,g=r,o=r'). A bare YAML integer (644, 0644) is refused."
        : "Permissions, quoted octal ('0644', '644'). A bare YAML integer (644, 0644) is refused.",
  };
}

/**
 * The first mode parameter of `args` that parseMode refuses: its name and why. With
 * `tolerateTemplates`, "{{ … }}" values wait for the check after rendering. `written`: a
 * parameter's number as the YAML had it.
 */
export function modeParamError(
  schema: Record<string, unknown>,
  args: Record<string, unknown>,
  tolerateTemplates: boolean,
  written?: (param: string) => string | undefined,
): { param: string; message: string } | undefined {
  const props = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  for (const [param, s] of Object.entries(props)) {
    const kind = s?.[MODE_KEYWORD] as ModeKind | undefined;
    const v = args[param];
    if (!kind || v === undefined || v === null) continue;
    if (tolerateTemplates && typeof v === 'string' && v.includes('{{')) continue;
    try {
      parseMode(v, kind, written?.(param));
    } catch (e) {
      if (!(e instanceof ModeSyntaxError)) throw e;
      return { param, message: param === 'mode' ? e.message : `${param}: ${e.message}` };
    }
  }
  return undefined;
}

const SHIFT: Record<string, number> = { u: 6, g: 3, o: 0 };
const SPECIAL: Record<string, number> = { u: 0o4000, g: 0o2000, o: 0 };

function bitsFor(who: string, perms: string, current: number, isDir: boolean): number {
  let bits = 0;
  const anyExec = (current & 0o111) !== 0;
  for (const w of who) {
    for (const p of perms) {
      if (p === 'r') bits |= 4 << SHIFT[w];
      else if (p === 'w') bits |= 2 << SHIFT[w];
      else if (p === 'x' || (p === 'X' && (isDir || anyExec))) bits |= 1 << SHIFT[w];
      else if (p === 's') bits |= SPECIAL[w];
      else if (p === 't' && w === 'o') bits |= 0o1000;
    }
  }
  return bits;
}

function maskFor(who: string): number {
  let mask = 0;
  for (const w of who) mask |= (7 << SHIFT[w]) | SPECIAL[w];
  if (who.includes('o')) mask |= 0o1000;
  return mask;
}

/** The mode a path will have: `current` is its mode now (or the default for a new path). */
export function resolveMode(spec: ModeSpec, current: number, isDir: boolean): number {
  if (spec.kind === 'octal') return spec.value;
  let mode = current & 0o7777;
  for (const c of spec.clauses) {
    const bits = bitsFor(c.who, c.perms, mode, isDir);
    if (c.op === '+') mode |= bits;
    else if (c.op === '-') mode &= ~bits;
    else mode = (mode & ~maskFor(c.who)) | bits;
  }
  return mode;
}

export function formatMode(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}
