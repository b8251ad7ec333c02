import { describe, expect, it } from 'vitest';
import { MEMBER, TOOL, baseConfig, call, login, passwordAuth, startCloud, waitFor } from './cloud-harness.js';

describe('fake Keystone v3', () => {
  it('serves the v3 version document', async () => {
    const cloud = await startCloud(baseConfig());
    const res = await call(cloud, 'GET', '/identity/v3');
    expect(res.status).toBe(200);
    expect(res.body.version.id).toMatch(/^v3\./);
    expect(res.body.version.links[0].href).toBe(`${cloud.url}/identity/v3/`);
  });

  it('issues a project-scoped token in X-Subject-Token with a catalog whose compute entry points at this server', async () => {
    const cloud = await startCloud(baseConfig());
    const res = await call(cloud, 'POST', '/identity/v3/auth/tokens', { body: passwordAuth(TOOL) });
    expect(res.status).toBe(201);
    const token = res.headers.get('x-subject-token');
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    expect(JSON.stringify(res.body)).not.toContain(token!);
    expect(res.body.token.user.name).toBe(TOOL.name);
    expect(res.body.token.project.name).toBe('admin');
    expect(res.body.token.roles.map((r: { name: string }) => r.name)).toContain('admin');
    expect(Date.parse(res.body.token.expires_at)).toBeGreaterThan(Date.now());
    const catalog = res.body.token.catalog as { type: string; endpoints: { interface: string; url: string; region: string }[] }[];
    const compute = catalog.filter((s) => s.type === 'compute');
    expect(compute).toHaveLength(1);
    expect(compute[0]!.endpoints.map((e) => e.interface).sort()).toEqual(['admin', 'internal', 'public']);
    for (const e of compute[0]!.endpoints) expect(e.url).toBe(`${cloud.url}/compute/v2.1`);
    expect(catalog.some((s) => s.type === 'compute_legacy' && s.endpoints[0]!.url.includes('/compute/v2/'))).toBe(true);
  });

  it('accepts the user by id and the project by id; nocatalog drops the catalog', async () => {
    const cloud = await startCloud(baseConfig());
    const first = await call(cloud, 'POST', '/identity/v3/auth/tokens', { body: passwordAuth(TOOL) });
    const userId = first.body.token.user.id as string;
    const projectId = first.body.token.project.id as string;
    const res = await call(cloud, 'POST', '/identity/v3/auth/tokens?nocatalog', {
      body: { auth: { identity: { methods: ['password'], password: { user: { id: userId, password: TOOL.password } } },
        scope: { project: { id: projectId } } } },
    });
    expect(res.status).toBe(201);
    expect(res.body.token.project.id).toBe(projectId);
    expect(res.body.token.catalog).toBeUndefined();
  });

  it('answers 401 for a wrong password, an unknown user and a project the user has no role on, never echoing the password', async () => {
    const cloud = await startCloud(baseConfig());
    const wrong = await call(cloud, 'POST', '/identity/v3/auth/tokens', { body: passwordAuth({ name: TOOL.name, password: 'nope-secret' }) });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('x-subject-token')).toBeNull();
    expect(JSON.stringify(wrong.body)).not.toContain('nope-secret');
    expect(wrong.body.error.code).toBe(401);
    const unknown = await call(cloud, 'POST', '/identity/v3/auth/tokens', { body: passwordAuth({ name: 'ghost', password: 'x' }) });
    expect(unknown.status).toBe(401);
    const otherProject = await call(cloud, 'POST', '/identity/v3/auth/tokens', { body: passwordAuth(MEMBER, 'admin') });
    expect(otherProject.status).toBe(401);
  });

  it('rejects a malformed auth body with 400', async () => {
    const cloud = await startCloud(baseConfig());
    const res = await call(cloud, 'POST', '/identity/v3/auth/tokens', { body: { auth: {} } });
    expect(res.status).toBe(400);
  });

  it('a token past its TTL is refused by Nova with 401, and a fresh login works again', async () => {
    const cloud = await startCloud(baseConfig({ tokenTtlMs: 150 }));
    const token = await login(cloud);
    const ok = await call(cloud, 'GET', '/compute/v2.1/os-services', { token });
    expect(ok.status).toBe(200);
    const expired = await waitFor(async () => {
      const r = await call(cloud, 'GET', '/compute/v2.1/os-services', { token });
      return r.status === 401 ? r : undefined;
    }, 'token expiry');
    expect(expired.body.error.code).toBe(401);
    expect(expired.headers.get('www-authenticate')).toContain('/identity');
    const again = await call(cloud, 'GET', '/compute/v2.1/os-services', { token: await login(cloud) });
    expect(again.status).toBe(200);
  });

  it('expireTokens fault invalidates every issued token; unknown tokens are 401 too', async () => {
    const cloud = await startCloud(baseConfig());
    const token = await login(cloud);
    cloud.setFaults({ expireTokens: true });
    expect((await call(cloud, 'GET', '/compute/v2.1/servers/detail', { token })).status).toBe(401);
    expect((await call(cloud, 'GET', '/compute/v2.1/servers/detail', { token: 'f'.repeat(32) })).status).toBe(401);
    expect((await call(cloud, 'GET', '/compute/v2.1/servers/detail')).status).toBe(401);
  });
});
