// Resolves a HostSpec plus ssh_config into concrete connection endpoints: address, port, user, keys and ProxyJump chain.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { HostKeyPolicy, HostSpec } from '../inventory/types.js';
import { ConfigError, type SourceLocation } from '../util/errors.js';
import type { SshConfig, SshConfigValues } from './ssh-config.js';
import { expandEnv, expandTilde, expandTokens, TOKENS, type TokenContext } from './ssh-tokens.js';
import { knownHostName } from './known-hosts.js';

export interface SshEndpoint {
  /** Name used in messages (inventory name, or the jump host as written). */
  label: string;
  address: string;
  port: number;
  user: string;
  identityFiles: string[];
  /** Forms under which known_hosts may list this endpoint. */
  knownHostNames: string[];
}

export interface SshTarget extends SshEndpoint {
  /** Bastions to pass through, in order: the first is dialled directly, each next one through the previous. */
  jumps: SshEndpoint[];
  /** ProxyCommand with its tokens expanded; the first hop goes through its stdin/stdout. */
  proxyCommand?: string;
  config: SshConfigValues;
  /** From ssh_config (IdentityAgent, null = none; UserKnownHostsFile; GlobalKnownHostsFile; StrictHostKeyChecking). */
  identityAgent?: string | null;
  knownHostsFiles?: string[];
  globalKnownHostsFiles?: string[];
  hostKeyPolicy?: HostKeyPolicy;
}

export interface JumpSpec {
  user?: string;
  host: string;
  port?: number;
}

