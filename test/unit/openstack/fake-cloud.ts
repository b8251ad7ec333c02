// Test helper: a minimal Keystone (password tokens + catalog) and Nova root on one stub server; Nova calls go to a handler.
import type http from 'node:http';
import { json, startStub, type Recorded, type Stub } from './stub-server.js';

export const PASSWORD = 'pw-Do-Not-Leak-77';
export const PROJECT_ID = 'c0ffee00c0ffee00c0ffee00c0ffee00';

export interface FakeCloudOptions {
  /** Nova microversion range advertised at the compute root. */
  min?: string;
  max?: string;
  /** Old-style catalog URL `/compute/v2.1/<project>`. */
  projectInUrl?: boolean;
  /** expires_at of each issued token. Default: one hour from now. */
  expiresAt?: () => Date;
  /** issued_at of each issued token (Keystone's clock). Default: now; null leaves it out of the body. */
  issuedAt?: () => Date | null;
  /** Nova handler; `path` is relative to the compute endpoint (e.g. `/servers/detail?all_tenants=1`). */
  nova?: (path: string, req: Recorded, res: http.ServerResponse) => void | Promise<void>;
}

export interface FakeCloud {
  stub: Stub;
  authUrl: string;
  computeUrl: string;
  /** Every token issued, in order; `revoke` makes Nova answer 401 to one. */
  issued: string[];
  revoke(token: string): void;
  authRequests(): Recorded[];
  novaRequests(): Recorded[];
  close(): Promise<void>;
}

export async function startFakeCloud(opts: FakeCloudOptions = {}): Promise<FakeCloud> {
  const issued: string[] = [];
  const revoked = new Set<string>();
  let computeUrl = '';
  const computePath = (): string => new URL(computeUrl).pathname;

  const stub = await startStub(async (req, res, ctx) => {
    if (req.method === 'POST' && req.url === '/identity/v3/auth/tokens') {
      const pw = (req.body as { auth?: { identity?: { password?: { user?: { password?: string } } } } }).auth?.identity?.password?.user?.password;
      if (pw !== PASSWORD) return json(res, 401, { error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } });
      const token = `tok-${issued.length + 1}-abcdef`;
      issued.push(token);
      const expires = (opts.expiresAt?.() ?? new Date(Date.now() + 3600_000)).toISOString();
      const issuedAt = opts.issuedAt === undefined ? new Date() : opts.issuedAt();
      return json(res, 201, {
        token: {
          methods: ['password'],
          expires_at: expires,
          ...(issuedAt === null ? {} : { issued_at: issuedAt.toISOString() }),
          project: { id: PROJECT_ID, name: 'admin', domain: { id: 'default', name: 'Default' } },
          catalog: [
            { type: 'compute_legacy', name: 'nova_legacy', endpoints: [{ interface: 'public', region: 'RegionOne', region_id: 'RegionOne', url: `${ctx.baseUrl}/legacy/v2/${PROJECT_ID}` }] },
            { type: 'identity', name: 'keystone', endpoints: [{ interface: 'public', region: 'RegionOne', region_id: 'RegionOne', url: `${ctx.baseUrl}/identity` }] },
            { type: 'compute', name: 'nova', endpoints: [
              { interface: 'internal', region: 'RegionOne', region_id: 'RegionOne', url: `${ctx.baseUrl}/internal/v2.1` },
              { interface: 'public', region: 'RegionOne', region_id: 'RegionOne', url: computeUrl },
            ] },
          ],
        },
      }, { 'X-Subject-Token': token });
    }
    const token = String(req.headers['x-auth-token'] ?? '');
    if (!issued.includes(token) || revoked.has(token)) return json(res, 401, { error: { code: 401, message: 'The request you have made requires authentication.' } });
    const root = opts.projectInUrl ? computePath().slice(0, -PROJECT_ID.length - 1) : computePath();
    if (req.method === 'GET' && req.url === `${root}/`) {
      return json(res, 200, { version: { id: 'v2.1', status: 'CURRENT', version: opts.max ?? '2.96', min_version: opts.min ?? '2.1' } });
    }
    if (req.url.startsWith(computePath()) && opts.nova) return opts.nova(req.url.slice(computePath().length), req, res);
    return json(res, 404, { itemNotFound: { message: `no route ${req.method} ${req.url}` } });
  });
  computeUrl = `${stub.baseUrl}/compute/v2.1${opts.projectInUrl ? `/${PROJECT_ID}` : ''}`;
  const isAuth = (r: Recorded): boolean => r.url === '/identity/v3/auth/tokens';
  return {
    stub,
    authUrl: `${stub.baseUrl}/identity`,
    computeUrl,
    issued,
    revoke: (t) => revoked.add(t),
    authRequests: () => stub.requests.filter(isAuth),
    novaRequests: () => stub.requests.filter((r) => r.url.startsWith(computePath())),
    close: () => stub.close(),
  };
}
