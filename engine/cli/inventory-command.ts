// `tsplay inventory -i INV --list | --graph [GROUP] | --host NAME`, as ansible-inventory prints them.
import type { Command } from 'commander';

export function addInventoryCommand(program: Command, exit: { code: number }): void {
  program
    .command('inventory')
    .description('show an inventory as ansible-inventory does')
    .option('-i, --inventory <path>', 'inventory file or directory; a NAME that is no path here is inventories/NAME (repeatable)', (v: string, p: string[] = []) => [...p, v])
    .option('--list', 'all hosts and groups as JSON')
    .option('--graph [group]', 'the group tree')
    .option('--host <name>', "one host's variables as JSON")
    .option('--vault-password-file <file>', 'password for vault-encrypted vars files (or TSPLAY_VAULT_PASSWORD_FILE / TSPLAY_VAULT_PASSWORD)')
    // the action's imports load only when `inventory` is the command
    .action(async (o) => (await import('./inventory-action.js')).inventoryAction(o, exit));
}
