// Jump hosts: ProxyJump specs ("user@bastion:2222,other") and the one ProxyCommand shape that is a
// jump in disguise ("ssh -W %h:%p [-p N] [-l u] [-i key] [user@]bastion").
import { splitShellWords } from '../shell-words.js';
import { parseSshArgs } from './ssh-args.js';

export interface JumpSpec {
  host: string;
  port?: number;
  user?: string;
  identityFiles: string[];
}

function parsePort(s: string, spec: string): number {
  const n = Number(s);
  if (!/^\d+$/.test(s) || n < 1 || n > 65535) throw new Error(`bad port "${s}" in jump host "${spec}"`);
  return n;
}

/** One hop: [user@]host[:port], [user@][v6addr]:port or ssh://[user@]host[:port]. */
export function parseJumpHop(spec: string): JumpSpec {
  let s = spec.trim().replace(/^ssh:\/\//, '').replace(/\/$/, '');
  let user: string | undefined;
  const at = s.lastIndexOf('@');
  if (at >= 0) {
    user = s.slice(0, at);
    s = s.slice(at + 1);
  }
  let host = s;
  let port: number | undefined;
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (v6) {
    host = v6[1];
    if (v6[2]) port = parsePort(v6[2], spec);
  } else if (s.includes(':')) {
    const i = s.lastIndexOf(':');
    host = s.slice(0, i);
    port = parsePort(s.slice(i + 1), spec);
  }
  if (!host || /\s/.test(host) || (user !== undefined && !user)) throw new Error(`bad jump host "${spec}"`);
  return { host, port, user, identityFiles: [] };
}

/** ProxyJump value -> hops in connection order; "none" -> no hops. */
export function parseProxyJump(value: string): JumpSpec[] {
  if (value.trim().toLowerCase() === 'none') return [];
  return value.split(',').map(parseJumpHop);
}

/** A ProxyCommand of the form `ssh ... -W %h:%p host` as one hop; anything else is refused. */
export function proxyCommandToJump(command: string): JumpSpec[] {
  if (command.trim().toLowerCase() === 'none') return [];
  const words = splitShellWords(command);
  const refuse = () =>
    new Error(`ProxyCommand "${command}" is not supported (only "ssh -W %h:%p [user@]bastion"); use ProxyJump (-J) instead`);
  if (!words.length || !/(^|\/)ssh$/.test(words[0])) throw refuse();
  const args = parseSshArgs(words.slice(1));
  if (args.forward !== '%h:%p' && args.forward !== '[%h]:%p') throw refuse();
  if (args.positional.length !== 1) throw refuse(); // a destination and no remote command
  const dest = args.positional[0];
  const hop = parseJumpHop(dest);
  if (args.options.port) hop.port = parsePort(args.options.port, command);
  if (args.options.user && !hop.user) hop.user = args.options.user;
  hop.identityFiles = args.identityFiles;
  return [hop];
}
