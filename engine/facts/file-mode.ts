// Ansible's `mode:` as given in YAML: '0644', '644', or a number. YAML 1.2 reads 0644 as the
// decimal 644, so a number whose digits are all octal is taken digit for digit, as Ansible's
// users expect; any other number is a real integer mode (420 -> '0644').
export function fileModeString(mode: string | number | undefined): string | undefined {
  if (mode === undefined) return undefined;
  if (typeof mode === 'number') {
    const digits = String(mode);
    const oct = /^[0-7]{3,4}$/.test(digits) ? digits : mode.toString(8);
    return oct.padStart(4, '0');
  }
  return /^[0-7]{3,4}$/.test(mode) ? mode.padStart(4, '0') : mode;
}

/** `stat -c %a` prints "644" / "4755": compare in the same 4-digit form */
export function sameMode(statA: string | undefined, want: string | undefined): boolean {
  if (want === undefined) return true;
  if (statA === undefined) return false;
  return statA.padStart(4, '0') === fileModeString(want);
}

export const MODE_SCHEMA = {
  anyOf: [{ type: 'string', pattern: '^0?[0-7]{3,4}$' }, { type: 'integer', minimum: 0, maximum: 0o7777 }],
};
