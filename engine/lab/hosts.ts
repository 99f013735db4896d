// The lab's fixed host table and network: names and addresses never change, so inventories,
// certificates and tests can name them.

export interface LabHost {
  name: string;
  ip: string;
}

export const LAB_BRIDGE = 'tsplay0';
export const LAB_GATEWAY = '10.77.0.1';
export const LAB_PREFIX = 24;
/** Reserved for keepalived (the API server VIP); no host takes it. */
export const LAB_VIP = '10.77.0.100';

/** In boot order; --hosts N takes the first N. */
export const LAB_HOSTS: readonly LabHost[] = [
  { name: 'master1', ip: '10.77.0.11' },
  { name: 'master2', ip: '10.77.0.12' },
  { name: 'master3', ip: '10.77.0.13' },
  { name: 'worker1', ip: '10.77.0.21' },
  { name: 'worker2', ip: '10.77.0.22' },
  { name: 'worker3', ip: '10.77.0.23' },
];

export const DEFAULT_HOST_COUNT = 5;

/** The first `count` hosts; a count outside 1..6 is an error naming the allowed range. */
export function selectHosts(count: number = DEFAULT_HOST_COUNT): LabHost[] {
  if (!Number.isInteger(count) || count < 1 || count > LAB_HOSTS.length) {
    throw new Error(`lab host count must be an integer from 1 to ${LAB_HOSTS.length}, got ${count}`);
  }
  return LAB_HOSTS.slice(0, count);
}
