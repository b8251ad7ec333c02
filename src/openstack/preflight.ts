// Checked once before any host is touched: Keystone accepts the credentials and the token holds the rights the workflow uses.
import { ConfigError } from '../util/errors.js';
import type { CloudConfig } from './clouds.js';
import { OpenStackAuthError, OpenStackConnectionError, OpenStackHttpError, OpenStackProtocolError, OpenStackTimeoutError, OpenStackTlsError } from './errors.js';
import type { NovaClient } from './nova.js';

const RIGHTS = 'the workflow needs Nova\'s admin rights (by default policy: list services, list the servers of every project, os-hypervisors, live migration, Placement reads)';

function where(cloud: CloudConfig): { file: string } {
  return { file: cloud.file };
}

function authField(cloud: CloudConfig): string {
  if (cloud.file === 'environment') return cloud.auth.method === 'application_credential' ? 'OS_APPLICATION_CREDENTIAL_SECRET' : 'OS_PASSWORD';
  return `clouds.${cloud.name}.auth`;
}

/**
 * Each probe is a read that the default policy grants to admins only, chosen so that none is a request the workflow makes
 * itself (a listing of one server by the index URL, not /servers/detail), and none hits os-hypervisors, which the drain's
 * capacity check reads with its own retries. Live migration has no dry run; its rule is the same admin rule.
 */
export async function preflightCloud(nova: NovaClient, cloud: CloudConfig): Promise<void> {
  const probes: [string, () => Promise<unknown>][] = [
    ['authenticate and read the compute API version', () => nova.microversion()],
    ['list compute services (GET /os-services)', () => nova.listComputeServices()],
    ['list servers of all projects (GET /servers?all_tenants=1)', async () => nova.probeAllTenantsListing?.()],
    ['read Placement resource providers (GET /resource_providers)', async () => {
      const placement = nova.placement?.();
      if (placement !== undefined && (await placement.available())) await placement.listResourceProviders();
    }],
  ];
  for (const [what, probe] of probes) {
    try {
      await probe();
    } catch (err) {
      throw explain(err, what, cloud);
    }
  }
}

function explain(err: unknown, what: string, cloud: CloudConfig): unknown {
  if (err instanceof OpenStackAuthError) {
    return new ConfigError(where(cloud), authField(cloud), `cannot ${what}: ${err.message}`, { cause: err });
  }
  if (err instanceof OpenStackHttpError && err.status === 403) {
    return new ConfigError(where(cloud), authField(cloud), `cannot ${what}: ${err.message}; ${RIGHTS}`, { cause: err });
  }
  if (err instanceof OpenStackHttpError && err.status === 404 && err.path.includes('auth/tokens')) {
    return new ConfigError(where(cloud), cloud.file === 'environment' ? 'OS_AUTH_URL' : `clouds.${cloud.name}.auth.auth_url`, `cannot ${what}: ${err.message}`, { cause: err });
  }
  if (err instanceof OpenStackConnectionError || err instanceof OpenStackTlsError || err instanceof OpenStackTimeoutError || err instanceof OpenStackProtocolError) {
    return new ConfigError(where(cloud), cloud.file === 'environment' ? 'OS_AUTH_URL' : `clouds.${cloud.name}`, `cannot ${what}: ${err.message}`, { cause: err });
  }
  return err;
}
