// mode/owner/group, the attributes every file-writing module accepts: pure comparison with a
// stat, and the one command that sets them.
import { sh, joinCommands, type ShellCommand } from '../../transport/quote.js';
import type { FileStat } from '../../facts/file-stat.js';
import { parseMode, resolveMode, formatMode, modeSchema, type ModeInput } from './file-mode.js';

export interface AttrParams {
  mode?: ModeInput;
  owner?: string;
  group?: string;
}

/** What has to be set; empty when the path already has the wanted attributes. */
export interface AttrChange {
  /** octal, e.g. '0640' */
  mode?: string;
  owner?: string;
  group?: string;
  /** "mode 0644 -> 0600", for summaries */
  what: string[];
}

/** JSON Schema fragments shared by the file-writing modules. */
export const attrSchema = {
  mode: modeSchema('symbolic'),
  owner: { type: 'string', description: 'User name or uid that should own the file.' },
  group: { type: 'string', description: 'Group name or gid that should own the file.' },
};

function sameId(wanted: string, name: string | undefined, id: number | undefined): boolean {
  return /^\d+$/.test(wanted) ? Number(wanted) === id : wanted === name;
}

/**
 * Compare wanted attributes with a stat. For a path that does not exist yet, pass the stat of
 * the path as it will be created (`newMode`: the mode it will get before chmod).
 * Throws ModeSyntaxError on a bad mode.
 */
export function attrChanges(params: AttrParams, st: FileStat, opts: { isDir?: boolean; newMode?: number } = {}): AttrChange {
  const change: AttrChange = { what: [] };
  const isDir = opts.isDir ?? st.type === 'directory';
  if (params.mode !== undefined && params.mode !== null) {
    const current = st.exists && st.mode ? parseInt(st.mode, 8) : (opts.newMode ?? (isDir ? 0o755 : 0o644));
    const wanted = formatMode(resolveMode(parseMode(params.mode), current, isDir));
    if (!st.exists || wanted !== st.mode) {
      change.mode = wanted;
      change.what.push(st.exists ? `mode ${st.mode} -> ${wanted}` : `mode ${wanted}`);
    }
  }
  if (params.owner && (!st.exists || !sameId(params.owner, st.owner, st.uid))) {
    change.owner = params.owner;
    change.what.push(st.exists ? `owner ${st.owner} -> ${params.owner}` : `owner ${params.owner}`);
  }
  if (params.group && (!st.exists || !sameId(params.group, st.group, st.gid))) {
    change.group = params.group;
    change.what.push(st.exists ? `group ${st.group} -> ${params.group}` : `group ${params.group}`);
  }
  return change;
}

export function hasAttrChange(c: AttrChange): boolean {
  return c.mode !== undefined || c.owner !== undefined || c.group !== undefined;
}

/** "mode 0644, owner root, group root": what a no-op reason says about a path. */
export function describeAttrs(st: FileStat): string {
  return `mode ${st.mode}, owner ${st.owner}, group ${st.group}`;
}

/** chown then chmod (chown may clear setuid bits). noFollow: change a symlink itself. */
export function attrCommand(path: string, c: AttrChange, opts: { noFollow?: boolean; recurse?: boolean } = {}): ShellCommand {
  const cmds: ShellCommand[] = [];
  const flags = [...(opts.recurse ? ['-R'] : []), ...(opts.noFollow ? ['-h'] : [])];
  if (c.owner || c.group) {
    const spec = c.owner ? (c.group ? `${c.owner}:${c.group}` : c.owner) : `:${c.group}`;
    cmds.push(sh`chown ${flags} -- ${spec} ${path}`);
  }
  if (c.mode && !opts.noFollow) cmds.push(sh`chmod ${opts.recurse ? ['-R'] : []} -- ${c.mode} ${path}`);
  return cmds.length ? joinCommands(cmds) : sh`:`;
}
