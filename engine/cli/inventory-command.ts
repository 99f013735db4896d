// `tsplay inventory -i INV --list | --graph [GROUP] | --host NAME`, as ansible-inventory prints them.
import type { Command } from 'commander';
import { vaultOptions } from './vault-options.js';

export function addInventoryCommand(program: Command, exit: { code: number }): void {
  const cmd = program
    .command('inventory')
    .description('show an inventory as ansible-inventory does')
    .option('-i, --inventory <path>', 'inventory file or directory; a NAME that is no path here is inventories/NAME (repeatable)', (v: string, p: string[] = []) => [...p, v])
    .option('--list', 'all hosts and groups as JSON')
    .option('--graph [group]', 'the group tree')
    .option('--host <name>', "one host's variables as JSON");
  vaultOptions(cmd)
    // the action's imports load only when `inventory` is the command
    .action(async (o) => (await import('./inventory-action.js')).inventoryAction(o, exit));
}
