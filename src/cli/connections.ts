// What a verb will connect with, built while preparing: SSH (known_hosts, ssh_config, keys) and the Nova client. Reading
// their files can fail as configuration errors; nothing is contacted until preflight(), and no lock or log exists.
import type { Logger } from 'pino';
import { CancelController } from '../engine/cancel.js';
import type { HostSpec } from '../inventory/types.js';
import type { CloudConfig } from '../openstack/clouds.js';
import { connectNova } from '../openstack/connect.js';
import { preflightCloud } from '../openstack/preflight.js';
import type { NovaApi } from '../openstack/types.js';
import { createSshTransportFactory } from '../transport/factory.js';
import type { Transport } from '../transport/types.js';
import type { CommonOptions } from './common-options.js';
import type { InventorySettings } from './targets.js';

export interface Connections {
  transportFactory: (host: HostSpec) => Transport;
  nova: NovaApi | null;
  /** Ctrl-C: the second one (hard) also stops every Nova request in flight, as it does every remote command. */
  cancel: CancelController;
  /** Said once the session can say it (stderr and log). */
  warnings: string[];
  /** Once the session is open, later warnings (a clock skew seen at a re-authentication) go straight to it. */
  warnTo(say: (message: string) => void): void;
  /** Connect retries are logged once the run's log exists. */
  logTo(logger: Logger): void;
  /** Logs in and proves the rights the workflow needs (exit 4 with Keystone's or Nova's words); nothing without a cloud. */
  preflight(): Promise<void>;
  close(): void;
}

export async function prepareConnections(opts: CommonOptions, settings: InventorySettings, cloud: CloudConfig | null): Promise<Connections> {
  const warnings: string[] = [];
  let logger: Logger | null = null;
  // Unset here, ssh_config's StrictHostKeyChecking decides per host (else strict): see createSshTransportFactory.
  const policy = opts.hostKeyChecking ?? settings.hostKeyPolicy;
  if (policy === 'off') warnings.push('host key checking is OFF for unknown hosts: connections to them are open to man-in-the-middle attacks');
  const knownHostsFiles = opts.knownHosts ?? settings.knownHostsFiles;
  const transportFactory = await createSshTransportFactory({
    ...(policy ? { hostKeyPolicy: policy } : {}),
    ...(knownHostsFiles ? { knownHostsFiles } : {}),
    ...(opts.sshConfig ? { sshConfigFile: opts.sshConfig } : {}),
    onRetry: (host, err, retry, delayMs) => logger?.warn({ host, retry, delayMs, err: String(err) }, 'connect retry'),
  });
  const cancel = new CancelController();
  let say: ((message: string) => void) | null = null;
  const warn = (m: string): void => { if (say) say(m); else warnings.push(m); };
  const conn = cloud ? connectNova(cloud, { warn, signal: cancel.hard }) : null;
  return {
    transportFactory, nova: conn?.nova ?? null, cancel, warnings,
    warnTo: (fn) => { say = fn; },
    logTo: (l) => { logger = l; },
    preflight: async () => { if (conn && cloud) await preflightCloud(conn.nova, cloud); },
    close: () => conn?.close(),
  };
}
