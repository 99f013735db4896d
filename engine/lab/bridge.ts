// The controller side of the lab network: bridge tsplay0 with 10.77.0.1/24.
import { run } from './run.js';
import { LAB_BRIDGE, LAB_GATEWAY, LAB_PREFIX } from './hosts.js';
import { writeFile } from 'node:fs/promises';

export async function bridgeExists(): Promise<boolean> {
  const r = await run(['ip', '-o', 'link', 'show', 'dev', LAB_BRIDGE], { allowFail: true });
  return r.exitCode === 0;
}

export async function ensureBridge(): Promise<void> {
  if (!(await bridgeExists())) await run(['ip', 'link', 'add', LAB_BRIDGE, 'type', 'bridge']);
  const addrs = await run(['ip', '-o', '-4', 'addr', 'show', 'dev', LAB_BRIDGE]);
  if (!addrs.stdout.includes(` ${LAB_GATEWAY}/${LAB_PREFIX} `)) {
    await run(['ip', 'addr', 'add', `${LAB_GATEWAY}/${LAB_PREFIX}`, 'dev', LAB_BRIDGE]);
  }
  await run(['ip', 'link', 'set', LAB_BRIDGE, 'up']);
  // Lab traffic stays on the bridge: nothing arriving here is routed on to other networks.
  await writeFile(`/proc/sys/net/ipv4/conf/${LAB_BRIDGE}/forwarding`, '0');
}

export async function removeBridge(): Promise<void> {
  if (await bridgeExists()) await run(['ip', 'link', 'del', LAB_BRIDGE]);
}
