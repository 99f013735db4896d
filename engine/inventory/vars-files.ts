// group_vars/ and host_vars/ beside an inventory source or the playbook, found as Ansible's host_group_vars plugin
// finds them: NAME, NAME.yml, NAME.yaml or NAME.json (the first that exists), and when that is a
// directory, every file in it (sorted, recursively; hidden and backup~ files skipped) merged in order.
// Where each variable was written is kept, so a later error can point at its line.
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { SourcePos } from '../errors.js';
import { newDict } from './safe-keys.js';
import type { Vars, VarsDir } from './types.js';
import { SourceMap } from '../yaml/source.js';
import { loadVarsFile } from '../yaml/vars-file.js';
import type { SecretInputs } from '../secrets/inputs.js';

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

/** The files that make up group_vars/NAME or host_vars/NAME in `dir` (whose listing is given), in merge order. */
async function entityFiles(dir: string, listing: Map<string, boolean>, name: string): Promise<string[]> {
  for (const candidate of [name, ...EXTENSIONS.map((e) => name + e)]) {
    if (!listing.has(candidate)) continue;
    const full = join(dir, candidate);
    return listing.get(candidate) ? filesUnder(full) : [full];
  }
  return [];
}

interface Loaded {
  vars: Map<string, Vars>;
  at: Map<string, Map<string, SourcePos>>;
}

async function loadAll(dir: string, names: Iterable<string>, secrets?: SecretInputs): Promise<Loaded> {
  const out: Loaded = { vars: new Map(), at: new Map() };
  const listing = await listDir(dir);
  if (!listing) return out;
  for (const name of names) {
    const files = await entityFiles(dir, listing, name);
    if (!files.length) continue;
    const merged = newDict();
    const at = new Map<string, SourcePos>();
    for (const file of files) {
      const positions = new SourceMap();
      const data = await loadVarsFile(file, positions, secrets);
      // dicts replaced, not merged
      for (const [k, v] of Object.entries(data)) {
        merged[k] = v;
        at.set(k, positions.pos(data, k) ?? { file });
      }
    }
    out.vars.set(name, merged);
    out.at.set(name, at);
  }
  return out;
}

/** group_vars/ and host_vars/ of one base directory, for the given group and host names. */
export async function loadVarsDir(base: string, groupNames: Iterable<string>, hostNames: Iterable<string>, secrets?: SecretInputs): Promise<VarsDir> {
  const groups = await loadAll(join(base, 'group_vars'), groupNames, secrets);
  const hosts = await loadAll(join(base, 'host_vars'), hostNames, secrets);
  return { dir: base, groupVars: groups.vars, hostVars: hosts.vars, groupVarsAt: groups.at, hostVarsAt: hosts.at };
}
