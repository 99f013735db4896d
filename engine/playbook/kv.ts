// Ansible's free-form `key=value` arguments: `debug: msg="hello world"`, `command: ls creates=/x`.
import { splitShellWords } from '../shell-words.js';

const KV = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s;

/**
 * Parse free-form arguments. Words of the form key=value whose key is in `known` become
 * parameters; with a free-form parameter the rest of the text is its value.
 */
export function parseFreeForm(text: string, known: Set<string>, freeForm?: string): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  if (freeForm) {
    // keep the command text as written (quotes intact), peel off trailing/leading key=value options
    const words = splitShellWords(text);
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
  for (const w of splitShellWords(text)) {
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
