// group_vars/ and host_vars/ beside an inventory source, found as Ansible's host_group_vars plugin
// finds them: NAME, NAME.yml, NAME.yaml or NAME.json (the first that exists), and when that is a
// directory, every file in it (sorted, recursively; hidden and backup~ files skipped) merged in order.
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { InputError } from '../errors.js';
import { newDict } from './safe-keys.js';
import type { Vars, VarsDir } from './types.js';
import { YamlSource } from './yaml-source.js';
import { readInput, learnSecrets, type SecretInputs } from '../secrets/inputs.js';

const EXTENSIONS = ['.yml', '.yaml', '.json'];

async function listDir(dir: string): Promise<Map<string, boolean> | undefined> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    const out = new Map<string, boolean>();
    for (const e of entries) out.set(e.name, e.isDirectory() || (e.isSymbolicLink() && (await stat(join(dir, e.name))).isDirectory()));
    return out;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw e;
  }
}

async function filesUnder(dir: string): Promise<string[]> {
  const listing = await listDir(dir);
  const out: string[] = [];
  for (const name of [...(listing?.keys() ?? [])].sort()) {
    if (name.startsWith('.') || name.endsWith('~')) continue;
    const full = join(dir, name);
    const ext = extname(name);
    if (listing!.get(name)) {
      if (!ext) for (const f of await filesUnder(full)) out.push(f);
    } else if (!ext || EXTENSIONS.includes(ext)) out.push(full);
  }
  return out;
}

/** One vars file: a mapping (or empty). */
export async function loadVarsFile(file: string, secrets?: SecretInputs): Promise<Vars> {
  const input = await readInput(file, secrets);
  const text = input.text;
  if (text.startsWith('$ANSIBLE_VAULT;')) throw new InputError('Ansible Vault files are not supported (use tsplay vault)', { file, line: 1, col: 1 });
  const source = new YamlSource(file, text);
  const data = source.value();
  learnSecrets(input, data, secrets);
  if (data === null || data === undefined) return newDict();
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new InputError('a vars file must be a mapping of variable names to values', source.posAt([]));
  }
  return Object.assign(newDict(), data as Vars);
}

async function loadEntity(dir: string, listing: Map<string, boolean>, name: string, secrets?: SecretInputs): Promise<Vars | undefined> {
  for (const candidate of [name, ...EXTENSIONS.map((e) => name + e)]) {
    if (!listing.has(candidate)) continue;
    const full = join(dir, candidate);
    if (!listing.get(candidate)) return loadVarsFile(full, secrets);
    const merged = newDict();
    for (const file of await filesUnder(full)) Object.assign(merged, await loadVarsFile(file, secrets)); // dicts replaced, not merged
    return merged;
  }
  return undefined;
}

async function loadAll(dir: string, names: Iterable<string>, secrets?: SecretInputs): Promise<Map<string, Vars>> {
  const out = new Map<string, Vars>();
  const listing = await listDir(dir);
  if (!listing) return out;
  for (const name of names) {
    const vars = await loadEntity(dir, listing, name, secrets);
    if (vars) out.set(name, vars);
  }
  return out;
}

/** group_vars/ and host_vars/ of one base directory, for the given group and host names. */
export async function loadVarsDir(base: string, groupNames: Iterable<string>, hostNames: Iterable<string>, secrets?: SecretInputs): Promise<VarsDir> {
  return {
    dir: base,
    groupVars: await loadAll(join(base, 'group_vars'), groupNames, secrets),
    hostVars: await loadAll(join(base, 'host_vars'), hostNames, secrets),
  };
}
