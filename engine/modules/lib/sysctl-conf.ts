// sysctl.conf format (key = value, '#' or ';' comments, optional leading '-'): the value set
// for a key, and the file with one key set or removed. Pure text edits.

function lineKey(line: string): string | undefined {
  const t = line.trim();
  if (!t || t.startsWith('#') || t.startsWith(';')) return undefined;
  const eq = t.indexOf('=');
  if (eq < 0) return undefined;
  return t.slice(0, eq).trim().replace(/^-/, '');
}

/** The last value the file sets for `key` (later lines win, as with sysctl -p) */
export function sysctlFileValue(text: string | null, key: string): string | undefined {
  let v: string | undefined;
  for (const line of (text ?? '').split('\n')) {
    if (lineKey(line) === key) v = line.slice(line.indexOf('=') + 1).trim();
  }
  return v;
}

/**
 * The file with `key=value` (value undefined: the key removed). The first line for the key is
 * replaced in place, later duplicates dropped, a missing key appended. Other lines untouched.
 */
export function setSysctlInFile(text: string | null, key: string, value: string | undefined): string {
  const lines = text === null || text === '' ? [] : text.replace(/\n$/, '').split('\n');
  const out: string[] = [];
  let done = false;
  for (const line of lines) {
    if (lineKey(line) !== key) out.push(line);
    else if (!done && value !== undefined) {
      out.push(`${key}=${value}`);
      done = true;
    }
  }
  if (!done && value !== undefined) out.push(`${key}=${value}`);
  return out.length ? out.join('\n') + '\n' : '';
}
