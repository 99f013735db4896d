// A no_log task's arguments are learned as secrets for the rest of the run: what is written there
// (a password in a command line, a file's content) may be echoed by a later task. Where and how a
// file is written is not secret, and learning it would do harm: `owner: root` or `mode: "0600"` on
// one quiet task would hide every "root" and "0600" in every output (a later task's "owner root"
// became "owner ********", and the HTML report's own `:root` style rule broke), and the paths are
// shown by the tasks around it anyway. Ansible censors the quiet task's result and the values of
// parameters its modules declare secret; this keeps tsplay's wider net, minus these parameters.

/** the parameters that say where and how a module acts, never what it writes */
const PLACE_AND_MANNER = new Set([
  'path', 'dest', 'src', 'owner', 'group', 'mode', 'directory_mode', 'state', 'creates', 'removes', 'chdir',
  'backup', 'force', 'follow', 'recurse', 'create', 'remote_src', 'unsafe_writes', 'attributes',
  'seuser', 'serole', 'setype', 'selevel', 'daemon_reload', 'enabled', 'masked', 'become', 'timeout',
]);

/** the values of a no_log task's arguments worth learning as secrets */
export function noLogSecrets(args: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(args).filter(([k]) => !PLACE_AND_MANNER.has(k)));
}
