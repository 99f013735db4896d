// `tsplay vault encrypt|decrypt|view|edit|rekey|convert|encrypt-string`: secrets at rest, in tsplay's
// format (AES-256-GCM, scrypt key) or Ansible's (`$ANSIBLE_VAULT;1.1;AES256`, read and written as
// ansible-vault does). Every file is read in the format it has.
import { Option, type Command } from 'commander';
import { vaultOptions } from './vault-options.js';

// the actions (crypto, an editor) load only when a vault subcommand runs
const actions = () => import('./vault-action.js');

export function addVaultCommand(program: Command, exit: { code: number }): void {
  const vault = program.command('vault').description("encrypt files for secrets at rest: tsplay's format (AES-256-GCM, scrypt key) or Ansible Vault's");
  const encryptId = (c: Command) => c.option('--encrypt-vault-id <label>', 'encrypt with the --vault-id of this label (default: the first given)');
  const format = (flag: string, what: string, dflt?: string) => {
    const o = new Option(flag, what).choices(['tsplay', 'ansible']);
    return dflt ? o.default(dflt) : o.makeOptionMandatory();
  };
  encryptId(vaultOptions(vault.command('encrypt').argument('<files...>').description('encrypt files in place')))
    .addOption(format('--format <format>', "tsplay's, or ansible (readable by ansible-vault; 1.2 with the id's label)", 'tsplay'))
    .action(async (files: string[], o) => {
      await (await actions()).encrypt(files, o);
      exit.code = 0;
    });
  vaultOptions(vault.command('decrypt').argument('<files...>').description('decrypt files in place')).action(async (files: string[], o) => {
    await (await actions()).decrypt(files, o);
    exit.code = 0;
  });
  vaultOptions(vault.command('view').argument('<file>').description('print the decrypted content')).action(async (f: string, o) => {
    await (await actions()).view(f, o);
    exit.code = 0;
  });
  vaultOptions(vault.command('edit').argument('<file>').description('decrypt to a private temp file, run $EDITOR, encrypt again (same format and password)')).action(async (f: string, o) => {
    await (await actions()).edit(f, o);
    exit.code = 0;
  });
  vaultOptions(vault.command('rekey').argument('<files...>').description('encrypt files again with a new password, each in its own format'))
    .option('--new-vault-id <[label@]source>', 'the new password (and label), from a file, a script or prompt')
    .option('--new-vault-password-file <file>', 'the new password, from a file or a script')
    .action(async (files: string[], o) => {
      await (await actions()).rekey(files, o);
      exit.code = 0;
    });
  encryptId(vaultOptions(vault.command('convert').argument('<files...>').description("rewrite vault files in the other format (tsplay's ↔ Ansible's), same password")))
    .addOption(format('--to <format>', 'the format to write'))
    .action(async (files: string[], o) => {
      await (await actions()).convert(files, o);
      exit.code = 0;
    });
  encryptId(vaultOptions(vault.command('encrypt-string').argument('[value]', 'the value (else read from stdin, which keeps it out of ps)').description("print an inline !vault value for a YAML file, as ansible-vault encrypt_string does")))
    .option('--name <var>', 'print it as `var: !vault |`')
    .action(async (value: string | undefined, o) => {
      await (await actions()).encryptString(value, o);
      exit.code = 0;
    });
}
