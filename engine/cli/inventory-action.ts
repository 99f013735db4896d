// The `tsplay inventory` action, loaded only when that command runs (inventory parsing, ajv).
import { loadInventory, inventoryList, inventoryGraph, inventoryHost } from '../inventory/index.js';
import { UsageError } from '../errors.js';

export async function inventoryAction(o: { inventory?: string[]; list?: boolean; graph?: string | boolean; host?: string }, exit: { code: number }): Promise<void> {
  const modes = [o.list, o.graph, o.host].filter((x) => x !== undefined);
  if (modes.length !== 1) throw new UsageError('give exactly one of --list, --graph or --host');
  const inv = await loadInventory(o.inventory ?? []);
  if (o.list) process.stdout.write(JSON.stringify(inventoryList(inv), null, 4) + '\n');
  else if (o.graph !== undefined) process.stdout.write(inventoryGraph(inv, typeof o.graph === 'string' ? o.graph : 'all') + '\n');
  else process.stdout.write(JSON.stringify(inventoryHost(inv, o.host!), null, 4) + '\n');
  exit.code = 0;
}
