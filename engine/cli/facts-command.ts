// `tsplay facts -i INV [--limit P]`: gathered facts per host, as JSON.
import type { Command } from 'commander';
import { vaultOptions } from './vault-options.js';
import { wholeNumber, MAX_FORKS } from './numbers.js';

export function addFactsCommand(program: Command, exit: { code: number }): void {
  const cmd = program
    .command('facts')
    .description("gather and print each host's facts as JSON")
    .option('-i, --inventory <path>', 'inventory file or directory; a NAME that is no path here is inventories/NAME (repeatable)', (v: string, p: string[] = []) => [...p, v])
    .option('-l, --limit <pattern>', 'only hosts matching this pattern', 'all')
    .option('-f, --forks <n>', 'hosts in parallel', wholeNumber(1, MAX_FORKS), 25);
  vaultOptions(cmd)
    // the action's imports load only when `facts` is the command
    .action(async (o) => (await import('./facts-action.js')).factsAction(o, exit));
}
