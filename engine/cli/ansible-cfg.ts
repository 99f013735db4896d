// ansible.cfg, read as ansible-playbook finds it: ANSIBLE_CONFIG, else ./ansible.cfg (not from a
// world-writable directory, where anyone could have put it), else ~/.ansible.cfg; the first
// found is the only one read. The settings tsplay has a meaning for (SETTINGS) come from the
// command line, else their ANSIBLE_* environment variable, else the file, else tsplay's default,
// as in Ansible; any other key of the file gets one warning listing them, never silence.
import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { ansibleBoolean } from '../ansible-bool.js';
import { MAX_FORKS } from './numbers.js';
import { checkSshArgs } from '../transport/ssh-args.js';

/** the values of the settings, whichever place they came from */
export interface SettingValues {
  inventory?: string[];
  remoteUser?: string;
  forks?: number;
  become?: boolean;
  becomeUser?: string;
  becomeMethod?: string;
  rolesPath?: string[];
  vaultPasswordFile?: string;
  hostKeyChecking?: boolean;
  sshArgs?: string;
  askPass?: boolean;
  becomeAskPass?: boolean;
}

export interface Setting {
  /** Ansible's name of the setting, as ansible-config prints it */
  name: string;
  key: keyof SettingValues;
  /** where ansible.cfg holds it: [section] key (the first one found wins) */
  ini: [section: string, key: string][];
  env: string;
  /** tsplay's value when nothing sets it (undefined: none) */
  default?: unknown;
}

export const SETTINGS: readonly Setting[] = [
  { name: 'DEFAULT_HOST_LIST', key: 'inventory', ini: [['defaults', 'inventory']], env: 'ANSIBLE_INVENTORY' },
  { name: 'DEFAULT_ASK_PASS', key: 'askPass', ini: [['defaults', 'ask_pass']], env: 'ANSIBLE_ASK_PASS', default: false },
  { name: 'DEFAULT_REMOTE_USER', key: 'remoteUser', ini: [['defaults', 'remote_user']], env: 'ANSIBLE_REMOTE_USER' },
  { name: 'DEFAULT_FORKS', key: 'forks', ini: [['defaults', 'forks']], env: 'ANSIBLE_FORKS', default: 25 },
  { name: 'DEFAULT_BECOME', key: 'become', ini: [['privilege_escalation', 'become'], ['defaults', 'become']], env: 'ANSIBLE_BECOME', default: false },
  { name: 'DEFAULT_BECOME_USER', key: 'becomeUser', ini: [['privilege_escalation', 'become_user'], ['defaults', 'become_user']], env: 'ANSIBLE_BECOME_USER', default: 'root' },
  { name: 'DEFAULT_BECOME_ASK_PASS', key: 'becomeAskPass', ini: [['privilege_escalation', 'become_ask_pass'], ['defaults', 'become_ask_pass']], env: 'ANSIBLE_BECOME_ASK_PASS', default: false },
  { name: 'DEFAULT_BECOME_METHOD', key: 'becomeMethod', ini: [['privilege_escalation', 'become_method'], ['defaults', 'become_method']], env: 'ANSIBLE_BECOME_METHOD', default: 'sudo' },
  { name: 'DEFAULT_ROLES_PATH', key: 'rolesPath', ini: [['defaults', 'roles_path']], env: 'ANSIBLE_ROLES_PATH' },
  { name: 'DEFAULT_VAULT_PASSWORD_FILE', key: 'vaultPasswordFile', ini: [['defaults', 'vault_password_file']], env: 'ANSIBLE_VAULT_PASSWORD_FILE' },
  { name: 'HOST_KEY_CHECKING', key: 'hostKeyChecking', ini: [['defaults', 'host_key_checking']], env: 'ANSIBLE_HOST_KEY_CHECKING', default: true },
  { name: 'ANSIBLE_SSH_ARGS', key: 'sshArgs', ini: [['ssh_connection', 'ssh_args']], env: 'ANSIBLE_SSH_ARGS' },
];

export interface AnsibleCfg extends SettingValues {
  file: string;
  /** the line each setting was read from */
  lines: Partial<Record<keyof SettingValues, number>>;
  unknown: string[];
}

