// Turns (command, options) into the one shell line a transport runs: cwd, env and become
// applied in one place so every transport behaves the same.
import { sh, raw, ShellCommand } from './quote.js';
import type { ExecOptions } from './types.js';

export interface PreparedCommand {
  line: ShellCommand;
  /** bytes to write to stdin (become password first, then the caller's stdin) */
  stdin?: Buffer;
}

/**
 * `user`: who the transport's commands run as without become. Become to that very user is no
 * become (as Ansible, whose become_allow_same_user is off by default): a root login runs
 * `become_user: root` tasks without sudo, so a host without sudo works.
 */
export function prepareCommand(cmd: ShellCommand, opts: ExecOptions = {}, user?: string): PreparedCommand {
  let inner = cmd;
  if (opts.env && Object.keys(opts.env).length) {
    const assigns = Object.entries(opts.env).map(([k, v]) => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new Error(`invalid environment variable name: ${k}`);
      return sh`${raw(k)}=${v}`.text;
    });
    inner = new ShellCommand(`export ${assigns.join(' ')}; ${inner.text}`);
  }
  if (opts.cwd) inner = sh`cd -- ${opts.cwd} && ${inner}`;
  let stdin = opts.stdin === undefined ? undefined : Buffer.isBuffer(opts.stdin) ? opts.stdin : Buffer.from(opts.stdin);
  const b = opts.become && (user === undefined || (opts.become.user || 'root') !== user) ? opts.become : undefined;
  let line: ShellCommand;
  if (!b) {
    line = sh`/bin/sh -c ${inner.text}`;
  } else if (b.method === 'su') {
    line = sh`su -s /bin/sh ${b.user || 'root'} -c ${inner.text}`;
  } else if (b.password !== undefined) {
    // -S reads the password from stdin's first line; -p '' keeps the prompt out of stderr.
    line = sh`sudo -H -S -p '' -u ${b.user || 'root'} -- /bin/sh -c ${inner.text}`;
    stdin = Buffer.concat([Buffer.from(b.password + '\n'), stdin ?? Buffer.alloc(0)]);
  } else {
    line = sh`sudo -H -n -u ${b.user || 'root'} -- /bin/sh -c ${inner.text}`;
  }
  return { line, stdin };
}
