// The real ansible-vault (Debian's ansible-core, installed by scripts/setup.sh): what the Ansible
// format tests compare with.
import { spawnSync } from 'node:child_process';

export const ANSIBLE_VAULT = '/usr/bin/ansible-vault';

/** no ANSIBLE_* setting of the caller's (a vault identity list there would change what it does) */
function env(): NodeJS.ProcessEnv {
  const e = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ANSIBLE_')));
  return { ...e, ANSIBLE_NOCOLOR: '1' };
}

/** runs ansible-vault with `args`; `input` on its stdin; throws with its stderr when it fails */
export function ansibleVault(args: string[], o: { input?: string | Buffer; cwd?: string } = {}): string {
  const r = spawnSync(ANSIBLE_VAULT, args, {
    input: o.input,
    cwd: o.cwd,
    encoding: 'utf8',
    env: env(),
  });
  if (r.error) throw new Error(`${ANSIBLE_VAULT}: ${r.error.message} (scripts/setup.sh installs ansible-core)`);
  if (r.status !== 0) throw new Error(`ansible-vault ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}
