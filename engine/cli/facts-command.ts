// `tsplay facts -i INV [--limit P]`: gathered facts per host, as JSON.
import type { Command } from 'commander';
import { loadInventory, selectHosts } from '../inventory/index.js';
import { transportFor } from '../transport/factory.js';
import { gatherFacts } from '../facts/gather.js';
import { mapLimit } from '../runner/pool.js';

export function addFactsCommand(program: Command, exit: { code: number }): void {
  program
    .command('facts')
    .description("gather and print each host's facts as JSON")
    .option('-i, --inventory <path>', 'inventory file or directory (repeatable)', (v: string, p: string[] = []) => [...p, v])
    .option('-l, --limit <pattern>', 'only hosts matching this pattern', 'all')
    .option('-f, --forks <n>', 'hosts in parallel', (v) => parseInt(v, 10), 25)
    .action(async (o) => {
      const inv = await loadInventory(o.inventory ?? []);
      const hosts = selectHosts(inv, o.limit);
      const out: Record<string, unknown> = {};
      await mapLimit(hosts, o.forks, async (h) => {
        const t = transportFor(h, inv.hostVars(h));
        try {
          await t.connect();
          out[h] = { ansible_facts: gatherFacts.parse(await t.exec(gatherFacts.command())) };
        } catch (e) {
          out[h] = { unreachable: true, msg: (e as Error).message };
          exit.code = 4;
        } finally {
          await t.close();
        }
      });
      const ordered = Object.fromEntries(hosts.map((h) => [h, out[h]]));
      process.stdout.write(JSON.stringify(ordered, null, 2) + '\n');
    });
}
