// The vault password options, the same on every command that reads vaulted inputs (as
// ansible-playbook's: several --vault-id, --vault-password-file, --ask-vault-pass, together).
import type { Command } from 'commander';

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function vaultOptions(c: Command): Command {
  return c
    .option('--vault-id <[label@]source>', 'a vault password by label, from a file, an executable script, or `prompt` (repeatable; a labelled 1.2 text tries its own id first, then the others)', collect)
    .option('--vault-password-file <file>', 'the vault password from a file or an executable script (or TSPLAY_VAULT_PASSWORD_FILE / TSPLAY_VAULT_PASSWORD)')
    .option('-J, --ask-vault-pass', 'ask for the vault password on the terminal (also asked when a vaulted input is met on a terminal without one)');
}
