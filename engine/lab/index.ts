// The lab's public API: real Debian hosts (systemd-nspawn over an overlay of one base image)
// on bridge tsplay0, reachable over SSH with a pinned host key.
import { requireRoot } from './root.js';
import { readLabStatus, type LabStatus } from './status.js';

export { labUp, type LabUpOptions } from './up.js';
export { labDown, type LabDownOptions } from './down.js';
export { formatLabStatus, type LabStatus, type LabHostStatus } from './status.js';
export { LAB_HOSTS, LAB_BRIDGE, LAB_VIP, LAB_GATEWAY, selectHosts, type LabHost } from './hosts.js';
export { LAB_STATE_DIR, LAB_KEY_FILE, LAB_KNOWN_HOSTS_FILE } from './paths.js';
export { sshArgv } from './reach.js';

export async function labStatus(): Promise<LabStatus> {
  requireRoot();
  return readLabStatus();
}
