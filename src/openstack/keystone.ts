// Keystone v3 password or application-credential auth (project-scoped): the token, its expiry, the catalog, and authenticated requests that re-auth once on 401.
import { performance } from 'node:perf_hooks';
import { AbortedError } from '../transport/types.js';
import type { CloudAuth, DomainRef, EndpointInterface } from './clouds.js';
import { NoEndpointError, OpenStackAuthError, OpenStackHttpError, OpenStackProtocolError } from './errors.js';
import type { HttpClient, HttpRequest, HttpResponse } from './http.js';

export interface CatalogEndpoint {
  interface: string;
  region: string | null;
  url: string;
}

export interface CatalogService {
  type: string;
  name: string | null;
  endpoints: CatalogEndpoint[];
}

export interface EndpointFilter {
  type: string;
  interface: EndpointInterface;
  region?: string;
}

/** What the Nova client needs from a session; KeystoneSession is the real one. */
export interface AuthenticatedRequester {
  request<T = unknown>(req: HttpRequest): Promise<HttpResponse<T>>;
  endpoint(filter: EndpointFilter, signal?: AbortSignal): Promise<string>;
  projectId(signal?: AbortSignal): Promise<string>;
}

export interface KeystoneSessionOptions {
  /** Re-authenticate this long before expires_at (capped at a quarter of the token's lifetime). Default 5 min. */
  refreshMarginMs?: number;
  /** The controller's wall clock (ms since the epoch): only compared with the token's issued_at, to warn of skew. */
  now?: () => number;
  /** A clock that only moves forward at one second per second (ms): the token's lifetime is counted on it. */
  monotonic?: () => number;
  /** Warn when issued_at and the controller's clock differ by more than this. Default 5 min (Kerberos' clockskew). */
  skewWarnMs?: number;
  /** Said once per session (the CLI puts it on stderr and in the log). */
  warn?: (message: string) => void;
}

/** Keystone's lifetime of a token, from its own body; the controller's clock plays no part in it. */
export interface TokenTimes {
  /** expires_at - issued_at (ms), or undefined when the body lacks either. */
  lifetimeMs: number | undefined;
  issuedAt: number | undefined;
  expiresAt: number | undefined;
}

function parseTime(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  const t = Date.parse(v);
  return Number.isFinite(t) ? t : undefined;
}

export function tokenTimes(body: Record<string, unknown>): TokenTimes {
  const issuedAt = parseTime(body['issued_at']);
  const expiresAt = parseTime(body['expires_at']);
  const lifetimeMs = issuedAt !== undefined && expiresAt !== undefined ? Math.max(0, expiresAt - issuedAt) : undefined;
  return { lifetimeMs, issuedAt, expiresAt };
}

/** The skew warning, or undefined when the two clocks agree within `thresholdMs`. */
export function clockSkewWarning(issuedAt: number | undefined, localNow: number, thresholdMs: number): string | undefined {
  if (issuedAt === undefined) return undefined;
  const skew = localNow - issuedAt;
  if (Math.abs(skew) <= thresholdMs) return undefined;
  const mins = Math.round(Math.abs(skew) / 60_000);
  return `this controller's clock is ${mins} min ${skew > 0 ? 'ahead of' : 'behind'} Keystone's (token issued_at ${new Date(issuedAt).toISOString()}, `
    + `here ${new Date(localNow).toISOString()}): token lifetimes are counted from the token itself, but fix the clock (NTP) `
    + 'so logs and reports agree with the cloud\'s';
}

interface TokenState {
  value: string;
  /** When to re-authenticate, on the monotonic clock. */
  refreshAt: number;
  projectId: string;
  catalog: CatalogService[];
}

/** openstacksdk accepts auth_url with or without the version; the token API lives under /v3. */
export function identityV3Url(authUrl: string): string {
  const trimmed = authUrl.replace(/\/+$/, '');
  return /\/v3$/.test(trimmed) ? trimmed : `${trimmed}/v3`;
}

function domainJson(d: DomainRef): { id: string } | { name: string } {
  return 'id' in d ? { id: d.id } : { name: d.name };
}

