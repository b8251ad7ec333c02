// Public surface of the inventory: loading, host patterns and the pieces other modules reuse.
export { Inventory, loadInventory } from './inventory.js';
export type { InventoryGroup, SelectOptions } from './inventory.js';
export { orderPatterns, selectHostNames, splitHostPattern } from './host-pattern.js';
export type { PatternOptions, PatternUniverse } from './host-pattern.js';
export { expandHostPattern, expandHostRange, HostRangeError } from './host-range.js';
export { ansibleBool } from './connection.js';
export type { HostSpec, HostKeyPolicy } from './types.js';
