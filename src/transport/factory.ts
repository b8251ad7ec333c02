// Builds the per-host SshTransport from run-wide options: known_hosts, policy, ssh_config, timeouts, retries, secrets.
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { HostKeyPolicy, HostSpec } from '../inventory/types.js';
import type { SourceLocation } from '../util/errors.js';
import { DEFAULT_BACKOFF, type BackoffOptions } from '../util/backoff.js';
import { KnownHosts } from './known-hosts.js';
import { createSecretSource, type SecretSource, type SecretSourceOptions } from './secrets.js';
import { SshConfig } from './ssh-config.js';
import { KeyStore } from './ssh-keys.js';
import { resolveSshTarget, type SshTarget } from './ssh-target.js';
import { SshTransport } from './ssh-transport.js';
import type { Transport } from './types.js';

export interface SshTransportFactoryOptions {
  /**
   * known_hosts files; new keys (accept-new) go to the first. Given here (command line, inventory), they win over
   * ssh_config's UserKnownHostsFile; the default is ssh's, ~/.ssh/known_hosts and ~/.ssh/known_hosts2.
   */
  knownHostsFiles?: string[];
  /** Read-only known_hosts files; default ssh_config's GlobalKnownHostsFile, else /etc/ssh/ssh_known_hosts{,2}. */
  globalKnownHostsFiles?: string[];
  /** Given here (command line, inventory), wins over ssh_config's StrictHostKeyChecking; default strict. */
  hostKeyPolicy?: HostKeyPolicy;
  /** Record accepted keys hashed (|1|salt|hash), like HashKnownHosts yes; default ssh_config's HashKnownHosts. */
  hashKnownHosts?: boolean;
  /** Explicit ssh config (-F): must exist. Default ~/.ssh/config if present; null for none. */
  sshConfigFile?: string | null;
  connectTimeoutMs?: number;
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  retry?: Partial<BackoffOptions>;
  maxChannelsPerHost?: number;
  /** ssh-agent socket; default ssh_config's IdentityAgent, else SSH_AUTH_SOCK; null disables the agent. */
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

const GLOBAL_KNOWN_HOSTS = ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'];

/** One store per distinct set of files, shared by every host that names the same ones. */
class KnownHostsStores {
  private readonly stores = new Map<string, KnownHosts>();

  get(user: string[], global: string[], hash: boolean): KnownHosts {
    const key = JSON.stringify([user, global, hash]);
    let s = this.stores.get(key);
    if (!s) {
      s = KnownHosts.deferred(user, { globalPaths: global, hashNewEntries: hash });
      this.stores.set(key, s);
    }
    return s;
  }
}

/** The ssh_config a run uses: `-F`-style explicit file (must exist), ~/.ssh/config if present, or none (null). */
export function loadSshConfig(file: string | null | undefined, home = homedir()): SshConfig {
  if (file === null) return SshConfig.empty();
  if (file === undefined) return SshConfig.load(join(home, '.ssh', 'config'), { home });
  return SshConfig.load(file, { required: true, home });
}

/**
 * Resolves every host's ssh settings once, before any host is contacted, so a refused or broken ssh_config line
 * (Match exec, an unknown %token, an unset ${VAR}) is a configuration error (exit 4), not a failure halfway through.
 */
export function checkSshTargets(
  hosts: readonly HostSpec[],
  file: string | null | undefined,
  locate?: (host: string, variable: string) => SourceLocation | undefined,
  home = homedir(),
): Map<string, SshTarget> {
  const config = loadSshConfig(file, home);
  // The resolved targets are returned so the caller can tell two entries that reach one box (src/cli/duplicate-targets.ts).
  return new Map(hosts.map((h) => [h.name, resolveSshTarget(h, config, { home, ...(locate ? { locate } : {}) })]));
}

/**
 * Reads the default known_hosts and ssh_config once (both throw ConfigError-class problems before any host is
 * contacted); every transport made by the factory shares them and the decrypted keys. A host whose ssh_config
 * names other known_hosts files gets a store for those, shared with every host naming the same files.
 *
 * Precedence, per setting: this tool's command line or inventory (mds_known_hosts_file, mds_host_key_checking, the
 * inventory's connection vars), then ssh_config, then ssh's defaults.
 */
export async function createSshTransportFactory(options: SshTransportFactoryOptions = {}): Promise<SshTransportFactory> {
  const home = options.home ?? homedir();
  const stores = new KnownHostsStores();
  const defaultUserFiles = options.knownHostsFiles ?? [join(home, '.ssh', 'known_hosts'), join(home, '.ssh', 'known_hosts2')];
  const defaultGlobal = options.globalKnownHostsFiles ?? GLOBAL_KNOWN_HOSTS;
  await stores.get(defaultUserFiles, defaultGlobal, options.hashKnownHosts ?? false).ready();
  const sshConfig = loadSshConfig(options.sshConfigFile, home);
  const secrets = isSecretSource(options.secrets) ? options.secrets : createSecretSource(options.secrets);
  const keys = new KeyStore(secrets);
  const agentSocket = options.agentSocket === null ? undefined : (options.agentSocket ?? process.env['SSH_AUTH_SOCK'] ?? undefined);
  const retry: BackoffOptions = { ...DEFAULT_BACKOFF, ...options.retry };
  return (host: HostSpec): Transport => {
    const target = resolveSshTarget(host, sshConfig, { home });
    const knownHosts = stores.get(
      options.knownHostsFiles ?? target.knownHostsFiles ?? defaultUserFiles,
      options.globalKnownHostsFiles ?? target.globalKnownHostsFiles ?? GLOBAL_KNOWN_HOSTS,
      options.hashKnownHosts ?? target.config.hashKnownHosts ?? false,
    );
    const agent = options.agentSocket === null ? undefined
      : options.agentSocket ?? (target.identityAgent === undefined ? agentSocket : (target.identityAgent ?? undefined));
    return new SshTransport(host, target, {
      connect: {
        readyTimeoutMs: options.connectTimeoutMs ?? (target.config.connectTimeoutSec ?? 20) * 1000,
        keepaliveIntervalMs: options.keepaliveIntervalMs ?? (target.config.serverAliveIntervalSec ?? 15) * 1000,
        keepaliveCountMax: options.keepaliveCountMax ?? target.config.serverAliveCountMax ?? 3,
        policy: options.hostKeyPolicy ?? target.hostKeyPolicy ?? 'strict',
        knownHosts,
        keys,
        secrets,
        agentSocket: agent === '' ? undefined : agent,
        identitiesOnly: false,
        allowPassword: options.allowPassword ?? true,
      },
      retry,
      ...(options.maxChannelsPerHost === undefined ? {} : { maxChannels: options.maxChannelsPerHost }),
      ...(options.onRetry === undefined ? {} : { onRetry: options.onRetry }),
    });
  };
}