/** Parses ProxyJump: `[user@]host[:port]` (or `ssh://...`, `[v6]:port`), comma-separated; `none` means none. */
export function parseProxyJump(value: string, where = 'ProxyJump'): JumpSpec[] {
  if (value.trim().toLowerCase() === 'none') return [];
  return value.split(',').map((raw) => {
    let s = raw.trim().replace(/^ssh:\/\//, '');
    let user: string | undefined;
    const at = s.lastIndexOf('@');
    if (at >= 0) {
      user = s.slice(0, at);
      s = s.slice(at + 1);
    }
    let host = s;
    let port: number | undefined;
    const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
    const v4 = /^([^:]+):(\d+)$/.exec(s);
    if (v6) {
      host = v6[1] ?? '';
      if (v6[2] !== undefined) port = Number(v6[2]);
    } else if (v4) {
      host = v4[1] ?? '';
      port = Number(v4[2]);
    }
    if (host === '' || user === '' || (port !== undefined && (port < 1 || port > 65535))) {
      throw new ConfigError({ file: where }, 'ProxyJump', `bad jump host "${raw.trim()}" (expected [user@]host[:port])`);
    }
    return { host, ...(user === undefined ? {} : { user }), ...(port === undefined ? {} : { port }) };
  });
}

const DEFAULT_IDENTITIES = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

function hasVar(vars: Record<string, unknown>, ...names: string[]): boolean {
  return names.some((n) => vars[n] !== undefined && vars[n] !== null);
}

interface Ctx extends TokenContext {
  cfg: SshConfigValues;
}

function identities(explicit: string[], c: Ctx): string[] {
  const fromCfg = c.cfg.identityFiles.map((f) => {
    const where = c.cfg.origins[`identityfile:${f}`] ?? { file: 'ssh_config' };
    return expandTokens(expandEnv(expandTilde(f, c.home), where, 'IdentityFile'), c, TOKENS.identityFile, where, 'IdentityFile');
  });
  const files = [...explicit, ...fromCfg];
  if (files.length > 0) return [...new Set(files)];
  // Like ssh: with nothing configured, try the usual key files that exist.
  return DEFAULT_IDENTITIES.map((n) => join(c.home ?? homedir(), '.ssh', n)).filter((f) => existsSync(f));
}

/** ssh_config's StrictHostKeyChecking as this tool's policy; `no`/`off` become accept-new (deliberately stricter). */
export function policyFromSshConfig(value: string | undefined): HostKeyPolicy | undefined {
  if (value === undefined) return undefined;
  if (value === 'accept-new' || value === 'no' || value === 'off' || value === 'false') return 'accept-new';
  return 'strict'; // yes, ask (nobody to ask: ssh -o BatchMode=yes treats ask as yes)
}

function fileList(values: string[] | undefined, c: Ctx, keyword: string): string[] | undefined {
  if (values === undefined) return undefined;
  if (values.length === 1 && values[0]?.toLowerCase() === 'none') return [];
  const where = c.cfg.origins[keyword.toLowerCase()] ?? { file: 'ssh_config' };
  return values.map((v) => expandTokens(expandEnv(expandTilde(v, c.home), where, keyword), c, TOKENS.knownHostsFile, where, keyword));
}

/**
 * ssh's valid_hostname: no leading "-", no blank, control or shell character (a name goes into ProxyCommand's %h
 * and known_hosts); ssh refuses such a name, and so does this tool.
 */
function checkHostName(name: string, host: string, where: SourceLocation, field: string): void {
  if (name.startsWith('-') || /[\s'`"$\\;&<>|(){}\x00-\x1f\x7f]/.test(name)) {
    throw new ConfigError(where, field, `host ${host}: "${name}" is not a valid host name (ssh refuses names with blanks, quotes, shell characters or a leading "-")`);
  }
}

export interface ResolveOptions {
  home?: string;
  /** Where the inventory set a host's variable, for errors about it. */
  locate?: (host: string, variable: string) => SourceLocation | undefined;
  env?: NodeJS.ProcessEnv;
}

/**
 * Inventory connection vars win over ssh_config, which wins over HostSpec defaults: Ansible passes them to ssh as
 * `-o User=... -o Port=...`, which ssh reads before any file, and connects to ansible_host, the name looked up here.
 */
export function resolveSshTarget(spec: HostSpec, config: SshConfig, opts: ResolveOptions = {}): SshTarget {
  const home = opts.home ?? homedir();
  const env = opts.env ?? process.env;
  const lookupName = spec.address;
  const v = spec.vars;
  const userSet = hasVar(v, 'ansible_user', 'ansible_ssh_user', 'ansible_remote_user');
  const portSet = hasVar(v, 'ansible_port', 'ansible_ssh_port');
  const cfg = config.lookup(lookupName, { ...(userSet ? { user: spec.user } : {}), ...(portSet ? { port: spec.port } : {}) });
  // A HostSpec built without inventory vars (tests, the lab) still carries its port and user as defaults.
  const port = cfg.port ?? spec.port;
  const user = cfg.user ?? spec.user;
  const hostSet = hasVar(v, 'ansible_host', 'ansible_ssh_host');
  const base = { original: lookupName, port, user, home, ...(cfg.hostKeyAlias === undefined ? {} : { hostKeyAlias: cfg.hostKeyAlias }) };
  const address = (hostSet || cfg.hostName === undefined
    ? spec.address
    : expandTokens(cfg.hostName, { ...base, host: lookupName }, TOKENS.hostName, cfg.origins['hostname'] ?? { file: 'ssh_config' }, 'HostName')
  ).toLowerCase(); // ssh lowercases the host name it connects to and records
  const named = opts.locate?.(spec.name, hostSet ? 'ansible_host' : 'inventory_hostname') ?? { file: '(inventory)' };
  checkHostName(lookupName, spec.name, named, hostSet ? 'ansible_host' : 'host name');
  checkHostName(address, spec.name, cfg.origins['hostname'] ?? named, cfg.origins['hostname'] ? 'HostName' : 'ansible_host');
  const c: Ctx = { ...base, host: address, cfg };
  const jumpsValue = v['ansible_ssh_proxy_jump'] ?? cfg.proxyJump;
  const identityFiles = identities(spec.privateKeyFile === undefined ? [] : [spec.privateKeyFile], c);
  const jumps = typeof jumpsValue === 'string'
    ? parseProxyJump(jumpsValue).map((j) => resolveJump(j, config, user, identityFiles, home))
    : [];
  const proxyCommand = typeof jumpsValue === 'string' || cfg.proxyCommand === undefined || cfg.proxyCommand.toLowerCase() === 'none'
    ? undefined
    : expandTokens(cfg.proxyCommand, c, TOKENS.proxyCommand, cfg.origins['proxycommand'] ?? { file: 'ssh_config' }, 'ProxyCommand');
  let identityAgent: string | null | undefined;
  if (cfg.identityAgent !== undefined) {
    const where = cfg.origins['identityagent'] ?? { file: 'ssh_config' };
    const a = cfg.identityAgent;
    identityAgent = a.toLowerCase() === 'none' ? null : a === 'SSH_AUTH_SOCK' ? (env['SSH_AUTH_SOCK'] ?? null)
      : expandTokens(expandEnv(expandTilde(a, home), where, 'IdentityAgent', env), c, TOKENS.identityAgent, where, 'IdentityAgent');
  }
  const knownHostsFiles = fileList(cfg.userKnownHostsFiles, c, 'UserKnownHostsFile');
  const globalKnownHostsFiles = fileList(cfg.globalKnownHostsFiles, c, 'GlobalKnownHostsFile');
  const hostKeyPolicy = policyFromSshConfig(cfg.strictHostKeyChecking);
  return {
    label: spec.name,
    address,
    port,
    user,
    identityFiles,
    knownHostNames: [cfg.hostKeyAlias?.toLowerCase() ?? knownHostName(address, port)],
    jumps,
    config: cfg,
    ...(proxyCommand === undefined ? {} : { proxyCommand }),
    ...(identityAgent === undefined ? {} : { identityAgent }),
    ...(knownHostsFiles === undefined ? {} : { knownHostsFiles }),
    ...(globalKnownHostsFiles === undefined ? {} : { globalKnownHostsFiles }),
    ...(hostKeyPolicy === undefined ? {} : { hostKeyPolicy }),
  };
}

/**
 * A bastion gets its own ssh_config lookup; without one, it uses the target's user and keys (one admin
 * account across the fleet is the common case).
 */
function resolveJump(j: JumpSpec, config: SshConfig, defaultUser: string, defaultIds: string[], home: string): SshEndpoint {
  const cfg = config.lookup(j.host, { ...(j.user === undefined ? {} : { user: j.user }), ...(j.port === undefined ? {} : { port: j.port }) });
  const port = cfg.port ?? 22;
  const user = cfg.user ?? defaultUser;
  const address = (cfg.hostName === undefined
    ? j.host
    : expandTokens(cfg.hostName, { host: j.host, original: j.host, port, user, home }, TOKENS.hostName, cfg.origins['hostname'] ?? { file: 'ssh_config' }, 'HostName')).toLowerCase();
  const c: Ctx = { host: address, original: j.host, port, user, home, cfg };
  return {
    label: j.host,
    address,
    port,
    user,
    identityFiles: cfg.identityFiles.length > 0 ? identities([], c) : defaultIds,
    knownHostNames: [cfg.hostKeyAlias?.toLowerCase() ?? knownHostName(address, port)],
  };
}
