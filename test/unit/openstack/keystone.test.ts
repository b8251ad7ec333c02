// Keystone v3: auth body and URL, token from X-Subject-Token, catalog selection, proactive re-auth, one re-auth on 401.
import { afterEach, describe, expect, it } from 'vitest';
import type { CloudAuth } from '../../../src/openstack/clouds.js';
import { OpenStackAuthError, OpenStackProtocolError } from '../../../src/openstack/errors.js';
import { HttpClient } from '../../../src/openstack/http.js';
import {
  clockSkewWarning, identityV3Url, KeystoneSession, passwordAuthBody, selectEndpoint, tokenTimes, type CatalogService,
} from '../../../src/openstack/keystone.js';
import { PASSWORD, PROJECT_ID, startFakeCloud, type FakeCloud } from './fake-cloud.js';
import { json } from './stub-server.js';

const clouds: FakeCloud[] = [];
const clients: HttpClient[] = [];

function auth(authUrl: string, extra: Partial<CloudAuth> = {}): CloudAuth {
  return { authUrl, username: 'admin', password: PASSWORD, projectName: 'admin', userDomain: { id: 'default' }, projectDomain: { id: 'default' }, ...extra };
}

async function setup(opts: Parameters<typeof startFakeCloud>[0] = {}): Promise<{ cloud: FakeCloud; http: HttpClient }> {
  const cloud = await startFakeCloud(opts);
  clouds.push(cloud);
  const http = new HttpClient({ backoffBaseMs: 1, backoffMaxMs: 5 });
  clients.push(http);
  return { cloud, http };
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(clouds.splice(0).map((c) => c.close()));
});

