// loadInventory: reads each -i source in order (a file, a directory of files, inventories/NAME for
// a NAME that is no path here (source-path.ts), or a comma-separated host list such as
// "web1,web2,"), then the group_vars/ and host_vars/ beside them, and for a run those beside the
// playbook (as Ansible: they override the inventory's, level by level).
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, extname, join, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { InventoryBuilder } from './builder.js';
import { findInventorySource, inventoryCandidates } from './source-path.js';
import { splitPort } from './host-range.js';
import { parseIniInventory } from './ini-parser.js';
import { Inventory, LOCALHOST_NAMES } from './inventory.js';
import type { VarsDir } from './types.js';
import { loadVarsDir } from './vars-files.js';
import { parseYamlInventory } from './yaml-parser.js';
import { parseYamlInput, type LoadedYaml } from '../yaml/source.js';
import type { SecretInputs } from '../secrets/inputs.js';
import { isVaulted } from '../vault/keys.js';
import { utf8Text } from '../utf8.js';
import { isInventoryScript, loadInventoryScript } from './script.js';

// Ansible's directory rules: hidden files, group_vars/host_vars and these endings are skipped.
// site/ holds a site's role and module extensions beside its inventory (README, "Site customization").
const IGNORED_NAMES = /^(?:\.|host_vars$|group_vars$|vars_plugins$|site$)/;
const IGNORED_ENDINGS = ['.orig', '.cfg', '.retry', '.pyc', '.pyo', '.swp', '.bak', '~', '.rpm', '.md', '.txt', '.rst'];
const YAML_EXTENSIONS = ['.yml', '.yaml', '.json'];

async function statOrUndefined(path: string) {
  try {
    return await stat(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * An executable script is run (script.ts). Otherwise the format is chosen by extension; without one, a file that reads as a YAML mapping is YAML, else
 * INI. Secrets go in vaulted group_vars/host_vars files or inline `!vault` values (YAML), which are
 * decrypted as they are read; the hosts and groups themselves are not secret.
 */
async function loadFile(file: string, inv: InventoryBuilder, secrets?: SecretInputs): Promise<void> {
  inv.currentFile = file;
  // an executable program is a dynamic inventory: it is run, not read (script.ts)
  if (await isInventoryScript(file)) return loadInventoryScript(file, inv);
  const text = utf8Text(await readFile(file), file);
  const ext = extname(file).toLowerCase();
  if (isVaulted(text)) {
    throw new InputError('an inventory file cannot be vault-encrypted (its host and group names would all be secrets): keep the secrets in a vault-encrypted group_vars/host_vars file or in !vault values', { file, line: 1, col: 1 });
  }
  if (YAML_EXTENSIONS.includes(ext)) {
    parseYamlInventory(await parseYamlInput(text, file, undefined, secrets), inv);
    return;
  }
  const yaml = ext === '.ini' ? undefined : await asYamlMapping(file, text, secrets);
  if (yaml) parseYamlInventory(yaml, inv);
  else parseIniInventory(text, file, inv);
}

/** the file as YAML when it reads as a mapping; else (an INI file) undefined */
async function asYamlMapping(file: string, text: string, secrets?: SecretInputs): Promise<LoadedYaml | undefined> {
  let loaded: LoadedYaml;
  try {
    loaded = await parseYamlInput(text, file, undefined, secrets);
  } catch (e) {
    // a mapping that breaks a rule every YAML input keeps (a key written twice), or whose !vault
    // value cannot be decrypted, is YAML, and wrong
    if (e instanceof InputError && /^duplicate key |!vault value|HMAC mismatch|Ansible Vault/.test(e.message)) throw e;
    return undefined;
  }
  const v = loaded.data;
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? loaded : undefined;
}

async function loadDirectory(dir: string, inv: InventoryBuilder, secrets?: SecretInputs): Promise<void> {
  const names = (await readdir(dir)).sort();
  for (const name of names) {
    if (IGNORED_NAMES.test(name) || IGNORED_ENDINGS.some((e) => name.endsWith(e))) continue;
    const full = join(dir, name);
    const st = await stat(full);
    if (st.isDirectory()) await loadDirectory(full, inv, secrets);
    else if (st.isFile()) await loadFile(full, inv, secrets);
  }
}

function loadHostList(list: string, inv: InventoryBuilder): void {
  inv.currentFile = '';
  for (const item of list.split(',')) {
    const entry = item.trim();
    if (!entry) continue;
    const { name, port } = splitPort(entry);
    inv.addHost(name, 'ungrouped', {});
    if (port !== undefined) inv.setHostVar(name, 'ansible_port', port, {});
  }
}

/**
 * Loads and merges inventory sources in order. Bad input throws an InputError naming file:line:col.
 * `playbook`: a NAME is also looked for as inventories/NAME in that playbook's project, and the
 * group_vars/ and host_vars/ beside the playbook are read after the inventory's.
 */
export async function loadInventory(sources: string[], secrets?: SecretInputs, opts: { playbook?: string } = {}): Promise<Inventory> {
  const inv = new InventoryBuilder();
  const bases: string[] = [];
  const found: string[] = [];
  for (const given of sources) {
    const source = findInventorySource(given, opts) ?? given;
    found.push(source);
    const st = await statOrUndefined(source);
    if (!st) {
      if (source.includes(',')) {
        loadHostList(source, inv);
        continue;
      }
      const tried = inventoryCandidates(given, opts);
      throw new InputError(`inventory source not found: ${given}${tried.length > 1 ? ` (looked for ${tried.join(', ')})` : ''}`, { file: given });
    }
    const path = resolve(source);
    try {
      if (st.isDirectory()) await loadDirectory(path, inv, secrets);
      else await loadFile(path, inv, secrets);
    } catch (e) {
      // `-i lab` in a checkout whose lab/ holds code, not hosts: say which one was read
      const other = source === given ? inventoryCandidates(given, opts).slice(1).find((p) => existsSync(p)) : undefined;
      if (e instanceof InputError && other) e.message += ` (-i ${given} read ./${given}; for ${other} write -i ${other})`;
      throw e;
    }
    bases.push(st.isDirectory() ? path : dirname(path));
  }
  inv.reconcile();
  if (opts.playbook) {
    const playbookDir = dirname(resolve(opts.playbook));
    if (!bases.includes(playbookDir)) bases.push(playbookDir);
  }
  const varsDirs: VarsDir[] = [];
  for (const base of bases) varsDirs.push(await loadVarsDir(base, inv.groups.keys(), new Set([...inv.hosts.keys(), ...LOCALHOST_NAMES]), secrets));
  return new Inventory({ groups: inv.groups, hosts: inv.hosts, varsDirs, sources: found, warnings: inv.warnings });
}
