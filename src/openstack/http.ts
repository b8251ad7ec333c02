// JSON over node:http/node:https for the OpenStack APIs: timeouts that fire, abort, verified TLS with cacert, safe retries.
import http from 'node:http';
import https from 'node:https';
import { AbortedError } from '../transport/types.js';
import { backoffDelay, retryAfterMs } from '../util/backoff.js';
import { sleep } from '../util/sleep.js';
import {
  ConflictError, NotFoundError, OpenStackConnectionError, OpenStackHttpError, OpenStackTimeoutError, OpenStackTlsError,
  type RequestInfo,
} from './errors.js';
import { apiMessageOf } from './api-message.js';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpClientOptions {
  /** Per attempt, from socket open to the last body byte. Default 30 s. */
  timeoutMs?: number;
  /** Extra attempts after the first. Default 3. */
  retries?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** PEM CA bundle (contents, not a path) that replaces the system CAs, as `cacert` does in clouds.yaml. */
  ca?: string | Buffer;
  /** Skip certificate verification. Needs a warning sink on purpose: turning it on silently is not possible. */
  insecure?: { warn: (message: string) => void };
  userAgent?: string;
  random?: () => number;
}

export interface HttpRequest {
  method: HttpMethod;
  url: string | URL;
  headers?: Record<string, string>;
  /** Serialised as JSON. `null` is sent as the literal `null`; undefined sends no body. */
  body?: unknown;
  /** Defaults: every method but POST and PATCH. */
  idempotent?: boolean;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface HttpResponse<T = unknown> {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** Parsed JSON, or undefined for an empty or non-JSON body. */
  body: T | undefined;
}

const RETRY_STATUSES = new Set([500, 502, 503, 504]);
const RETRY_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/**
 * Errors raised while connecting, so the server cannot have seen a byte of the request. Only these make a POST action
 * safe to resend: after a reset or a 5xx, Nova may already have accepted the live migration or stop, and sending it
 * again would either start a second operation or fail with a 409 that hides the first one's success.
 */
const NOT_SENT_ERRNOS = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
const MAX_BODY_BYTES = 64 * 1024 * 1024;

export class HttpClient {
  readonly #opts: Required<Pick<HttpClientOptions, 'timeoutMs' | 'retries' | 'backoffBaseMs' | 'backoffMaxMs'>> & HttpClientOptions;
  readonly #httpAgent = new http.Agent({ keepAlive: true });
  readonly #httpsAgent: https.Agent;
  /**
   * Non-idempotent requests get a fresh connection: on a pooled socket the server may have closed while idle, a POST
   * fails with ECONNRESET, and since it is not retried that would fail a live migration for no reason.
   */
  readonly #freshHttpAgent = new http.Agent({ keepAlive: false });
  readonly #freshHttpsAgent: https.Agent;
  readonly #secrets = new Set<string>();

  constructor(opts: HttpClientOptions = {}) {
    this.#opts = { timeoutMs: 30_000, retries: 3, backoffBaseMs: 500, backoffMaxMs: 8_000, ...opts };
    const tls = { rejectUnauthorized: opts.insecure === undefined, ...(opts.ca === undefined ? {} : { ca: opts.ca }) };
    this.#httpsAgent = new https.Agent({ keepAlive: true, ...tls });
    this.#freshHttpsAgent = new https.Agent({ keepAlive: false, ...tls });
    opts.insecure?.warn('TLS certificate verification is disabled for the OpenStack API (insecure / verify: false)');
  }

  /** Values (password, tokens) scrubbed from every error this client raises, in case a service echoes them back. */
  addSecret(value: string): void {
    if (value.length >= 4) this.#secrets.add(value);
  }

