// Which cloud a verb talks to, read from clouds.yaml before anything else happens (a bad or missing cloud exits 4).
import { findCloudConfig, type CloudConfig } from '../openstack/clouds.js';
import { registerSecret } from '../util/logger.js';
import type { CommonOptions } from './common-options.js';
import type { InventorySettings } from './targets.js';

/**
 * As openstacksdk finds it: the cloud named by --cloud, the playbook, the inventory or OS_CLOUD (in that order); else the
 * OS_* environment of an openrc; else the only cloud of clouds.yaml. Null when none of these gives one.
 */
export function resolveCloud(opts: CommonOptions, playbookCloud: string | undefined, settings: InventorySettings): CloudConfig | null {
  const env = { ...process.env };
  if (settings.cloudsFile && !env['OS_CLIENT_CONFIG_FILE']) env['OS_CLIENT_CONFIG_FILE'] = settings.cloudsFile;
  const name = opts.cloud ?? playbookCloud ?? settings.cloud ?? env['OS_CLOUD'];
  const cloud = findCloudConfig({ ...(name ? { cloud: name } : {}), env });
  if (cloud === null) return null;
  // Registered before any log exists, so neither secret can ever reach one.
  for (const secret of [cloud.auth.password, cloud.auth.applicationCredentialSecret]) if (secret) registerSecret(secret);
  if (opts.insecure) cloud.tls.verify = false;
  return cloud;
}
