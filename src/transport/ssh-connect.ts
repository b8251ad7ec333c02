// Opens one authenticated ssh2 connection (directly or over a bastion's forwarded stream) and classifies its failures.
import type { Duplex } from 'node:stream';
import ssh2 from 'ssh2';
import type { AnyAuthMethod, AuthenticationType, Client as ClientType, NextAuthHandler } from 'ssh2';
import type { HostKeyPolicy } from '../inventory/types.js';
import { preferredHostKeyAlgorithms, verifyHostKey } from './host-key-policy.js';
import type { KnownHosts } from './known-hosts.js';
import { spawnProxyCommand } from './proxy-command.js';
import type { SecretSource } from './secrets.js';
import type { KeyStore } from './ssh-keys.js';
import type { SshEndpoint, SshTarget } from './ssh-target.js';
import { AbortedError, AuthError, HostKeyError, UnreachableError } from './types.js';
import { declineHostKeyOffers } from './ssh-hostkeys-decline.js';

const { Client } = ssh2;

export interface ConnectSettings {
  readyTimeoutMs: number;
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
  policy: HostKeyPolicy;
  knownHosts: KnownHosts;
  keys: KeyStore;
  secrets: SecretSource;
  /** ssh-agent socket, or undefined for none. */
  agentSocket: string | undefined;
  identitiesOnly: boolean;
  allowPassword: boolean;
}

// Errors worth retrying: the host may be rebooting or briefly overloaded.
const transient = new WeakSet<Error>();
const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ECONNABORTED']);

export function isTransient(err: unknown): boolean {
  return err instanceof Error && transient.has(err);
}

function markTransient<E extends Error>(err: E): E {
  transient.add(err);
  return err;
}

/** Auth methods in ssh's order (agent, key files, password), produced lazily so nothing is prompted unless needed. */
function makeAuthHandler(ep: SshEndpoint, s: ConnectSettings, host: string, keyErrors: string[], tried: string[]) {
  const steps: Array<() => Promise<AnyAuthMethod | null>> = [];
  if (s.agentSocket !== undefined && !s.identitiesOnly) {
    steps.push(async () => {
      tried.push('ssh-agent');
      return { type: 'agent', username: ep.user, agent: s.agentSocket as string };
    });
  }
  for (const file of ep.identityFiles) {
    steps.push(async () => {
      try {
        const key = await s.keys.load(file, host);
        tried.push(`key ${file}`);
        return { type: 'publickey', username: ep.user, key };
      } catch (err) {
        keyErrors.push((err as Error).message);
        return null;
      }
    });
  }
  if (s.allowPassword) {
    steps.push(async () => {
      const password = await s.secrets.password(ep.user, ep.address);
      if (password === undefined) return null;
      tried.push('password');
      return { type: 'password', username: ep.user, password };
    });
  }
  let i = 0;
  return (methodsLeft: AuthenticationType[] | null, _partial: boolean | null, next: NextAuthHandler): void => {
    const advance = async (): Promise<void> => {
      while (i < steps.length) {
        const step = steps[i++] as () => Promise<AnyAuthMethod | null>;
        const method = await step();
        if (method === null) continue;
        const wire = method.type === 'agent' ? 'publickey' : method.type;
        if (methodsLeft !== null && !methodsLeft.includes(wire)) continue;
        next(method);
        return;
      }
      next(false as unknown as AuthenticationType);
    };
    void advance();
  };
}

/** Connects and authenticates one endpoint; `sock` carries it through a bastion. Rejects with a classified error. */
export async function connectEndpoint(ep: SshEndpoint, s: ConnectSettings, host: string, sock?: Duplex, signal?: AbortSignal): Promise<ClientType> {
  await s.knownHosts.ready(); // a store read lazily (per-host UserKnownHostsFile) is complete before any key is judged
  return connectReady(ep, s, host, sock, signal);
}