  redact(text: string): string {
    let out = text;
    for (const s of this.#secrets) out = out.split(s).join('[redacted]');
    return out;
  }

  async request<T = unknown>(req: HttpRequest): Promise<HttpResponse<T>> {
    const idempotent = req.idempotent ?? (req.method !== 'POST' && req.method !== 'PATCH');
    const policy = { baseMs: this.#opts.backoffBaseMs, maxMs: this.#opts.backoffMaxMs, random: this.#opts.random };
    for (let attempt = 0; ; attempt += 1) {
      if (req.signal?.aborted) throw new AbortedError();
      let res: HttpResponse;
      try {
        res = await this.#once(req, idempotent);
      } catch (err) {
        // A request that timed out may have been applied, so only an idempotent one is sent again.
        const retriable = (err instanceof OpenStackConnectionError && err.errno !== undefined && RETRY_ERRNOS.has(err.errno)
          && (idempotent || err.beforeSend)) || (err instanceof OpenStackTimeoutError && idempotent);
        if (!retriable || attempt >= this.#opts.retries) throw err;
        await sleep(backoffDelay(attempt, policy), req.signal);
        continue;
      }
      if (RETRY_STATUSES.has(res.status) && idempotent && attempt < this.#opts.retries) {
        const wait = retryAfterMs(res.headers['retry-after'], this.#opts.backoffMaxMs) ?? backoffDelay(attempt, policy);
        await sleep(wait, req.signal);
        continue;
      }
      if (res.status >= 400) throw this.#statusError(req, res);
      return res as HttpResponse<T>;
    }
  }

  /** Drops idle keep-alive sockets so the process (or a test) can exit. */
  close(): void {
    for (const agent of [this.#httpAgent, this.#httpsAgent, this.#freshHttpAgent, this.#freshHttpsAgent]) agent.destroy();
  }

  #info(req: HttpRequest): RequestInfo {
    const url = new URL(req.url);
    return { method: req.method, path: this.redact(`${url.pathname}${url.search}`) };
  }

  #statusError(req: HttpRequest, res: HttpResponse): OpenStackHttpError {
    const raw = apiMessageOf(res.body);
    const rid = res.headers['x-openstack-request-id'] ?? res.headers['x-compute-request-id'];
    const info = {
      ...this.#info(req),
      status: res.status,
      ...(raw === undefined ? {} : { apiMessage: this.redact(raw) }),
      ...(typeof rid === 'string' ? { requestId: rid } : {}),
    };
    if (res.status === 409) return new ConflictError(info);
    if (res.status === 404) return new NotFoundError(info);
    return new OpenStackHttpError(info);
  }

  #once(req: HttpRequest, pooled: boolean): Promise<HttpResponse> {
    const url = new URL(req.url);
    const info = this.#info(req);
    const timeoutMs = req.timeoutMs ?? this.#opts.timeoutMs;
    const payload = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body));
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'User-Agent': this.#opts.userAgent ?? 'mds-orchestrate',
      ...(payload === undefined ? {} : { 'Content-Type': 'application/json', 'Content-Length': String(payload.length) }),
      ...req.headers,
    };
    const secure = url.protocol === 'https:';
    return new Promise<HttpResponse>((resolve, reject) => {
      let settled = false;
      let response: http.IncomingMessage | undefined;
      const finish = (err: Error | undefined, value?: HttpResponse): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req.signal?.removeEventListener('abort', onAbort);
        if (err) {
          response?.destroy();
          outgoing.destroy();
          reject(err);
        } else resolve(value as HttpResponse);
      };
      const onAbort = (): void => finish(new AbortedError());
      const outgoing = (secure ? https : http).request(url, {
        method: req.method,
        headers,
        agent: pooled ? (secure ? this.#httpsAgent : this.#httpAgent) : (secure ? this.#freshHttpsAgent : this.#freshHttpAgent),
      }, (res) => {
        response = res;
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BODY_BYTES) finish(new OpenStackConnectionError({ ...info, beforeSend: false, detail: 'response body too large' }));
          else chunks.push(chunk);
        });
        res.on('error', (err) => finish(this.#classify(info, err)));
        res.on('aborted', () => finish(new OpenStackConnectionError({ ...info, errno: 'ECONNRESET', beforeSend: false, detail: 'response aborted' })));
        res.on('end', () => finish(undefined, { status: res.statusCode ?? 0, headers: res.headers, body: parseJson(Buffer.concat(chunks)) }));
      });
      // One timer for the whole exchange: a socket idle timeout would never fire on a server that trickles bytes.
      const timer = setTimeout(() => finish(new OpenStackTimeoutError({ ...info, timeoutMs })), timeoutMs);
      req.signal?.addEventListener('abort', onAbort, { once: true });
      outgoing.on('error', (err) => finish(this.#classify(info, err)));
      outgoing.end(payload);
    });
  }

  #classify(info: RequestInfo, err: Error): Error {
    const errno = (err as NodeJS.ErrnoException).code;
    if (errno !== undefined && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS_CERT/.test(errno)) {
      return new OpenStackTlsError({ ...info, detail: `${errno}: ${err.message}` }, { cause: err });
    }
    return new OpenStackConnectionError({
      ...info,
      beforeSend: errno !== undefined && NOT_SENT_ERRNOS.has(errno),
      detail: errno ?? err.message,
      ...(errno === undefined ? {} : { errno }),
    }, { cause: err });
  }
}

function parseJson(buf: Buffer): unknown {
  if (buf.length === 0) return undefined;
  try {
    return JSON.parse(buf.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
