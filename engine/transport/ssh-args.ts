// The subset of OpenSSH command-line arguments tsplay acts on, read from ansible_ssh_common_args /
// ansible_ssh_extra_args: -o Key=Value, -J, -p, -i, -l, -F. Other flags are listed as ignored.
import { splitShellWords } from '../shell-words.js';
import { proxyCommandToJump } from './proxy-jump.js';

export interface SshArgs {
  /** -o options by lower-case key; the first value wins, as in ssh */
  options: Record<string, string>;
  /** each option as it was written (Key=Value), by lower-case key */
  written: Record<string, string>;
  identityFiles: string[];
  configFile?: string;
  /** -W host:port (only meaningful inside a ProxyCommand) */
  forward?: string;
  /** words that are not options: a destination, a command */
  positional: string[];
  ignored: string[];
}

const FLAGS_WITH_VALUE = new Set('bcDEeILmOQRSWwB'.split(''));

export function parseSshArgs(input: string | string[]): SshArgs {
  const words = Array.isArray(input) ? input : splitShellWords(input);
  const out: SshArgs = { options: {}, written: {}, identityFiles: [], positional: [], ignored: [] };
  const set = (key: string, value: string) => {
    const k = key.toLowerCase();
    if (!(k in out.options)) {
      out.options[k] = value;
      out.written[k] = `${key}=${value}`;
    }
  };
  const setOption = (kv: string) => {
    const m = /^\s*([A-Za-z]+)\s*(?:=|\s)\s*(.*)$/s.exec(kv);
    if (!m) throw new Error(`bad ssh option "-o ${kv}" (expected -o Key=Value)`);
    set(m[1], m[2].trim());
  };
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    const m = /^-([A-Za-z0-9])(.*)$/s.exec(w);
    if (!m) {
      out.positional.push(w);
      continue;
    }
    const [, flag, attached] = m;
    const takesValue = 'oJpilF'.includes(flag) || FLAGS_WITH_VALUE.has(flag);
    if (!takesValue) {
      out.ignored.push(w); // -C, -q, -v, -A, -T, -4 ... have no effect on an ssh2 connection
      continue;
    }
    let value = attached;
    if (!value) {
      if (i + 1 >= words.length) throw new Error(`ssh argument ${w} needs a value`);
      value = words[++i];
    }
    switch (flag) {
      case 'o': setOption(value); break;
      case 'J': set('ProxyJump', value); break;
      case 'p': set('Port', value); break;
      case 'l': set('User', value); break;
      case 'i': out.identityFiles.push(value); break;
      case 'F': out.configFile ??= value; break;
      case 'W': out.forward = value; break;
      default: out.ignored.push(`-${flag} ${value}`);
    }
  }
  return out;
}

/**
 * The -o options an ssh2 connection acts on, by lower-case key (ssh-options.ts reads them);
 * ProxyCommand only in the `ssh -W %h:%p bastion` shape, which is a jump host.
 */
export const SSH_OPTIONS_ACTED_ON = ['ConnectTimeout', 'ServerAliveInterval', 'ServerAliveCountMax', 'StrictHostKeyChecking', 'UserKnownHostsFile', 'IdentityFile', 'Port', 'User', 'ProxyJump', 'ProxyCommand'];

/**
 * OpenSSH's performance options: a multiplexed master connection kept open between commands
 * (ControlMaster/ControlPersist/ControlPath), compression (-C). tsplay already keeps one
 * connection per host for the whole run and runs every command of that host over it, which is
 * what ControlPersist buys OpenSSH, so these are accepted and change nothing.
 */
export const SSH_PERFORMANCE_OPTIONS = ['ControlMaster', 'ControlPersist', 'ControlPath'];

/**
 * ssh arguments given for every host (ansible.cfg's ssh_args, ANSIBLE_SSH_ARGS): what tsplay
 * cannot act on, said in one sentence, or undefined when it can act on everything. A setting
 * that would be ignored is refused: a person who wrote it expects its effect.
 */
export function checkSshArgs(value: string): string | undefined {
  let args: SshArgs;
  try {
    args = parseSshArgs(value);
  } catch (e) {
    return (e as Error).message;
  }
  const acted = new Map([...SSH_OPTIONS_ACTED_ON, ...SSH_PERFORMANCE_OPTIONS].map((k) => [k.toLowerCase(), k]));
  const bad = [
    ...args.ignored.filter((w) => w !== '-C'),
    ...args.positional,
    ...(args.forward !== undefined ? [`-W ${args.forward}`] : []),
    ...Object.keys(args.options).filter((k) => !acted.has(k)).map((k) => `-o ${args.written[k]}`),
  ];
  if (bad.length) {
    return `${bad.join(', ')}: tsplay's SSH connection (ssh2, not the OpenSSH client) cannot act on ${bad.length > 1 ? 'these' : 'this'}; ssh arguments may hold -o ${SSH_OPTIONS_ACTED_ON.join(', ')} (as "ssh -W %h:%p bastion"), -J, -p, -i, -l, -F (${SSH_PERFORMANCE_OPTIONS.join(', ')} and -C are accepted: one connection per host is kept for the whole run)`;
  }
  if (args.options.proxycommand !== undefined && args.options.proxyjump === undefined) {
    try {
      proxyCommandToJump(args.options.proxycommand);
    } catch (e) {
      return (e as Error).message;
    }
  }
  return undefined;
}
