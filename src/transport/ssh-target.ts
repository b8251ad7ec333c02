// Resolves a HostSpec plus ssh_config into concrete connection endpoints: address, port, user, keys and ProxyJump chain.
import { existsSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { HostSpec } from '../inventory/types.js';
import { ConfigError } from '../util/errors.js';
import { expandTilde, type SshConfig, type SshConfigValues } from './ssh-config.js';
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
  config: SshConfigValues;
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

function expandTokens(value: string, t: { host: string; original: string; port: number; user: string }, home: string): string {
  return expandTilde(value, home).replace(/%([%hnprud])/g, (_m, c: string) => {
    switch (c) {
      case '%': return '%';
      case 'h': return t.host;
      case 'n': return t.original;
      case 'p': return String(t.port);
      case 'r': return t.user;
      case 'u': return userInfo().username;
      default: return home; // %d
    }
  });
}

function identities(explicit: string[], cfg: string[], ctx: { host: string; original: string; port: number; user: string }, home: string): string[] {
  const files = [...explicit, ...cfg].map((f) => expandTokens(f, ctx, home));
  if (files.length > 0) return [...new Set(files)];
  // Like ssh: with nothing configured, try the usual key files that exist.
  return DEFAULT_IDENTITIES.map((n) => join(home, '.ssh', n)).filter((f) => existsSync(f));
}

export interface ResolveOptions {
  home?: string;
}

/** Inventory connection vars win over ssh_config, which wins over HostSpec defaults (Ansible passes -o options the same way). */
export function resolveSshTarget(spec: HostSpec, config: SshConfig, opts: ResolveOptions = {}): SshTarget {
  const home = opts.home ?? homedir();
  const lookupName = spec.address;
  const cfg = config.lookup(lookupName);
  const v = spec.vars;
  const port = hasVar(v, 'ansible_port', 'ansible_ssh_port') ? spec.port : (cfg.port ?? spec.port);
  const user = hasVar(v, 'ansible_user', 'ansible_ssh_user', 'ansible_remote_user') ? spec.user : (cfg.user ?? spec.user);
  const address = hasVar(v, 'ansible_host', 'ansible_ssh_host') || cfg.hostName === undefined
    ? spec.address
    : expandTokens(cfg.hostName, { host: lookupName, original: lookupName, port, user }, home);
  const tctx = { host: address, original: lookupName, port, user };
  const jumpsValue = v['ansible_ssh_proxy_jump'] ?? cfg.proxyJump;
  const identityFiles = identities(spec.privateKeyFile === undefined ? [] : [spec.privateKeyFile], cfg.identityFiles, tctx, home);
  const jumps = typeof jumpsValue === 'string'
    ? parseProxyJump(jumpsValue).map((j) => resolveJump(j, config, user, identityFiles, home))
    : [];
  return {
    label: spec.name,
    address,
    port,
    user,
    identityFiles,
    knownHostNames: [knownHostName(address, port)],
    jumps,
    config: cfg,
  };
}

/**
 * A bastion gets its own ssh_config lookup; without one, it uses the target's user and keys (one admin
 * account across the fleet is the common case).
 */
function resolveJump(j: JumpSpec, config: SshConfig, defaultUser: string, defaultIds: string[], home: string): SshEndpoint {
  const cfg = config.lookup(j.host);
  const port = j.port ?? cfg.port ?? 22;
  const user = j.user ?? cfg.user ?? defaultUser;
  const address = cfg.hostName === undefined ? j.host : expandTokens(cfg.hostName, { host: j.host, original: j.host, port, user }, home);
  return {
    label: j.host,
    address,
    port,
    user,
    identityFiles: cfg.identityFiles.length > 0
      ? identities([], cfg.identityFiles, { host: address, original: j.host, port, user }, home)
      : defaultIds,
    knownHostNames: [knownHostName(address, port)],
  };
}
