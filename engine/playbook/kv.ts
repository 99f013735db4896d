// Ansible's free-form `key=value` arguments: `debug: msg="hello world"`, `command: ls creates=/x`.
import { splitShellWords } from '../shell-words.js';

const KV = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s;

/** a template block: `{{ … }}`, `{% … %}` or `{# … #}` */
const BLOCK = /\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}/gs;
// stand-ins for template blocks while words are split: private-use characters, no blank or quote
const OPEN = '\uE000';
const CLOSE = '\uE001';

/**
 * Words as Ansible splits k=v text: shell-like, except that a template block is one piece of its
 * word whatever it holds (`path={{ d }}/x`, `msg={{ default x "a b" }}`), as in its split_args.
 */
function splitWords(text: string): string[] {
  if (text.includes(OPEN) || text.includes(CLOSE)) return splitShellWords(text);
  const blocks: string[] = [];
  const masked = text.replace(BLOCK, (b) => `${OPEN}${blocks.push(b) - 1}${CLOSE}`);
  const unmask = (w: string) => w.replace(/\uE000(\d+)\uE001/g, (_m, i: string) => blocks[Number(i)]!);
  return splitShellWords(masked).map(unmask);
}

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
  const re = /(^|\s)([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|(?:\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}|\S)*)/gs;
  return text.replace(re, (m, pre, key) => (known.has(key) && key !== freeForm ? pre : m)).trim();
}
