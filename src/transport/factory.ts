// Builds the per-host SshTransport from run-wide options: known_hosts, policy, ssh_config, timeouts, retries, secrets.
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { HostKeyPolicy, HostSpec } from '../inventory/types.js';
import { DEFAULT_BACKOFF, type BackoffOptions } from '../util/backoff.js';
import { KnownHosts } from './known-hosts.js';
import { createSecretSource, type SecretSource, type SecretSourceOptions } from './secrets.js';
import { SshConfig } from './ssh-config.js';
import { KeyStore } from './ssh-keys.js';
import { resolveSshTarget } from './ssh-target.js';
import { SshTransport } from './ssh-transport.js';
import type { Transport } from './types.js';

export interface SshTransportFactoryOptions {
  /** known_hosts files; new keys (accept-new) go to the first. Default ~/.ssh/known_hosts. */
  knownHostsFiles?: string[];
  hostKeyPolicy?: HostKeyPolicy;
  /** Record accepted keys hashed (|1|salt|hash), like HashKnownHosts yes. */
  hashKnownHosts?: boolean;
  /** Explicit ssh config (-F): must exist. Default ~/.ssh/config if present; null for none. */
  sshConfigFile?: string | null;
  connectTimeoutMs?: number;
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  retry?: Partial<BackoffOptions>;
  maxChannelsPerHost?: number;
  /** ssh-agent socket; default SSH_AUTH_SOCK; null disables the agent. */
  agentSocket?: string | null;
  /** Try a password (env / prompt) after keys; default true. */
  allowPassword?: boolean;
  secrets?: SecretSource | SecretSourceOptions;
  home?: string;
  onRetry?: (host: string, err: unknown, retry: number, delayMs: number) => void;
}

export type SshTransportFactory = (host: HostSpec) => Transport;

function isSecretSource(v: SecretSource | SecretSourceOptions | undefined): v is SecretSource {
  return v !== undefined && typeof (v as SecretSource).passphrase === 'function';
}

/**
 * Reads known_hosts and ssh_config once (both throw ConfigError-class problems before any host is
 * contacted); every transport made by the factory shares them and the decrypted keys.
 */
export async function createSshTransportFactory(options: SshTransportFactoryOptions = {}): Promise<SshTransportFactory> {
  const home = options.home ?? homedir();
  const knownHosts = await KnownHosts.load(options.knownHostsFiles ?? [join(home, '.ssh', 'known_hosts')], {
    hashNewEntries: options.hashKnownHosts ?? false,
  });
  const sshConfig = options.sshConfigFile === null
    ? SshConfig.empty()
    : options.sshConfigFile === undefined
      ? SshConfig.load(join(home, '.ssh', 'config'), { home })
      : SshConfig.load(options.sshConfigFile, { required: true, home });
  const secrets = isSecretSource(options.secrets) ? options.secrets : createSecretSource(options.secrets);
  const keys = new KeyStore(secrets);
  const agentSocket = options.agentSocket === null ? undefined : (options.agentSocket ?? process.env['SSH_AUTH_SOCK'] ?? undefined);
  const retry: BackoffOptions = { ...DEFAULT_BACKOFF, ...options.retry };
  return (host: HostSpec): Transport => {
    const target = resolveSshTarget(host, sshConfig, { home });
    return new SshTransport(host, target, {
      connect: {
        readyTimeoutMs: options.connectTimeoutMs ?? (target.config.connectTimeoutSec ?? 20) * 1000,
        keepaliveIntervalMs: options.keepaliveIntervalMs ?? (target.config.serverAliveIntervalSec ?? 15) * 1000,
        keepaliveCountMax: options.keepaliveCountMax ?? target.config.serverAliveCountMax ?? 3,
        policy: options.hostKeyPolicy ?? 'strict',
        knownHosts,
        keys,
        secrets,
        agentSocket: agentSocket === '' ? undefined : agentSocket,
        identitiesOnly: false,
        allowPassword: options.allowPassword ?? true,
      },
      retry,
      ...(options.maxChannelsPerHost === undefined ? {} : { maxChannels: options.maxChannelsPerHost }),
      ...(options.onRetry === undefined ? {} : { onRetry: options.onRetry }),
    });
  };
}
