// ansible.cfg, read as ansible-playbook finds it: ANSIBLE_CONFIG, else ./ansible.cfg (not from a
// world-writable directory, where anyone could have put it), else ~/.ansible.cfg; the first
// found is the only one read. The keys tsplay has a meaning for become defaults of the run
// (below the command line's flags); any other key gets one warning listing them, never silence.
import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { ansibleBoolean } from '../ansible-bool.js';
import { MAX_FORKS } from './numbers.js';

export interface AnsibleCfg {
  file: string;
  inventory?: string[];
  remoteUser?: string;
  forks?: number;
  become?: boolean;
  becomeUser?: string;
  becomeMethod?: string;
  rolesPath?: string[];
  vaultPasswordFile?: string;
  /** host_key_checking = False: tsplay verifies host keys all the same */
  hostKeyCheckingOff?: boolean;
  unknown: string[];
}

/** the file ansible-playbook would read, or undefined; a skipped ./ansible.cfg is told to `warn` */
export function findAnsibleCfg(env: NodeJS.ProcessEnv, cwd: string, warn: (msg: string) => void, home = homedir()): string | undefined {
  if (env.ANSIBLE_CONFIG) {
    const p = resolve(cwd, env.ANSIBLE_CONFIG);
    let isDir = false;
    try {
      isDir = statSync(p).isDirectory();
    } catch (e) {
      throw new UsageError(`ANSIBLE_CONFIG names ${p}, which cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    return isDir ? join(p, 'ansible.cfg') : p;
  }
  const here = join(cwd, 'ansible.cfg');
  if (exists(here)) {
    if (statSync(cwd).mode & 0o002) warn(`tsplay is being run in a world writable directory (${cwd}), ignoring it as an ansible.cfg source`);
    else return here;
  }
  const mine = join(home, '.ansible.cfg');
  return exists(mine) ? mine : undefined;
}

function exists(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

const KNOWN: Record<string, string[]> = {
  defaults: ['inventory', 'remote_user', 'forks', 'become', 'become_user', 'become_method', 'roles_path', 'host_key_checking', 'vault_password_file'],
  privilege_escalation: ['become', 'become_user', 'become_method'],
};

/** the INI text: sections of key = value (or key: value), `#`/`;` comments, ` ;` comments after a value */
export function parseAnsibleCfg(text: string, file: string): AnsibleCfg {
  const cfg: AnsibleCfg = { file, unknown: [] };
  const base = dirname(file);
  // a path in ansible.cfg is relative to the file, as in Ansible
  const path = (v: string) => (isAbsolute(v) ? v : v.startsWith('~/') ? join(homedir(), v.slice(2)) : resolve(base, v));
  let section = '';
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const head = /^\[([^\]]+)\]$/.exec(line);
    if (head) {
      section = head[1].trim();
      continue;
    }
    const kv = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(line);
    if (!kv || !section) throw new UsageError(`${file}:${i + 1}: not a "key = value" line of a [section]: ${JSON.stringify(raw)}`);
    const key = kv[1].trim();
    const value = kv[2].replace(/\s;.*$/, '').trim();
    if (!KNOWN[section]?.includes(key)) {
      cfg.unknown.push(`[${section}] ${key}`);
      continue;
    }
    const bool = () => {
      const b = ansibleBoolean(value);
      if (b === undefined) throw new UsageError(`${file}:${i + 1}: ${key} = ${JSON.stringify(value)} is not a boolean (true/false, yes/no, 1/0)`);
      return b;
    };
    switch (key) {
      case 'inventory':
        cfg.inventory = inventorySources(value, path);
        break;
      case 'remote_user':
        cfg.remoteUser = value;
        break;
      case 'forks': {
        const n = /^\d+$/.test(value) ? Number(value) : NaN;
        if (!(n >= 1 && n <= MAX_FORKS)) throw new UsageError(`${file}:${i + 1}: forks = ${JSON.stringify(value)} must be a whole number from 1 to ${MAX_FORKS}`);
        cfg.forks = n;
        break;
      }
      case 'become':
        cfg.become = bool();
        break;
      case 'become_user':
        cfg.becomeUser = value;
        break;
      case 'become_method':
        cfg.becomeMethod = value;
        break;
      case 'roles_path':
        cfg.rolesPath = value.split(':').filter(Boolean).map(path);
        break;
      case 'host_key_checking':
        cfg.hostKeyCheckingOff = !bool();
        break;
      case 'vault_password_file':
        cfg.vaultPasswordFile = path(value);
        break;
    }
  }
  return cfg;
}

/**
 * Ansible's comma-separated inventory sources; a value whose parts are not all paths is one
 * source as -i takes it (a host list such as `web1,web2,` or `localhost,`)
 */
export function inventorySources(value: string, path: (p: string) => string = (p) => p): string[] {
  const parts = value.split(',').map((s) => s.trim()).filter(Boolean);
  return parts.length && parts.every((p) => exists(path(p)) || isDirectory(path(p))) ? parts.map(path) : [value.trim()];
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export function readAnsibleCfg(env: NodeJS.ProcessEnv, cwd: string, warn: (msg: string) => void): AnsibleCfg | undefined {
  const file = findAnsibleCfg(env, cwd, warn);
  if (!file) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const cfg = parseAnsibleCfg(text, file);
  if (cfg.unknown.length) warn(`${file}: tsplay does not use ${cfg.unknown.join(', ')} (it reads inventory, remote_user, forks, become, become_user, become_method, roles_path, host_key_checking, vault_password_file)`);
  if (cfg.hostKeyCheckingOff) warn(`${file}: host_key_checking = False is not followed: tsplay always verifies host keys (known_hosts, or ansible_ssh_known_hosts_file)`);
  return cfg;
}
