// Opens what a run needs: run id, log, lock, SSH transport factory, Nova client, cancellation on Ctrl-C; and closes it all.
import type { Logger } from 'pino';
import { CancelController } from '../engine/cancel.js';
import { EngineEvents } from '../engine/events.js';
import { buildGatherCommand, parseGather } from '../facts/index.js';
import type { HostFacts } from '../facts/types.js';
import type { HostSpec } from '../inventory/types.js';
import { findCloudConfig } from '../openstack/clouds.js';
import { connectNova } from '../openstack/connect.js';
import { preflightCloud } from '../openstack/preflight.js';
import type { NovaApi } from '../openstack/types.js';
import { acquireLock, type LockHandle } from '../state/lock.js';
import { createSshTransportFactory } from '../transport/factory.js';
import type { Transport } from '../transport/types.js';
import { createRunLogger, registerSecret } from '../util/logger.js';
import { newRunId, type CommonOptions } from './common-options.js';
import type { InventorySettings } from './targets.js';

export interface Session {
  runId: string;
  logger: Logger;
  logPath: string;
  transportFactory: (host: HostSpec) => Transport;
  nova: NovaApi | null;
  events: EngineEvents;
  cancel: CancelController;
  warnings: string[];
  close(): Promise<void>;
}

export interface SessionOptions {
  settings: InventorySettings;
  /** Cloud to talk to, null when the verb needs no Nova. */
  cloud: string | null | undefined;
  needNova: boolean;
  /** Take the state-dir lock (run, and plan/sweep which write run records). */
  lock: boolean;
  onWarning?: (message: string) => void;
}

/** `abort` is the second Ctrl-C: every Nova request in flight then stops waiting, as every remote command does. */
function openNova(opts: CommonOptions, so: SessionOptions, warn: (m: string) => void, abort: AbortSignal): { nova: NovaApi; close(): void; preflight(): Promise<void> } | null {
  if (!so.needNova) return null;
  const env = { ...process.env };
  if (so.settings.cloudsFile && !env['OS_CLIENT_CONFIG_FILE']) env['OS_CLIENT_CONFIG_FILE'] = so.settings.cloudsFile;
  const name = opts.cloud ?? so.cloud ?? so.settings.cloud ?? env['OS_CLOUD'];
  // As openstacksdk: the named cloud, else the OS_* environment (an openrc), else the only cloud of clouds.yaml.
  const cloud = findCloudConfig({ ...(name ? { cloud: name } : {}), env });
  if (cloud === null) return null;
  for (const secret of [cloud.auth.password, cloud.auth.applicationCredentialSecret]) if (secret) registerSecret(secret);
  if (opts.insecure) cloud.tls.verify = false;
  const conn = connectNova(cloud, { warn, signal: abort });
  return { nova: conn.nova, close: () => conn.close(), preflight: () => preflightCloud(conn.nova, cloud) };
}

export async function openSession(opts: CommonOptions, so: SessionOptions): Promise<Session> {
  const runId = newRunId();
  const warnings: string[] = [];
  const warn = (m: string) => { warnings.push(m); so.onWarning?.(m); };
  let lock: LockHandle | null = null;
  if (so.lock) {
    lock = await acquireLock(opts.stateDir, runId);
    if (lock.tookOver) warn(`took over a stale lock in ${opts.stateDir} left by a controller that is no longer running`);
  }
  try {
    const log = createRunLogger({ stateDir: opts.stateDir, runId, level: opts.logLevel });
    const policy = opts.hostKeyChecking ?? so.settings.hostKeyPolicy ?? 'strict';
    if (policy === 'off') warn('host key checking is OFF: connections are open to man-in-the-middle attacks');
    const knownHostsFiles = opts.knownHosts ?? so.settings.knownHostsFiles;
    const transportFactory = await createSshTransportFactory({
      hostKeyPolicy: policy,
      ...(knownHostsFiles ? { knownHostsFiles } : {}),
      ...(opts.sshConfig ? { sshConfigFile: opts.sshConfig } : {}),
      onRetry: (host, err, retry, delayMs) => log.logger.warn({ host, retry, delayMs, err: String(err) }, 'connect retry'),
    });
    const cancel = new CancelController();
    const nova = openNova(opts, so, warn, cancel.hard);
    // Credentials and rights are checked once here, so a wrong password exits 4 before any host is contacted.
    try {
      await nova?.preflight();
    } catch (err) {
      nova?.close();
      throw err;
    }
    const onSigint = () => {
      cancel.cancel();
      process.stderr.write(cancel.stage === 'hard'
        ? '\nmds-orchestrate: aborting in-flight commands; state is saved\n'
        : '\nmds-orchestrate: stopping after the steps in flight (Ctrl-C again to abort them)\n');
    };
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigint);
    log.logger.info({ argv: process.argv.slice(2) }, 'session opened');
    return {
      runId, logger: log.logger, logPath: log.path, transportFactory, nova: nova?.nova ?? null,
      events: new EngineEvents(), cancel, warnings,
      async close() {
        process.off('SIGINT', onSigint);
        process.off('SIGTERM', onSigint);
        nova?.close();
        log.close();
        await lock?.release();
      },
    };
  } catch (err) {
    await lock?.release();
    throw err;
  }
}

/** The package names whose installed versions the facts gather asks rpm for. */
export function packagesToQuery(minimums: Record<string, Record<string, string>> | undefined): string[] {
  const names = new Set<string>(['kernel', 'microcode_ctl', 'libvirt', 'qemu-kvm', 'qemu-kvm-rhev']);
  for (const perDist of Object.values(minimums ?? {})) for (const n of Object.keys(perDist)) names.add(n);
  return [...names];
}

/** One exec per host gathers every fact; transports are closed by the caller's end of run. */
export function makeGatherFacts(packages: string[], record: (host: string, facts: HostFacts) => void, novaConfPath = '/etc/nova/nova.conf') {
  return async (transport: Transport, host: HostSpec, signal: AbortSignal): Promise<HostFacts> => {
    const command = buildGatherCommand({ packages, novaConfPath, virshTimeoutSec: 60 });
    const res = await transport.exec(command, { become: true, signal, timeoutMs: 180_000, maxOutputBytes: 64 * 1024 * 1024 });
    const facts = parseGather(res.stdout);
    record(host.name, facts);
    return facts;
  };
}