/** keystoneauth's v3applicationcredential body: by id, or by name with the user; the credential carries its own scope. */
export function applicationCredentialAuthBody(auth: CloudAuth): unknown {
  const user = auth.userId ? { id: auth.userId } : { name: auth.username, domain: domainJson(auth.userDomain) };
  const cred = auth.applicationCredentialId
    ? { id: auth.applicationCredentialId, secret: auth.applicationCredentialSecret }
    : { name: auth.applicationCredentialName, secret: auth.applicationCredentialSecret, user };
  return { auth: { identity: { methods: ['application_credential'], application_credential: cred } } };
}

/** The token request for the cloud's method. */
export function authBody(auth: CloudAuth): unknown {
  return auth.method === 'application_credential' ? applicationCredentialAuthBody(auth) : passwordAuthBody(auth);
}

export function passwordAuthBody(auth: CloudAuth): unknown {
  const user = auth.userId
    ? { id: auth.userId, password: auth.password }
    : { name: auth.username, domain: domainJson(auth.userDomain), password: auth.password };
  const project = auth.projectId ? { id: auth.projectId } : { name: auth.projectName, domain: domainJson(auth.projectDomain) };
  return { auth: { identity: { methods: ['password'], password: { user } }, scope: { project } } };
}

/** Exactly `type` (so `compute` never matches `compute_legacy`), the wanted interface, and the region when one is set. */
export function selectEndpoint(catalog: CatalogService[], filter: EndpointFilter): string {
  const services = catalog.filter((s) => s.type === filter.type);
  const candidates = services.flatMap((s) => s.endpoints)
    .filter((e) => e.interface === filter.interface && (filter.region === undefined || e.region === filter.region));
  const regions = [...new Set(candidates.map((e) => e.region ?? '(none)'))];
  const first = candidates[0];
  if (first === undefined) {
    const have = services.flatMap((s) => s.endpoints).map((e) => `${e.interface}@${e.region ?? '(none)'}`).join(', ') || 'none';
    throw new NoEndpointError(filter.type,
      `no ${filter.interface} '${filter.type}' endpoint${filter.region ? ` in region ${filter.region}` : ''} in the Keystone catalog (available: ${have})`,
    );
  }
  if (regions.length > 1) {
    throw new OpenStackProtocolError(`'${filter.type}' has ${filter.interface} endpoints in several regions (${regions.join(', ')}): set region_name`);
  }
  return first.url.replace(/\/+$/, '');
}

export function parseCatalog(raw: unknown): CatalogService[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((s: unknown) => {
    if (s === null || typeof s !== 'object') return [];
    const svc = s as Record<string, unknown>;
    if (typeof svc['type'] !== 'string') return [];
    const eps = Array.isArray(svc['endpoints']) ? (svc['endpoints'] as unknown[]) : [];
    return [{
      type: svc['type'],
      name: typeof svc['name'] === 'string' ? svc['name'] : null,
      endpoints: eps.flatMap((e: unknown) => {
        const ep = (e ?? {}) as Record<string, unknown>;
        if (typeof ep['url'] !== 'string' || typeof ep['interface'] !== 'string') return [];
        const region = typeof ep['region_id'] === 'string' ? ep['region_id'] : typeof ep['region'] === 'string' ? ep['region'] : null;
        return [{ interface: ep['interface'], region, url: ep['url'] }];
      }),
    }];
  });
}

export class KeystoneSession implements AuthenticatedRequester {
  readonly #http: HttpClient;
  readonly #auth: CloudAuth;
  readonly #margin: number;
  readonly #now: () => number;
  readonly #mono: () => number;
  readonly #skewWarnMs: number;
  readonly #warn: ((message: string) => void) | undefined;
  #skewWarned = false;
  #token: TokenState | undefined;
  #pending: Promise<TokenState> | undefined;
  #authCount = 0;

  constructor(http: HttpClient, auth: CloudAuth, opts: KeystoneSessionOptions = {}) {
    this.#http = http;
    this.#auth = auth;
    this.#margin = opts.refreshMarginMs ?? 5 * 60_000;
    this.#now = opts.now ?? Date.now;
    this.#mono = opts.monotonic ?? (() => performance.now());
    this.#skewWarnMs = opts.skewWarnMs ?? 5 * 60_000;
    this.#warn = opts.warn;
    for (const secret of [auth.password, auth.applicationCredentialSecret]) if (secret) http.addSecret(secret);
  }

  /** How many times this session has authenticated (for diagnostics and tests). */
  get authCount(): number {
    return this.#authCount;
  }

