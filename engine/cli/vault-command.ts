// `tsplay vault encrypt|decrypt|view|edit FILE…`: secrets at rest (AES-256-GCM).
import type { Command } from 'commander';

// the actions (crypto, an editor) load only when a vault subcommand runs
const actions = () => import('./vault-action.js');

export function addVaultCommand(program: Command, exit: { code: number }): void {
  const vault = program.command('vault').description('encrypt vars files for secrets at rest (AES-256-GCM, scrypt key)');
  const opt = (c: Command) => c.option('--vault-password-file <file>', 'file holding the vault password');
  opt(vault.command('encrypt').argument('<files...>').description('encrypt files in place')).action(async (files: string[], o) => {
    await (await actions()).encrypt(files, o);
    exit.code = 0;
  });
  opt(vault.command('decrypt').argument('<files...>').description('decrypt files in place')).action(async (files: string[], o) => {
    await (await actions()).decrypt(files, o);
    exit.code = 0;
  });
  opt(vault.command('view').argument('<file>').description('print the decrypted content')).action(async (f: string, o) => {
    await (await actions()).view(f, o);
    exit.code = 0;
  });
  opt(vault.command('edit').argument('<file>').description('decrypt to a private temp file, run $EDITOR, encrypt again')).action(async (f: string, o) => {
    await (await actions()).edit(f, o);
    exit.code = 0;
  });
}
