// Which cloud a verb talks to, read from clouds.yaml before anything else happens (a bad or missing cloud exits 4).
import { loadCloudConfig, type CloudConfig } from '../openstack/clouds.js';
import { registerSecret } from '../util/logger.js';
import type { CommonOptions } from './common-options.js';
import type { InventorySettings } from './targets.js';

/** The cloud named by --cloud, the playbook, the inventory or OS_CLOUD (in that order); null when none is named. */
export function resolveCloud(opts: CommonOptions, playbookCloud: string | undefined, settings: InventorySettings): CloudConfig | null {
  const env = { ...process.env };
  if (settings.cloudsFile && !env['OS_CLIENT_CONFIG_FILE']) env['OS_CLIENT_CONFIG_FILE'] = settings.cloudsFile;
  const name = opts.cloud ?? playbookCloud ?? settings.cloud ?? env['OS_CLOUD'];
  if (!name) return null;
  const cloud = loadCloudConfig({ cloud: name, env });
  // Registered before any log exists, so the password can never reach one.
  if (cloud.auth.password) registerSecret(cloud.auth.password);
  if (opts.insecure) cloud.tls.verify = false;
  return cloud;
}