describe('pure parts', () => {
  it('token times: the lifetime is expires_at - issued_at, from the body alone', () => {
    expect(tokenTimes({ issued_at: '2019-05-14T10:00:00.000000Z', expires_at: '2019-05-14T11:00:00.000000Z' }))
      .toEqual({ lifetimeMs: 3600_000, issuedAt: Date.parse('2019-05-14T10:00:00Z'), expiresAt: Date.parse('2019-05-14T11:00:00Z') });
    expect(tokenTimes({ expires_at: '2019-05-14T11:00:00.000000Z' }).lifetimeMs).toBeUndefined();
    expect(tokenTimes({ issued_at: 'yesterday', expires_at: '2019-05-14T11:00:00Z' }).lifetimeMs).toBeUndefined();
  });

  it('clock skew: said beyond the threshold, either way; nothing without issued_at', () => {
    const t = Date.parse('2019-05-14T10:00:00Z');
    expect(clockSkewWarning(t, t + 300_000, 300_000)).toBeUndefined();
    expect(clockSkewWarning(t, t + 300_001, 300_000)).toMatch(/5 min ahead of Keystone's/);
    expect(clockSkewWarning(t, t - 7200_000, 300_000)).toMatch(/120 min behind Keystone's/);
    expect(clockSkewWarning(undefined, t, 300_000)).toBeUndefined();
  });

  it('auth_url with or without /v3', () => {
    expect(identityV3Url('http://k/identity')).toBe('http://k/identity/v3');
    expect(identityV3Url('http://k/identity/v3')).toBe('http://k/identity/v3');
    expect(identityV3Url('https://k:5000/v3/')).toBe('https://k:5000/v3');
    expect(identityV3Url('https://k:5000/')).toBe('https://k:5000/v3');
  });

  it('password body: user by name needs a domain; ids stand alone', () => {
    expect(passwordAuthBody(auth('http://k', { userDomain: { name: 'Default' } }))).toEqual({
      auth: {
        identity: { methods: ['password'], password: { user: { name: 'admin', domain: { name: 'Default' }, password: PASSWORD } } },
        scope: { project: { name: 'admin', domain: { id: 'default' } } },
      },
    });
    const byId = passwordAuthBody({ authUrl: 'http://k', userId: 'u1', password: 'p', projectId: 'p1', userDomain: { id: 'default' }, projectDomain: { id: 'default' } });
    expect(byId).toEqual({ auth: { identity: { methods: ['password'], password: { user: { id: 'u1', password: 'p' } } }, scope: { project: { id: 'p1' } } } });
  });

  const catalog: CatalogService[] = [
    { type: 'compute_legacy', name: 'nova_legacy', endpoints: [{ interface: 'public', region: 'R1', url: 'http://n/v2/p' }] },
    { type: 'compute', name: 'nova', endpoints: [
      { interface: 'public', region: 'R1', url: 'http://n1/v2.1/' },
      { interface: 'internal', region: 'R1', url: 'http://n1-int/v2.1' },
      { interface: 'public', region: 'R2', url: 'http://n2/v2.1' },
    ] },
  ];

  it('picks type "compute" exactly, by interface and region', () => {
    expect(selectEndpoint(catalog, { type: 'compute', interface: 'public', region: 'R1' })).toBe('http://n1/v2.1');
    expect(selectEndpoint(catalog, { type: 'compute', interface: 'internal' })).toBe('http://n1-int/v2.1');
    expect(selectEndpoint(catalog, { type: 'compute', interface: 'public', region: 'R2' })).toBe('http://n2/v2.1');
    const legacyFirst = [catalog[0]!, { type: 'compute', name: 'nova', endpoints: [{ interface: 'public', region: null, url: 'http://only' }] }];
    expect(selectEndpoint(legacyFirst, { type: 'compute', interface: 'public' })).toBe('http://only');
  });

  it('ambiguous regions and missing endpoints are errors', () => {
    expect(() => selectEndpoint(catalog, { type: 'compute', interface: 'public' })).toThrow(/several regions.*region_name/);
    expect(() => selectEndpoint(catalog, { type: 'compute', interface: 'admin' })).toThrow(OpenStackProtocolError);
    expect(() => selectEndpoint(catalog.slice(0, 1), { type: 'compute', interface: 'public' })).toThrow(/no public 'compute' endpoint/);
  });
});

describe('session', () => {
  it('authenticates at <auth_url>/v3/auth/tokens and sends the token from X-Subject-Token', async () => {
    const { cloud, http } = await setup();
    const s = new KeystoneSession(http, auth(cloud.authUrl));
    expect(await s.endpoint({ type: 'compute', interface: 'public' })).toBe(cloud.computeUrl);
    expect(await s.projectId()).toBe(PROJECT_ID);
    const res = await s.request({ method: 'GET', url: `${cloud.computeUrl}/` });
    expect(res.status).toBe(200);
    expect(cloud.authRequests()).toHaveLength(1);
    expect(cloud.authRequests()[0]?.body).toMatchObject({ auth: { scope: { project: { name: 'admin', domain: { id: 'default' } } } } });
    expect(cloud.stub.requests.at(-1)?.headers['x-auth-token']).toBe(cloud.issued[0]);
  });

  it('works the same with auth_url ending in /v3', async () => {
    const { cloud, http } = await setup();
    const s = new KeystoneSession(http, auth(`${cloud.authUrl}/v3`));
    await s.projectId();
    expect(cloud.authRequests()).toHaveLength(1);
  });

  it('a 401 from Keystone is an OpenStackAuthError without the password', async () => {
    const { cloud, http } = await setup();
    const s = new KeystoneSession(http, auth(cloud.authUrl, { password: `${PASSWORD}-wrong` }));
    const err = await s.projectId().then(() => undefined, (e: unknown) => e as Error);
    expect(err).toBeInstanceOf(OpenStackAuthError);
    expect(err?.message).toMatch(/HTTP 401.*refused the credentials of admin/);
    expect(err?.message).not.toContain(PASSWORD);
    expect(JSON.stringify(err)).not.toContain(PASSWORD);
  });

  it('re-authenticates before expires_at, counting the token\'s own lifetime on the monotonic clock', async () => {
    const keystoneNow = Date.parse('2030-01-01T00:00:00Z');
    const { cloud, http } = await setup({ issuedAt: () => new Date(keystoneNow), expiresAt: () => new Date(keystoneNow + 3600_000) });
    let mono = 1_000;
    const s = new KeystoneSession(http, auth(cloud.authUrl), { now: () => keystoneNow, monotonic: () => mono, refreshMarginMs: 300_000 });
    await s.request({ method: 'GET', url: `${cloud.computeUrl}/` });
    mono += 3000_000; // 50 min: still outside the 5 min margin
    await s.request({ method: 'GET', url: `${cloud.computeUrl}/` });
    expect(cloud.authRequests()).toHaveLength(1);
    mono += 400_000; // 56m40s: inside the margin
    await s.request({ method: 'GET', url: `${cloud.computeUrl}/` });
    expect(cloud.authRequests()).toHaveLength(2);
    expect(cloud.stub.requests.at(-1)?.headers['x-auth-token']).toBe(cloud.issued[1]);
  });

  it('a controller clock hours ahead of Keystone neither re-authenticates on every call nor stays quiet about it', async () => {
    const { cloud, http } = await setup(); // issued now, expires in an hour, on Keystone's (the real) clock
    const warnings: string[] = [];
    let mono = 0;
    const s = new KeystoneSession(http, auth(cloud.authUrl), {
      now: () => Date.now() + 3 * 3600_000, monotonic: () => mono, warn: (m) => warnings.push(m),
    });
    for (let i = 0; i < 5; i += 1) {
      await s.request({ method: 'GET', url: `${cloud.computeUrl}/` });
      mono += 60_000;
    }
    expect(cloud.authRequests()).toHaveLength(1);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/clock is 180 min ahead of Keystone's .*issued_at/);
    // The next token still renews on time (55 min in), and the skew is not said twice.
    mono = 56 * 60_000;
    await s.request({ method: 'GET', url: `${cloud.computeUrl}/` });
    expect(cloud.authRequests()).toHaveLength(2);
    expect(warnings).toHaveLength(1);
  });

  it('a controller clock hours behind still renews before the real expiry, and says so', async () => {
    const { cloud, http } = await setup();
    const warnings: string[] = [];
    let mono = 0;
    const s = new KeystoneSession(http, auth(cloud.authUrl), {
      now: () => Date.now() - 2 * 3600_000, monotonic: () => mono, refreshMarginMs: 300_000, warn: (m) => warnings.push(m),
    });
    await s.request({ method: 'GET', url: `${cloud.computeUrl}/` });
    mono = 56 * 60_000; // by the wall clock here the token would look valid for 3 h more: it is not
    await s.request({ method: 'GET', url: `${cloud.computeUrl}/` });
    expect(cloud.authRequests()).toHaveLength(2);
    expect(warnings).toEqual([expect.stringMatching(/clock is 120 min behind Keystone's/)]);
  });

  it('clocks within the threshold: no warning', async () => {
    const { cloud, http } = await setup();
    const warnings: string[] = [];
    const s = new KeystoneSession(http, auth(cloud.authUrl), { now: () => Date.now() + 60_000, warn: (m) => warnings.push(m) });
    await s.request({ method: 'GET', url: `${cloud.computeUrl}/` });
    expect(warnings).toEqual([]);
  });

  it('a token body without issued_at falls back to expires_at against the wall clock', async () => {
    let clock = Date.parse('2030-01-01T00:00:00Z');
    const { cloud, http } = await setup({ issuedAt: () => null, expiresAt: () => new Date(clock + 3600_000) });
    let mono = 0;
    const s = new KeystoneSession(http, auth(cloud.authUrl), { now: () => clock, monotonic: () => mono, refreshMarginMs: 300_000 });
    await s.request({ method: 'GET', url: `${cloud.computeUrl}/` });
    mono += 3000_000;
    clock += 3000_000;
    await s.request({ method: 'GET', url: `${cloud.computeUrl}/` });
    expect(cloud.authRequests()).toHaveLength(1);
    mono += 400_000;
    await s.request({ method: 'GET', url: `${cloud.computeUrl}/` });
    expect(cloud.authRequests()).toHaveLength(2);
  });

  it('on a 401 mid-run: one re-auth, then the request is resent', async () => {
    const { cloud, http } = await setup({ nova: (_path, req, res) => json(res, 200, { echo: req.body }) });
    const s = new KeystoneSession(http, auth(cloud.authUrl));
    await s.request({ method: 'GET', url: `${cloud.computeUrl}/` });
    cloud.revoke(cloud.issued[0]!);
    const res = await s.request({ method: 'PUT', url: `${cloud.computeUrl}/os-services/x`, body: { a: 1 } });
    expect(res.body).toEqual({ echo: { a: 1 } });
    expect(cloud.authRequests()).toHaveLength(2);
    const last = cloud.novaRequests().slice(-2);
    expect(last.map((r) => r.headers['x-auth-token'])).toEqual([cloud.issued[0], cloud.issued[1]]);
    expect(s.authCount).toBe(2);
  });

  it('a second 401 right after re-auth fails instead of looping', async () => {
    const { cloud, http } = await setup();
    const s = new KeystoneSession(http, auth(cloud.authUrl));
    const orig = cloud.issued;
    await s.projectId();
    // Revoke every token as soon as it is issued.
    const push = orig.push.bind(orig);
    orig.push = (...t: string[]) => { t.forEach((x) => cloud.revoke(x)); return push(...t); };
    cloud.revoke(orig[0]!);
    const err = await s.request({ method: 'GET', url: `${cloud.computeUrl}/` }).then(() => undefined, (e: unknown) => e as Error);
    expect(err).toBeInstanceOf(OpenStackAuthError);
    expect(cloud.authRequests()).toHaveLength(2);
    for (const t of cloud.issued) expect(err?.message).not.toContain(t);
  });

  it('concurrent requests share one authentication', async () => {
    const { cloud, http } = await setup();
    const s = new KeystoneSession(http, auth(cloud.authUrl));
    await Promise.all([1, 2, 3, 4].map(() => s.request({ method: 'GET', url: `${cloud.computeUrl}/` })));
    expect(cloud.authRequests()).toHaveLength(1);
  });
});
