// lab down: stop every host by its own pid, unmount its overlay, then remove the bridge.
import { LAB_HOSTS } from './hosts.js';
import { hostPaths, LAB_STATE_DIR } from './paths.js';
import { requireRoot } from './root.js';
import { withLabLock } from './lock.js';
import { stopHost } from './nspawn.js';
import { killOrphans } from './orphans.js';
import { unmountHostRoot, wipeHost } from './host-root.js';
import { removeBridge } from './bridge.js';
import { removeHostCgroups } from './cgroups.js';
import type { Log } from './image.js';
import { stat } from 'node:fs/promises';

export interface LabDownOptions {
  log?: Log;
  /** also delete each host's changes (overlay upper dir, keys): the next up starts fresh */
  wipe?: boolean;
}

export async function labDown(opts: LabDownOptions = {}): Promise<void> {
  requireRoot();
  const log: Log = opts.log ?? (() => {});
  const haveState = await stat(LAB_STATE_DIR).then(() => true, () => false);
  const stopAll = async () => {
    await Promise.all(
      LAB_HOSTS.map(async (h) => {
        const how = await stopHost(h.name);
        if (how !== 'not running') log(`${h.name} ${how}`);
        await killOrphans(h.name, log);
        await unmountHostRoot(h.name);
        await removeHostCgroups(h.name);
        if (opts.wipe) {
          await wipeHost(hostPaths(h.name));
          log(`${h.name} wiped`);
        }
      }),
    );
    await removeBridge();
    log('lab down');
  };
  if (haveState) await withLabLock(stopAll);
  else await removeBridge();
}
