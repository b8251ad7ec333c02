// Wires a clouds.yaml cloud into a ready Nova client: HTTP client with the cloud's TLS settings, Keystone session, Nova.
import { readFileSync } from 'node:fs';
import { ConfigError } from '../util/errors.js';
import type { CloudConfig } from './clouds.js';
import { HttpClient, type HttpClientOptions } from './http.js';
import { KeystoneSession } from './keystone.js';
import { createNovaClient, type NovaClient } from './nova.js';

export interface ConnectOptions {
  /** Receives the warning when the cloud disables TLS verification. */
  warn: (message: string) => void;
  signal?: AbortSignal;
  http?: Pick<HttpClientOptions, 'timeoutMs' | 'retries' | 'backoffBaseMs' | 'backoffMaxMs'>;
  maxMicroversion?: string;
}

export interface NovaConnection {
  nova: NovaClient;
  session: KeystoneSession;
  /** Releases keep-alive sockets. */
  close(): void;
}

export function connectNova(cloud: CloudConfig, opts: ConnectOptions): NovaConnection {
  let ca: Buffer | undefined;
  if (cloud.tls.verify && cloud.tls.cacert !== undefined) {
    try {
      ca = readFileSync(cloud.tls.cacert);
    } catch (err) {
      throw new ConfigError({ file: cloud.file }, `clouds.${cloud.name}.cacert`, `cannot read ${cloud.tls.cacert}`, { cause: err });
    }
  }
  const http = new HttpClient({
    ...(cloud.apiTimeoutMs === undefined ? {} : { timeoutMs: cloud.apiTimeoutMs }),
    ...opts.http,
    ...(ca === undefined ? {} : { ca }),
    ...(cloud.tls.verify ? {} : { insecure: { warn: (m: string) => opts.warn(`cloud ${cloud.name}: ${m}`) } }),
  });
  const session = new KeystoneSession(http, cloud.auth, { warn: (m) => opts.warn(`cloud ${cloud.name}: ${m}`) });
  const nova = createNovaClient({
    session,
    interface: cloud.interface,
    ...(cloud.regionName === undefined ? {} : { region: cloud.regionName }),
    ...(opts.signal === undefined ? {} : { signal: opts.signal }),
    ...(opts.maxMicroversion === undefined ? {} : { maxMicroversion: opts.maxMicroversion }),
  });
  return { nova, session, close: () => http.close() };
}