/** the settings as resolved from the environment and the file: each value and where it came from */
export interface ResolvedSettings {
  values: SettingValues;
  /** `env: ANSIBLE_FORKS`, `/path/ansible.cfg:3`; absent: tsplay's default */
  origins: Partial<Record<keyof SettingValues, string>>;
  cfg?: AnsibleCfg;
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

const BY_INI = new Map(SETTINGS.flatMap((s) => s.ini.map(([section, key]) => [`[${section}] ${key}`, s] as const)));

/**
 * One setting's text turned into its value; `path` resolves a path written in it, `where` names
 * the place for an error (`file:line: key`, or the environment variable).
 */
function settingValue(s: Setting, value: string, where: string, path: (p: string) => string): SettingValues[keyof SettingValues] {
  const bool = () => {
    const b = ansibleBoolean(value);
    if (b === undefined) throw new UsageError(`${where} = ${JSON.stringify(value)} is not a boolean (true/false, yes/no, 1/0)`);
    return b;
  };
  switch (s.key) {
    case 'inventory':
      return inventorySources(value, path);
    case 'forks': {
      const n = /^\d+$/.test(value) ? Number(value) : NaN;
      if (!(n >= 1 && n <= MAX_FORKS)) throw new UsageError(`${where} = ${JSON.stringify(value)} must be a whole number from 1 to ${MAX_FORKS}`);
      return n;
    }
    case 'become':
    case 'hostKeyChecking':
    case 'askPass':
    case 'becomeAskPass':
      return bool();
    case 'rolesPath':
      return value.split(':').filter(Boolean).map(path);
    case 'vaultPasswordFile':
      return path(value);
    case 'sshArgs': {
      const bad = checkSshArgs(value);
      if (bad) throw new UsageError(`${where}: ${bad}`);
      return value;
    }
    default:
      return value;
  }
}

/** the INI text: sections of key = value (or key: value), `#`/`;` comments, ` ;` comments after a value */
export function parseAnsibleCfg(text: string, file: string): AnsibleCfg {
  const cfg: AnsibleCfg = { file, lines: {}, unknown: [] };
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
    const s = BY_INI.get(`[${section}] ${key}`);
    if (!s) {
      cfg.unknown.push(`[${section}] ${key}`);
      continue;
    }
    // [privilege_escalation] is where Ansible reads become…: it wins over a [defaults] one
    if (cfg.lines[s.key] !== undefined && section === 'defaults' && s.ini[0][0] !== 'defaults') continue;
    (cfg as unknown as Record<string, unknown>)[s.key] = settingValue(s, value, `${file}:${i + 1}: ${key}`, path);
    cfg.lines[s.key] = i + 1;
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
  if (cfg.unknown.length) {
    const known = [...BY_INI.keys()].map((k) => k.replace(/^\[(defaults|privilege_escalation)\] /, '')).filter((k, i, a) => a.indexOf(k) === i);
    warn(`${file}: tsplay does not use ${cfg.unknown.join(', ')} (it reads ${known.join(', ')})`);
  }
  return cfg;
}

/**
 * Each setting from its ANSIBLE_* variable, else from the file; an empty variable counts as
 * unset. Paths in a variable are relative to the current directory.
 */
export function resolveSettings(env: NodeJS.ProcessEnv, cwd: string, cfg: AnsibleCfg | undefined): ResolvedSettings {
  const values: SettingValues = {};
  const origins: ResolvedSettings['origins'] = {};
  const put = (k: keyof SettingValues, v: unknown, origin: string) => {
    (values as Record<string, unknown>)[k] = v;
    origins[k] = origin;
  };
  for (const s of SETTINGS) {
    const fromEnv = env[s.env];
    if (fromEnv !== undefined && fromEnv.trim() !== '') {
      put(s.key, settingValue(s, fromEnv.trim(), s.env, (p) => (p.startsWith('~/') ? join(homedir(), p.slice(2)) : resolve(cwd, p))), `env: ${s.env}`);
    } else if (cfg && cfg[s.key] !== undefined) {
      put(s.key, cfg[s.key], `${cfg.file}:${cfg.lines[s.key]}`);
    }
  }
  return { values, origins, cfg };
}

/** `ansible-config dump`: every setting, its value and where it came from */
export function dumpSettings(r: ResolvedSettings, onlyChanged = false): string {
  const lines: string[] = [];
  if (!onlyChanged) lines.push(`CONFIG_FILE() = ${r.cfg?.file ?? 'None'}`);
  for (const s of SETTINGS) {
    const origin = r.origins[s.key];
    if (onlyChanged && origin === undefined) continue;
    const v = origin !== undefined ? r.values[s.key] : s.default;
    lines.push(`${s.name}(${origin ?? 'default'}) = ${show(v)}`);
  }
  return lines.join('\n') + '\n';
}

/** a value as ansible-config prints it: Python's repr for lists and booleans, None for nothing */
function show(v: unknown): string {
  if (v === undefined || v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (Array.isArray(v)) return `[${v.map((x) => `'${String(x)}'`).join(', ')}]`;
  return String(v);
}

/** the settings of this process (its environment, the ansible.cfg it finds), warnings on stderr */
export function currentSettings(): ResolvedSettings {
  const cfg = readAnsibleCfg(process.env, process.cwd(), (msg) => process.stderr.write(`[WARNING]: ${msg}\n`));
  return resolveSettings(process.env, process.cwd(), cfg);
}

/** the connection variables the settings stand for, as defaults below a host's own (remote_user, ssh_args, host_key_checking) */
export function connectionDefaults(v: SettingValues): Record<string, unknown> {
  return {
    ...(v.remoteUser !== undefined ? { ansible_user: v.remoteUser } : {}),
    ...(v.sshArgs !== undefined ? { ansible_ssh_args: v.sshArgs } : {}),
    ...(v.hostKeyChecking !== undefined ? { ansible_host_key_checking: v.hostKeyChecking } : {}),
  };
}
