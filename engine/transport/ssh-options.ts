// How to reach one host over SSH, from its inventory variables (Ansible's names), the ssh arguments
// in ansible_ssh_common_args / ansible_ssh_extra_args, and ~/.ssh/config.
// Precedence: inventory variables, then ssh arguments, then ssh config, then defaults.
import { homedir, userInfo } from 'node:os';
import { InputError } from '../errors.js';
import { ansibleBoolean } from '../ansible-bool.js';
import { checkSshArgs, parseSshArgs, type SshArgs } from './ssh-args.js';
import { sshConfigFor, expandHome, type SshConfigHost } from './ssh-config.js';
import { parseProxyJump, proxyCommandToJump, type JumpSpec } from './proxy-jump.js';

export interface SshEndpoint {
  /** address or DNS name to connect to (also the name looked up in known_hosts) */
  hostname: string;
  port: number;
  user: string;
  /** explicit private key files; empty means agent and the default ~/.ssh/id_* keys */
  identityFiles: string[];
}

export interface SshOptions extends SshEndpoint {
  /** inventory name, for messages */
  host: string;
  password?: string;
  /** ssh-agent socket (SSH_AUTH_SOCK) */
  agent?: string;
  /** jump hosts in connection order (first is reached directly) */
  jumps: SshEndpoint[];
  knownHostsFiles: string[];
  hostKeyChecking: boolean;
  connectTimeoutMs: number;
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
  /** default key files tried when identityFiles is empty */
  defaultIdentityFiles: string[];
  /** ssh arguments given but with no effect on an ssh2 connection */
  ignoredArgs: string[];
}

export interface SshOptionsContext {
  env?: Record<string, string | undefined>;
  home?: string;
  /** ~/.ssh/config unless -F or this says otherwise */
  sshConfigFile?: string;
  currentUser?: string;
}

type Vars = Record<string, unknown>;

/** every variable sshOptionsFromVars reads: a transport built from these alone is the same */
export const SSH_VARS = [
  'ansible_host', 'ansible_ssh_host', 'ansible_port', 'ansible_ssh_port', 'ansible_user', 'ansible_ssh_user', 'ansible_remote_user',
  'ansible_ssh_private_key_file', 'ansible_private_key_file', 'ansible_password', 'ansible_ssh_pass', 'ansible_ssh_password',
  'ansible_ssh_args', 'ansible_ssh_common_args', 'ansible_ssh_extra_args', 'ansible_ssh_known_hosts_file', 'ansible_host_key_checking',
  'ansible_ssh_timeout', 'ansible_timeout',
] as const;

/** the variables that name the user to log in as (Ansible: any of them wins over remote_user) */
export const USER_VARS = ['ansible_user', 'ansible_ssh_user', 'ansible_remote_user'] as const;

function firstVar(vars: Vars, names: string[]): { name: string; value: unknown } | undefined {
  for (const name of names) if (vars[name] !== undefined && vars[name] !== null) return { name, value: vars[name] };
  return undefined;
}

function str(vars: Vars, names: string[], host: string): string | undefined {
  const v = firstVar(vars, names);
  if (!v) return undefined;
  if (typeof v.value !== 'string' && typeof v.value !== 'number') {
    throw new InputError(`${v.name} for host ${host} must be a string, got ${JSON.stringify(v.value)}`, { host });
  }
  return String(v.value);
}

function port(value: string | undefined, what: string, host: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || n < 1 || n > 65535) {
    throw new InputError(`${what} for host ${host} must be a port number 1-65535, got "${value}"`, { host });
  }
  return n;
}

function seconds(value: string | undefined, what: string, host: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\s*\d+(\.\d+)?\s*$/.test(value)) throw new InputError(`${what} for host ${host} must be a number of seconds, got "${value}"`, { host });
  return n;
}

function argsFrom(vars: Vars, host: string): SshArgs {
  const parts: string[] = [];
  for (const name of ['ansible_ssh_args', 'ansible_ssh_common_args', 'ansible_ssh_extra_args']) {
    const v = vars[name];
    if (v === undefined || v === null || v === '') continue;
    if (typeof v !== 'string') throw new InputError(`${name} for host ${host} must be a string`, { host });
    // an option the connection would not act on is refused, never ignored: whoever wrote it expects its effect
    const bad = checkSshArgs(v);
    if (bad) throw new InputError(`${name}: ${bad}`, { host });
    parts.push(v);
  }
  try {
    return parseSshArgs(parts.join(' '));
  } catch (e) {
    throw new InputError(`ssh arguments for host ${host}: ${(e as Error).message}`, { host });
  }
}

function jumpsFrom(spec: { jump?: string; command?: string }, host: string): JumpSpec[] {
  try {
    if (spec.jump !== undefined) return parseProxyJump(spec.jump);
    if (spec.command !== undefined) return proxyCommandToJump(spec.command);
    return [];
  } catch (e) {
    throw new InputError(`host ${host}: ${(e as Error).message}`, { host });
  }
}

