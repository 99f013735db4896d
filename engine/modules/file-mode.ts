// File modes as Ansible takes them: an octal string ('0644', '644'), an integer (the mode's value,
// as YAML 1.1 reads 0644), or a symbolic chmod expression ('u=rw,g=r,o=r', 'a+X').
// Resolution is pure so a diff can say what the mode will be before anything runs.

export type ModeInput = string | number;

interface Clause {
  who: string; // subset of 'ugo'
  op: '+' | '-' | '=';
  perms: string; // subset of 'rwxXst'
}

export type ModeSpec = { kind: 'octal'; value: number } | { kind: 'symbolic'; text: string; clauses: Clause[] };

export class ModeSyntaxError extends Error {}

const CLAUSE = /^([ugoa]*)((?:[-+=][rwxXst]*)+)$/;

export function parseMode(input: ModeInput): ModeSpec {
  if (typeof input === 'number') {
    if (!Number.isInteger(input) || input < 0 || input > 0o7777) throw new ModeSyntaxError(`invalid mode ${input}: expected 0 to 0o7777`);
    return { kind: 'octal', value: input };
  }
  const text = input.trim();
  if (/^[0-7]{1,4}$/.test(text)) return { kind: 'octal', value: parseInt(text, 8) };
  const clauses: Clause[] = [];
  for (const part of text.split(',')) {
    const m = CLAUSE.exec(part);
    if (!m) throw new ModeSyntaxError(`invalid mode "${input}": expected octal like 0644 or symbolic like u=rw,g=r,o=r`);
    const who = !m[1] || m[1].includes('a') ? 'ugo' : m[1];
    for (const action of m[2].match(/[-+=][rwxXst]*/g)!) {
      clauses.push({ who, op: action[0] as Clause['op'], perms: action.slice(1) });
    }
  }
  return { kind: 'symbolic', text, clauses };
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