  async endpoint(filter: EndpointFilter, signal?: AbortSignal): Promise<string> {
    return selectEndpoint((await this.#current(signal)).catalog, filter);
  }

  async projectId(signal?: AbortSignal): Promise<string> {
    return (await this.#current(signal)).projectId;
  }

  /** Sends `req` with X-Auth-Token. A 401 means the token died early (revoked, Keystone restarted): re-auth once, resend. */
  async request<T = unknown>(req: HttpRequest): Promise<HttpResponse<T>> {
    const token = await this.#current(req.signal);
    try {
      return await this.#http.request<T>(withToken(req, token.value));
    } catch (err) {
      if (!(err instanceof OpenStackHttpError) || err.status !== 401) throw err;
      if (this.#token === token) this.#token = undefined;
      const fresh = await this.#current(req.signal);
      try {
        return await this.#http.request<T>(withToken(req, fresh.value));
      } catch (again) {
        if (again instanceof OpenStackHttpError && again.status === 401) {
          throw new OpenStackAuthError({ method: again.method, path: again.path, status: 401, apiMessage: 'token rejected again right after re-authentication' });
        }
        throw again;
      }
    }
  }

  async #current(signal?: AbortSignal): Promise<TokenState> {
    const t = this.#token;
    if (t !== undefined && this.#mono() < t.refreshAt) return t;
    // One authentication at a time, however many requests notice the expiry together.
    // The shared attempt ignores any one caller's signal, so one aborted request cannot fail the others waiting on it.
    if (signal?.aborted) throw new AbortedError();
    this.#pending ??= this.#authenticate().finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  #who(): string {
    const a = this.#auth;
    if (a.method === 'application_credential') return `application credential ${a.applicationCredentialId ?? a.applicationCredentialName ?? ''}`;
    return a.username ?? a.userId ?? 'the user';
  }

  async #authenticate(): Promise<TokenState> {
    const url = `${identityV3Url(this.#auth.authUrl)}/auth/tokens`;
    let res: HttpResponse<{ token?: Record<string, unknown> }>;
    try {
      // Issuing a token changes nothing on the cloud, so this POST may be retried like a GET.
      res = await this.#http.request({ method: 'POST', url, body: authBody(this.#auth), idempotent: true });
    } catch (err) {
      if (err instanceof OpenStackHttpError && (err.status === 401 || err.status === 403)) {
        throw new OpenStackAuthError({
          method: err.method, path: err.path, status: err.status,
          apiMessage: `Keystone refused the credentials of ${this.#who()}${err.apiMessage ? ` (${err.apiMessage})` : ''}`,
        }, { cause: err });
      }
      throw err;
    }
    const header = res.headers['x-subject-token'];
    const value = Array.isArray(header) ? header[0] : header;
    const body = res.body?.token;
    if (!value || body === undefined) throw new OpenStackProtocolError('Keystone answered without X-Subject-Token or token body');
    this.#http.addSecret(value);
    // The lifetime is Keystone's (issued_at to expires_at), counted from now on the monotonic clock: a controller whose
    // wall clock is hours off, or jumps, neither re-authenticates on every call nor sends an expired token. Only a body
    // without issued_at falls back to expires_at against the wall clock.
    const received = this.#mono();
    const wall = this.#now();
    const times = tokenTimes(body);
    const lifetime = times.lifetimeMs ?? (times.expiresAt !== undefined ? Math.max(0, times.expiresAt - wall) : Number.POSITIVE_INFINITY);
    const skew = clockSkewWarning(times.issuedAt, wall, this.#skewWarnMs);
    if (skew !== undefined && !this.#skewWarned) {
      this.#skewWarned = true;
      this.#warn?.(skew);
    }
    const project = body['project'] as { id?: unknown } | undefined;
    const state: TokenState = {
      value,
      refreshAt: Number.isFinite(lifetime) ? received + lifetime - Math.min(this.#margin, lifetime / 4) : Number.POSITIVE_INFINITY,
      projectId: typeof project?.id === 'string' ? project.id : '',
      catalog: parseCatalog(body['catalog']),
    };
    this.#authCount += 1;
    this.#token = state;
    return state;
  }
}

function withToken(req: HttpRequest, token: string): HttpRequest {
  return { ...req, headers: { ...req.headers, 'X-Auth-Token': token } };
}
