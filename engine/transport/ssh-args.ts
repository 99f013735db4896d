// The subset of OpenSSH command-line arguments tsplay acts on, read from ansible_ssh_common_args /
// ansible_ssh_extra_args: -o Key=Value, -J, -p, -i, -l, -F. Other flags are listed as ignored.
import { splitShellWords } from '../shell-words.js';

export interface SshArgs {
  /** -o options by lower-case key; the first value wins, as in ssh */
  options: Record<string, string>;
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
  const out: SshArgs = { options: {}, identityFiles: [], positional: [], ignored: [] };
  const set = (key: string, value: string) => {
    const k = key.toLowerCase();
    if (!(k in out.options)) out.options[k] = value;
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
