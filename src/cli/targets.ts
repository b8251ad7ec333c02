// Loads the inventory, applies the playbook's host pattern and --limit, and reads the run-wide settings the inventory carries.
import { dirname, isAbsolute, resolve } from 'node:path';
import { loadInventory, type Inventory } from '../inventory/index.js';
import type { HostSpec } from '../inventory/types.js';
import type { SourceLocation } from '../util/errors.js';
import type { CommonOptions } from './common-options.js';
import { UsageError } from './options.js';

/** Settings an inventory may carry in its `all` vars, so `-i lab/inventory.yaml` needs nothing else. */
export interface InventorySettings {
  knownHostsFiles?: string[];
  cloud?: string;
  cloudsFile?: string;
  hostKeyPolicy?: 'strict' | 'accept-new' | 'off';
}

export interface Targets {
  inventory: Inventory;
  hosts: HostSpec[];
  settings: InventorySettings;
}

function pathVar(value: unknown, baseDir: string): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  return isAbsolute(value) ? value : resolve(baseDir, value);
}

export function inventorySettings(inventory: Inventory, firstSource: string): InventorySettings {
  const vars = inventory.groups.get('all')?.vars ?? {};
  const base = dirname(resolve(firstSource));
  const settings: InventorySettings = {};
  const kh = pathVar(vars['mds_known_hosts_file'], base);
  if (kh) settings.knownHostsFiles = [kh];
  if (typeof vars['mds_os_cloud'] === 'string') settings.cloud = vars['mds_os_cloud'];
  const clouds = pathVar(vars['mds_os_client_config_file'], base);
  if (clouds) settings.cloudsFile = clouds;
  const policy = vars['mds_host_key_checking'];
  if (policy === 'strict' || policy === 'accept-new') settings.hostKeyPolicy = policy;
  return settings;
}

export async function loadTargets(opts: CommonOptions, pattern = 'all', location?: SourceLocation): Promise<Targets> {
  const sources = opts.inventory ?? [];
  if (sources.length === 0) throw new UsageError('no inventory: give one with -i/--inventory (YAML, INI or JSON)');
  const inventory = await loadInventory(sources);
  const hosts = inventory.select(pattern, {
    ...(opts.limit === undefined ? {} : { limit: opts.limit }),
    ...(location === undefined ? {} : { location }),
  });
  return { inventory, hosts, settings: inventorySettings(inventory, sources[0]!) };
}
