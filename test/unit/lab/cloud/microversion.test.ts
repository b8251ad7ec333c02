import { describe, expect, it } from 'vitest';
import { baseConfig, call, login, startCloud } from './cloud-harness.js';

describe('fake Nova microversions', () => {
  it('publishes its range in the version document without a token', async () => {
    const cloud = await startCloud(baseConfig());
    const res = await call(cloud, 'GET', '/compute/v2.1/');
    expect(res.status).toBe(200);
    expect(res.body.version).toMatchObject({ id: 'v2.1', version: '2.96', min_version: '2.1', status: 'CURRENT' });
    const root = await call(cloud, 'GET', '/compute/');
    expect(root.body.versions.map((v: { id: string }) => v.id)).toEqual(['v2.0', 'v2.1']);
  });

  it('uses 2.1 without a header and echoes the version in both headers', async () => {
    const cloud = await startCloud(baseConfig());
    const token = await login(cloud);
    const res = await call(cloud, 'GET', '/compute/v2.1/os-services', { token });
    expect(res.headers.get('openstack-api-version')).toBe('compute 2.1');
    expect(res.headers.get('x-openstack-nova-api-version')).toBe('2.1');
    expect(typeof res.body.services[0].id).toBe('number');
  });

  it('honours the legacy header, prefers the modern one, and resolves latest to the maximum', async () => {
    const cloud = await startCloud(baseConfig());
    const token = await login(cloud);
    const legacy = await call(cloud, 'GET', '/compute/v2.1/os-services', { token, headers: { 'X-OpenStack-Nova-API-Version': '2.53' } });
    expect(legacy.headers.get('x-openstack-nova-api-version')).toBe('2.53');
    expect(legacy.body.services[0].id).toMatch(/^[0-9a-f-]{36}$/);
    const both = await call(cloud, 'GET', '/compute/v2.1/os-services', {
      token, headers: { 'X-OpenStack-Nova-API-Version': '2.10', 'OpenStack-API-Version': 'volume 3.0, compute 2.60' },
    });
    expect(both.headers.get('openstack-api-version')).toBe('compute 2.60');
    const latest = await call(cloud, 'GET', '/compute/v2.1/os-services', { token, mv: 'latest' });
    expect(latest.headers.get('openstack-api-version')).toBe('compute 2.96');
  });

  it('answers 406 outside the range and 400 for a malformed version', async () => {
    const cloud = await startCloud(baseConfig({ maxMicroversion: '2.60' }));
    const token = await login(cloud);
    for (const mv of ['2.61', '2.90', '3.0', '1.1', '2.0']) {
      const res = await call(cloud, 'GET', '/compute/v2.1/os-services', { token, mv });
      expect(res.status, mv).toBe(406);
    }
    const ok = await call(cloud, 'GET', '/compute/v2.1/os-services', { token, mv: '2.60' });
    expect(ok.status).toBe(200);
    const bad = await call(cloud, 'GET', '/compute/v2.1/os-services', { token, mv: 'two' });
    expect(bad.status).toBe(400);
    expect(bad.body.badRequest.message).toContain('invalid format');
  });

  it('unknown compute paths are a Nova-shaped 404', async () => {
    const cloud = await startCloud(baseConfig());
    const token = await login(cloud);
    const res = await call(cloud, 'GET', '/compute/v2.1/os-nothing', { token, mv: '2.60' });
    expect(res.status).toBe(404);
    expect(res.body.itemNotFound.code).toBe(404);
    expect(res.headers.get('openstack-api-version')).toBe('compute 2.60');
  });
});
