// -e / --extra-vars: key=value pairs, @file (YAML or JSON, vault-encrypted or not), or inline JSON/YAML maps.
import { UsageError, InputError } from '../errors.js';
import { loadYamlFile, parseYamlText } from '../yaml/source.js';
import { pathExists } from '../path-exists.js';
import { splitShellWords } from '../shell-words.js';
import type { SecretInputs } from '../secrets/inputs.js';

export async function parseExtraVars(values: string[], secrets?: SecretInputs): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const v of values) {
    const text = v.trim();
    if (text.startsWith('@')) {
      const file = text.slice(1);
      if (!(await pathExists(file))) throw new UsageError(`-e @${file}: file not found`);
      const { data } = await loadYamlFile(file, undefined, secrets);
      if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new InputError('extra vars file must be a map', { file });
      Object.assign(out, data);
    } else if (text.startsWith('{')) {
      const { data } = parseYamlText(text, '<extra-vars>');
      if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new UsageError(`-e: not a map: ${text}`);
      Object.assign(out, data);
    } else {
      let words: string[];
      try {
        words = splitShellWords(text);
      } catch (e) {
        throw new UsageError(`-e: ${(e as Error).message}`);
      }
      for (const w of words) {
        const i = w.indexOf('=');
        if (i < 1) throw new UsageError(`-e: expected key=value, @file or a JSON map, got "${w}"`);
        const key = w.slice(0, i);
        if (['__proto__', 'constructor', 'prototype'].includes(key)) throw new UsageError(`-e: key "${key}" is not allowed`);
        out[key] = w.slice(i + 1);
      }
    }
  }
  return out;
}