function connectReady(ep: SshEndpoint, s: ConnectSettings, host: string, sock?: Duplex, signal?: AbortSignal): Promise<ClientType> {
  const ctx = { host };
  const where = ep.label === host ? `${ep.user}@${ep.address}:${ep.port}` : `${ep.label} (${ep.user}@${ep.address}:${ep.port})`;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new AbortedError(`aborted before connecting to ${where}`, ctx));
      return;
    }
    const client = new Client();
    let hostKeyError: HostKeyError | undefined;
    let done = false;
    const keyErrors: string[] = [];
    const tried: string[] = [];
    const finish = (err: Error | undefined): void => {
      if (done) return;
      done = true;
      signal?.removeEventListener('abort', onAbort);
      if (err === undefined) {
        resolve(client);
        return;
      }
      client.removeAllListeners('ready');
      client.on('error', () => undefined); // late errors from a connection we are discarding
      client.end();
      reject(err);
    };
    const onAbort = (): void => finish(new AbortedError(`aborted while connecting to ${where}`, ctx));
    signal?.addEventListener('abort', onAbort, { once: true });

    client.once('ready', () => finish(undefined));
    client.on('error', (err: Error & { level?: string; code?: string }) => {
      if (hostKeyError !== undefined) return finish(hostKeyError);
      if (err.level === 'client-authentication') {
        const detail = keyErrors.length > 0 ? `; ${keyErrors.join('; ')}` : '';
        return finish(new AuthError(`authentication failed for ${where} (tried: ${tried.join(', ') || 'nothing usable'})${detail}`, ctx));
      }
      if (err.level === 'client-dns') return finish(new UnreachableError(`cannot resolve ${ep.address}: ${err.message}`, { ...ctx, cause: err }));
      if (err.level === 'client-timeout') {
        return finish(markTransient(new UnreachableError(`timed out connecting to ${where} (${err.message})`, { ...ctx, cause: err })));
      }
      const code = err.code ?? '';
      const isKnownTransient = TRANSIENT_CODES.has(code) || err.level === 'client-socket' || err.level === 'protocol' || err.level === 'handshake';
      const e = new UnreachableError(`cannot connect to ${where}: ${code || err.message}`, { ...ctx, cause: err });
      return finish(isKnownTransient ? markTransient(e) : e);
    });
    client.on('close', () => {
      if (hostKeyError !== undefined) return finish(hostKeyError);
      finish(markTransient(new UnreachableError(`connection to ${where} closed during the handshake`, ctx)));
    });

    client.connect({
      host: ep.address,
      port: ep.port,
      username: ep.user,
      ...(sock === undefined ? {} : { sock }),
      readyTimeout: s.readyTimeoutMs,
      keepaliveInterval: s.keepaliveIntervalMs,
      keepaliveCountMax: s.keepaliveCountMax,
      algorithms: { serverHostKey: preferredHostKeyAlgorithms(s.knownHosts.knownKeyTypes(ep.knownHostNames)) as never },
      hostVerifier: (key: Buffer, verify: (ok: boolean) => void): void => {
        verifyHostKey({ host, names: ep.knownHostNames, policy: s.policy, store: s.knownHosts }, key).then(
          () => verify(true),
          (err: unknown) => {
            hostKeyError = err instanceof HostKeyError ? err : new HostKeyError(`host key check failed for ${where}: ${(err as Error).message}`, ctx);
            verify(false);
          },
        );
      },
      authHandler: makeAuthHandler(ep, s, host, keyErrors, tried),
    });
    declineHostKeyOffers(client);
  });
}

/** Opens a socket to `next` through an established connection, the way `ssh -J` does. */
export function forwardTo(via: ClientType, viaLabel: string, next: SshEndpoint, host: string): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    via.forwardOut('127.0.0.1', 0, next.address, next.port, (err, stream) => {
      if (err) {
        reject(markTransient(new UnreachableError(`bastion ${viaLabel} cannot reach ${next.address}:${next.port}: ${err.message}`, { host, cause: err })));
        return;
      }
      resolve(stream);
    });
  });
}

/** Dials the ProxyJump chain hop by hop, then the target; returns every client, the target's last. */
export async function openChain(target: SshTarget, s: ConnectSettings, host: string, signal?: AbortSignal): Promise<ClientType[]> {
  const chain: SshEndpoint[] = [...target.jumps, target];
  const clients: ClientType[] = [];
  try {
    for (let i = 0; i < chain.length; i++) {
      const ep = chain[i] as SshEndpoint;
      const prev = clients[i - 1];
      const prevEp = chain[i - 1];
      let sock: Duplex | undefined;
      if (prev !== undefined && prevEp !== undefined) sock = await forwardTo(prev, prevEp.label, ep, host);
      else if (target.proxyCommand !== undefined) sock = spawnProxyCommand(target.proxyCommand).sock;
      const last = i === chain.length - 1;
      const settings = last ? { ...s, identitiesOnly: s.identitiesOnly || target.config.identitiesOnly === true } : s;
      clients.push(await connectEndpoint(ep, settings, host, sock, signal));
    }
  } catch (err) {
    for (const c of clients) c.end();
    throw err;
  }
  return clients;
}
