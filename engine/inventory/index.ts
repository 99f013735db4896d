// The inventory subsystem's public API.
export { loadInventory } from './load.js';
export { Inventory, LOCALHOST_NAMES } from './inventory.js';
export { selectHosts, type SelectOptions } from './select-hosts.js';
export { inventoryList, inventoryGraph, inventoryHost, type InventoryListJson, type ListOptions } from './output.js';
export type { Vars, GroupData, HostData } from './types.js';