export function sshOptionsFromVars(host: string, vars: Vars, ctx: SshOptionsContext = {}): SshOptions {
  const env = ctx.env ?? process.env;
  const home = ctx.home ?? homedir();
  const currentUser = ctx.currentUser ?? userInfo().username;
  const args = argsFrom(vars, host);
  const o = args.options;
  const configFile = expandHome(args.configFile ?? ctx.sshConfigFile ?? `${home}/.ssh/config`, home);
  const lookup = (name: string): SshConfigHost => {
    try {
      return sshConfigFor(name, configFile, home);
    } catch (e) {
      throw new InputError((e as Error).message, { host, file: configFile });
    }
  };

  // Ansible runs `ssh ansible_host`, so ssh config is looked up by ansible_host (or the inventory name).
  const target = str(vars, ['ansible_host', 'ansible_ssh_host'], host) ?? host;
  const cfg = lookup(target);
  const hostname = o.hostname ?? cfg.hostname ?? target;
  const portNum =
    port(str(vars, ['ansible_port', 'ansible_ssh_port'], host), 'ansible_port', host) ??
    port(o.port, 'ssh -p / -o Port', host) ??
    port(cfg.port, `Port in ${configFile}`, host) ??
    22;
  const user = str(vars, [...USER_VARS], host) ?? o.user ?? cfg.user ?? currentUser;
  const keyVar = str(vars, ['ansible_ssh_private_key_file', 'ansible_private_key_file'], host);
  const identityFiles = [...(keyVar ? [keyVar] : []), ...args.identityFiles, ...(o.identityfile ? [o.identityfile] : []), ...cfg.identityFiles]
    .map((p) => expandHome(p, home));
  const password = str(vars, ['ansible_password', 'ansible_ssh_pass', 'ansible_ssh_password'], host);

  const jumpSpecs = jumpsFrom(
    o.proxyjump !== undefined || o.proxycommand !== undefined
      ? { jump: o.proxyjump, command: o.proxyjump === undefined ? o.proxycommand : undefined }
      : { jump: cfg.proxyJump, command: cfg.proxyJump === undefined ? cfg.proxyCommand : undefined },
    host,
  );
  const jumps: SshEndpoint[] = jumpSpecs.map((j) => {
    const jc = lookup(j.host);
    return {
      hostname: jc.hostname ?? j.host,
      port: j.port ?? port(jc.port, `Port for ${j.host} in ${configFile}`, host) ?? 22,
      user: j.user ?? jc.user ?? currentUser,
      // A bastion uses its own keys if it names any, else the target's.
      identityFiles: (j.identityFiles.length ? j.identityFiles : jc.identityFiles.length ? jc.identityFiles : identityFiles).map((p) =>
        expandHome(p, home),
      ),
    };
  });

  const pinned = firstVar(vars, ['ansible_ssh_known_hosts_file'])?.value;
  const pinnedFiles = pinned === undefined ? [] : Array.isArray(pinned) ? pinned.map(String) : [String(pinned)];
  const knownHostsFiles = [
    ...pinnedFiles,
    ...(o.userknownhostsfile ? o.userknownhostsfile.split(/\s+/) : []),
    ...cfg.userKnownHostsFiles,
    `${home}/.ssh/known_hosts`,
    '/etc/ssh/ssh_known_hosts',
  ]
    .filter((f) => f && f !== '/dev/null')
    .map((p) => expandHome(p, home));

  const strict = (o.stricthostkeychecking ?? cfg.strictHostKeyChecking)?.toLowerCase();
  // accept-new would write an unknown key to known_hosts and trust it: we never accept silently, so it counts as "yes".
  // the variable wins over the environment (ANSIBLE_HOST_KEY_CHECKING, or ansible.cfg's
  // host_key_checking, which `tsplay run` hands down as the variable's default), as in Ansible
  const hostKeyChecking =
    (ansibleBoolean(vars.ansible_host_key_checking) ?? ansibleBoolean(env.ANSIBLE_HOST_KEY_CHECKING)) !== false &&
    strict !== 'no' &&
    strict !== 'off';

  const timeout =
    seconds(str(vars, ['ansible_ssh_timeout', 'ansible_timeout'], host), 'ansible_ssh_timeout', host) ??
    seconds(o.connecttimeout ?? cfg.connectTimeout, 'ConnectTimeout', host) ??
    10;
  const alive = seconds(o.serveraliveinterval ?? cfg.serverAliveInterval, 'ServerAliveInterval', host) ?? 15;
  const aliveMax = seconds(o.serveralivecountmax ?? cfg.serverAliveCountMax, 'ServerAliveCountMax', host) ?? 3;

  const known = new Set(['hostname', 'port', 'user', 'identityfile', 'proxyjump', 'proxycommand', 'userknownhostsfile', 'stricthostkeychecking',
    'connecttimeout', 'serveraliveinterval', 'serveralivecountmax']);
  const ignoredArgs = [...args.ignored, ...args.positional, ...Object.entries(o).filter(([k]) => !known.has(k)).map(([k, v]) => `-o ${k}=${v}`)];

  return {
    host,
    hostname,
    port: portNum,
    user,
    identityFiles,
    password,
    agent: env.SSH_AUTH_SOCK || undefined,
    jumps,
    knownHostsFiles: [...new Set(knownHostsFiles)],
    hostKeyChecking,
    connectTimeoutMs: Math.round(timeout * 1000),
    keepaliveIntervalMs: Math.round(alive * 1000),
    keepaliveCountMax: aliveMax,
    defaultIdentityFiles: ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((k) => `${home}/.ssh/${k}`),
    ignoredArgs,
  };
}
