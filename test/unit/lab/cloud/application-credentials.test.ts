// The fake Keystone's application credentials: by id + secret, by name + user + secret; scope is the credential's own.
import { describe, expect, it } from 'vitest';
import { baseConfig, call, startCloud, TOOL } from './cloud-harness.js';

const config = baseConfig({
  users: [
    { name: TOOL.name, password: TOOL.password, projects: ['admin'], roles: ['admin'],
      applicationCredentials: [{ name: 'automation', id: 'appcred-1', secret: 's3cret-value' }] },
  ],
});

const tokens = (cloud: Awaited<ReturnType<typeof startCloud>>, appCred: unknown, scope?: unknown) =>
  call(cloud, 'POST', '/identity/v3/auth/tokens', { body: { auth: { identity: { methods: ['application_credential'], application_credential: appCred }, ...(scope ? { scope } : {}) } } });

describe('fake Keystone application credentials', () => {
  it('issues a project-scoped token by id + secret and by name + user + secret', async () => {
    const cloud = await startCloud(config);
    for (const cred of [{ id: 'appcred-1', secret: 's3cret-value' }, { name: 'automation', secret: 's3cret-value', user: { name: TOOL.name, domain: { name: 'Default' } } }]) {
      const res = await tokens(cloud, cred);
      expect(res.status).toBe(201);
      expect(res.body.token).toMatchObject({ methods: ['application_credential'], project: { name: 'admin' }, application_credential: { id: 'appcred-1', name: 'automation' } });
      expect(res.body.token.roles.map((r: { name: string }) => r.name)).toEqual(['admin']);
      const token = res.headers.get('x-subject-token')!;
      expect((await call(cloud, 'GET', '/compute/v2.1/os-services', { token })).status).toBe(200);
    }
  });

  it('answers 401 with Keystone\'s words for a wrong secret, an unknown name, and a scope in the request', async () => {
    const cloud = await startCloud(config);
    const wrong = await tokens(cloud, { id: 'appcred-1', secret: 'nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ error: { code: 401, message: 'The request you have made requires authentication.', title: 'Unauthorized' } });
    expect((await tokens(cloud, { name: 'other', secret: 's3cret-value', user: { name: TOOL.name, domain: { id: 'default' } } })).status).toBe(401);
    const scoped = await tokens(cloud, { id: 'appcred-1', secret: 's3cret-value' }, { project: { name: 'admin', domain: { id: 'default' } } });
    expect(scoped.status).toBe(401);
    expect(scoped.body.error.message).toContain('Application credentials cannot request a scope.');
    expect((await tokens(cloud, { secret: 's3cret-value' })).status).toBe(400);
  });
});
