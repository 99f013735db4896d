// The `tsplay facts` action, loaded only when that command runs (inventory, transports, facts).
import { loadInventory, selectHosts } from '../inventory/index.js';
import { transportFor } from '../transport/factory.js';
import { gatherFacts } from '../facts/gather.js';
import { mapLimit } from '../runner/pool.js';
import { learnSecretVars } from '../runner/secret-vars.js';
import { mergeVars } from '../runner/lazy-vars.js';
import { Templater } from '../template/index.js';
import { cliSecrets, redactingErrors } from './secret-inputs.js';
import type { VaultSourceFlags } from '../vault/sources.js';
import { connectionDefaults, currentSettings } from './ansible-cfg.js';

export async function factsAction(o: { inventory?: string[]; limit: string; forks: number } & VaultSourceFlags, exit: { code: number }): Promise<void> {
  // ANSIBLE_* and ansible.cfg as for a run: the inventory without -i, remote_user, ssh_args, host_key_checking
  const settings = currentSettings().values;
  const defaults = connectionDefaults(settings);
  const secrets = await cliSecrets(o);
  const out: Record<string, unknown> = {};
  const hosts = await redactingErrors(secrets.redactor, async () => {
    const inv = await loadInventory(o.inventory?.length ? o.inventory : (settings.inventory ?? []), secrets);
    learnSecretVars(inv, secrets.redactor);
    const hosts = selectHosts(inv, o.limit);
    const templater = new Templater();
    await mapLimit(hosts, o.forks, async (h) => {
      // connection variables rendered as a run renders them (ansible_host: "{{ ip }}")
      const t = transportFor(h, mergeVars([defaults, inv.hostVars(h)], templater, { host: h }));
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
    return hosts;
  });
  const ordered = Object.fromEntries(hosts.map((h) => [h, out[h]]));
  // redacted inside the values: the JSON stays JSON whatever a secret looks like
  process.stdout.write(JSON.stringify(secrets.redactor.redactValue(ordered), null, 2) + '\n');
}
