// Loads the inventory, applies the playbook's host pattern and --limit, and reads the run-wide settings the inventory carries.
import { statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { loadInventory, type Inventory } from '../inventory/index.js';
import type { HostSpec } from '../inventory/types.js';
import { checkSshTargets } from '../transport/factory.js';
import { ConfigError, ConfigErrors, type SourceLocation } from '../util/errors.js';
import { checkDuplicateTargets } from './duplicate-targets.js';
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

/** `anyHost` (a selected host) locates a bad value in the files for the error message. */
export function inventorySettings(inventory: Inventory, firstSource: string, anyHost?: string): InventorySettings {
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
  else if (policy !== undefined) {
    // A typo here must not quietly mean anything, and "off" is a decision for the command line, never a file.
    const at = (anyHost === undefined ? undefined : inventory.varOrigin(anyHost, 'mds_host_key_checking')) ?? { file: firstSource };
    const why = policy === 'off' ? 'off is only accepted on the command line (--host-key-checking off)' : `expected strict or accept-new, got ${JSON.stringify(policy)}`;
    throw new ConfigError(at, 'mds_host_key_checking', why);
  }
  return settings;
}

const KEY_VARS = ['ansible_ssh_private_key_file', 'ansible_private_key_file'];

/**
 * A missing private key file would otherwise only show at connect time, after some hosts were already contacted:
 * check every selected host's key file up front so a typo is a config error (exit 4) that names where it was set.
 */
export function checkKeyFiles(inventory: Inventory, hosts: readonly HostSpec[]): void {
  const errors: ConfigError[] = [];
  const reported = new Set<string>();
  for (const host of hosts) {
    const file = host.privateKeyFile;
    if (file === undefined) continue;
    let problem: string | undefined;
    try {
      if (!statSync(file).isFile()) problem = 'is not a regular file';
    } catch (err) {
      problem = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`;
    }
    if (problem === undefined) continue;
    const field = KEY_VARS.find((v) => host.vars[v] !== undefined) ?? KEY_VARS[0]!;
    const at = inventory.varOrigin(host.name, field) ?? { file: inventory.sources.join(', ') };
    // One error per place the path was written: a group var shared by 500 hosts is one mistake, not 500.
    const key = `${at.file}:${at.line ?? ''}:${file}`;
    if (reported.has(key)) continue;
    reported.add(key);
    errors.push(new ConfigError(at, field, `host ${host.name}: private key file ${file} ${problem}`));
  }
  if (errors.length === 1) throw errors[0]!;
  if (errors.length > 1) throw new ConfigErrors(errors);
}

export async function loadTargets(opts: CommonOptions, pattern = 'all', location?: SourceLocation): Promise<Targets> {
  const sources = opts.inventory ?? [];
  if (sources.length === 0) throw new UsageError('no inventory: give one with -i/--inventory (YAML, INI or JSON)');
  const inventory = await loadInventory(sources);
  const hosts = inventory.select(pattern, {
    ...(opts.limit === undefined ? {} : { limit: opts.limit }),
    ...(location === undefined ? {} : { location }),
  });
  checkKeyFiles(inventory, hosts);
  const resolved = checkSshTargets(hosts, opts.sshConfig, (host, variable) => inventory.varOrigin(host, variable));
  checkDuplicateTargets(inventory, hosts, resolved);
  return { inventory, hosts, settings: inventorySettings(inventory, sources[0]!, hosts[0]?.name) };
}
