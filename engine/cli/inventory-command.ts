// `tsplay inventory -i INV --list | --graph [GROUP] | --host NAME`, as ansible-inventory prints them.
import type { Command } from 'commander';
import { loadInventory, inventoryList, inventoryGraph, inventoryHost } from '../inventory/index.js';
import { UsageError } from '../errors.js';

export function addInventoryCommand(program: Command, exit: { code: number }): void {
  program
    .command('inventory')
    .description('show an inventory as ansible-inventory does')
    .option('-i, --inventory <path>', 'inventory file or directory (repeatable)', (v: string, p: string[] = []) => [...p, v])
    .option('--list', 'all hosts and groups as JSON')
    .option('--graph [group]', 'the group tree')
    .option('--host <name>', "one host's variables as JSON")
    .action(async (o) => {
      const modes = [o.list, o.graph, o.host].filter((x) => x !== undefined);
      if (modes.length !== 1) throw new UsageError('give exactly one of --list, --graph or --host');
      const inv = await loadInventory(o.inventory ?? []);
      if (o.list) process.stdout.write(JSON.stringify(inventoryList(inv), null, 4) + '\n');
      else if (o.graph !== undefined) process.stdout.write(inventoryGraph(inv, typeof o.graph === 'string' ? o.graph : 'all') + '\n');
      else process.stdout.write(JSON.stringify(inventoryHost(inv, o.host), null, 4) + '\n');
      exit.code = 0;
    });
}
