// Ansible's free-form `key=value` arguments: `debug: msg="hello world"`, `command: ls creates=/x`.

/** Split a string into words, honouring single and double quotes (like shlex). */
export function splitWords(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  let q: '"' | "'" | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (q) {
      if (c === q) q = null;
      else if (c === '\\' && q === '"' && i + 1 < s.length && '"\\$`'.includes(s[i + 1])) cur += s[++i];
      else cur += c;
    } else if (c === '"' || c === "'") {
      q = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < s.length) {
      cur += s[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (q) throw new Error(`unterminated ${q} quote`);
  if (inWord) out.push(cur);
  return out;
}

const KV = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s;

/**
 * Parse free-form arguments. Words of the form key=value whose key is in `known` become
 * parameters; with a free-form parameter the rest of the text is its value.
 */
export function parseFreeForm(text: string, known: Set<string>, freeForm?: string): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  if (freeForm) {
    // keep the command text as written (quotes intact), peel off trailing/leading key=value options
    const words = splitWords(text);
    const rest: string[] = [];
    for (const w of words) {
      const m = KV.exec(w);
      if (m && known.has(m[1]) && m[1] !== freeForm) args[m[1]] = m[2];
      else rest.push(w);
    }
    if (rest.length === words.length) args[freeForm] = text.trim();
    else args[freeForm] = stripKnownOptions(text, known, freeForm);
    return args;
  }
  for (const w of splitWords(text)) {
    const m = KV.exec(w);
    if (!m) throw new Error(`expected key=value, got "${w}"`);
    args[m[1]] = m[2];
  }
  return args;
}

/** Remove `key=value` options from command text while keeping its original quoting. */
function stripKnownOptions(text: string, known: Set<string>, freeForm: string): string {
  const re = /(^|\s)([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|\S*)/g;
  return text.replace(re, (m, pre, key) => (known.has(key) && key !== freeForm ? pre : m)).trim();
}
