// The `tsplay inventory` action, loaded only when that command runs (inventory parsing, ajv).
import { loadInventory, inventoryList, inventoryGraph, inventoryHost } from '../inventory/index.js';
import { UsageError } from '../errors.js';
import { learnSecretVars } from '../runner/secret-vars.js';
import { cliSecrets, redactingErrors } from './secret-inputs.js';
import type { VaultSourceFlags } from '../vault/sources.js';
import { currentSettings } from './ansible-cfg.js';

export async function inventoryAction(
  o: { inventory?: string[]; list?: boolean; graph?: string | boolean; host?: string } & VaultSourceFlags,
  exit: { code: number },
): Promise<void> {
  const modes = [o.list, o.graph, o.host].filter((x) => x !== undefined);
  if (modes.length !== 1) throw new UsageError('give exactly one of --list, --graph or --host');
  // without -i: ANSIBLE_INVENTORY, else ansible.cfg's inventory, as ansible-inventory
  const sources = o.inventory?.length ? o.inventory : (currentSettings().values.inventory ?? []);
  const secrets = await cliSecrets(o);
  await redactingErrors(secrets.redactor, async () => {
    const inv = await loadInventory(sources, secrets);
    learnSecretVars(inv, secrets.redactor);
    // a value from a vault file shows as ******** here too (`tsplay vault view FILE` prints the file),
    // replaced inside the values so that the JSON stays JSON whatever the secret looks like
    const print = (text: string) => process.stdout.write(text + '\n');
    const json = (v: unknown) => JSON.stringify(secrets.redactor.redactValue(v), null, 4);
    if (o.list) print(json(inventoryList(inv)));
    else if (o.graph !== undefined) print(secrets.redactor.redact(inventoryGraph(inv, typeof o.graph === 'string' ? o.graph : 'all')));
    else print(json(inventoryHost(inv, o.host!)));
  });
  exit.code = 0;
}
