// What the user's OpenSSH client config (~/.ssh/config) says about one host, for the few
// settings tsplay honours. `Match exec` blocks are not evaluated: reading a config must not run commands.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import SSHConfig from 'ssh-config';

export interface SshConfigHost {
  hostname?: string;
  port?: string;
  user?: string;
  identityFiles: string[];
  proxyJump?: string;
  proxyCommand?: string;
  userKnownHostsFiles: string[];
  strictHostKeyChecking?: string;
  connectTimeout?: string;
  serverAliveInterval?: string;
  serverAliveCountMax?: string;
}

export function expandHome(path: string, home = homedir()): string {
  return path === '~' ? home : path.startsWith('~/') ? home + path.slice(1) : path;
}

function list(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(/\s+/)).filter(Boolean);
}
function one(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** Settings for `host` from the config text; an unreadable file gives no settings. */
export function sshConfigFor(host: string, file = `${homedir()}/.ssh/config`, home = homedir()): SshConfigHost {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { identityFiles: [], userKnownHostsFiles: [] };
  }
  let c: Record<string, string | string[]>;
  try {
    c = SSHConfig.parse(text).compute(host, { ignoreCase: true, matchExec: false });
  } catch (e) {
    throw new Error(`cannot read ssh config ${file}: ${(e as Error).message}`);
  }
  const hostname = one(c.hostname);
  return {
    // %h in HostName stands for the name being looked up (`HostName %h.example.com`).
    hostname: hostname?.replace(/%h/g, host).replace(/%%/g, '%'),
    port: one(c.port),
    user: one(c.user),
    identityFiles: list(c.identityfile).map((p) => expandHome(p, home)),
    proxyJump: one(c.proxyjump),
    proxyCommand: Array.isArray(c.proxycommand) ? c.proxycommand.join(' ') : c.proxycommand,
    userKnownHostsFiles: list(c.userknownhostsfile).map((p) => expandHome(p, home)),
    strictHostKeyChecking: one(c.stricthostkeychecking),
    connectTimeout: one(c.connecttimeout),
    serverAliveInterval: one(c.serveraliveinterval),
    serverAliveCountMax: one(c.serveralivecountmax),
  };
}
