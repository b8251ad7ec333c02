// Conformance: the fake's JSON keys match the real Nova/Keystone api samples in ../shared/fixtures (read, never copied).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { baseConfig, call, instanceByName, login, startCloud, waitFor } from './cloud-harness.js';

const dir = path.resolve(import.meta.dirname, '../../../../..', 'shared/fixtures/nova-api');
const sample = (rel: string): any => JSON.parse(readFileSync(path.join(dir, rel), 'utf8'));
const keys = (o: object): string[] => Object.keys(o).sort();

describe.runIf(existsSync(dir))('fake cloud shapes vs upstream api samples', () => {
  it('os-services at 2.53 has exactly the upstream keys', async () => {
    const cloud = await startCloud(baseConfig());
    const token = await login(cloud);
    const mine = (await call(cloud, 'GET', '/compute/v2.1/os-services', { token, mv: '2.53' })).body.services[0];
    expect(keys(mine)).toEqual(keys(sample('nova-api-samples/os-services/v2.53/services-list-get-resp.json').services[0]));
  });

  it('migrations (os-migrations and per-server, 2.80) carry every upstream key', async () => {
    const cloud = await startCloud(baseConfig({ instances: [{ name: 'v', host: 'cmp-a', flavor: 'small' }] }));
    cloud.setFaults({ migrationHangs: ['v'] });
    const token = await login(cloud);
    const id = instanceByName(cloud, 'v').uuid;
    await call(cloud, 'POST', `/compute/v2.1/servers/${id}/action`, { token, mv: '2.80', body: { 'os-migrateLive': { host: null, block_migration: 'auto' } } });
    await waitFor(() => cloud.state().migrations.find((m) => m.status === 'running'), 'running');
    const list = (await call(cloud, 'GET', '/compute/v2.1/os-migrations', { token, mv: '2.80' })).body.migrations[0];
    for (const k of keys(sample('nova-api-samples/os-migrations/v2.80/migrations-get.json').migrations[0])) expect(list, k).toHaveProperty([k]);
    const per = (await call(cloud, 'GET', `/compute/v2.1/servers/${id}/migrations`, { token, mv: '2.80' })).body.migrations[0];
    expect(keys(per)).toEqual(keys(sample('nova-api-samples/server-migrations/v2.80/migrations-index.json').migrations[0]));
  });

  it('every server key the fake emits exists upstream, and the embedded flavor matches 2.47+', async () => {
    const cloud = await startCloud(baseConfig({ instances: [{ name: 'v', host: 'cmp-a', flavor: 'small' }] }));
    const token = await login(cloud);
    const mine = (await call(cloud, 'GET', '/compute/v2.1/servers/detail?all_tenants=1', { token, mv: '2.60' })).body.servers[0];
    const upstream = new Set([
      ...keys(sample('nova-api-samples/servers/servers-details-resp.json').servers[0]),
      ...keys(sample('nova-api-samples/servers/v2.100/servers-details-resp.json').servers[0]),
    ]);
    for (const k of keys(mine)) expect(upstream.has(k), k).toBe(true);
    expect(keys(mine.flavor)).toEqual(keys(sample('nova-api-samples/servers/v2.100/servers-details-resp.json').servers[0].flavor));
  });

  it('the Keystone token body carries the upstream token keys', async () => {
    const cloud = await startCloud(baseConfig());
    const res = await call(cloud, 'POST', '/identity/v3/auth/tokens', {
      body: { auth: { identity: { methods: ['password'], password: { user: { name: 'mds-orchestrate', domain: { id: 'default' }, password: 'tool-pw-123' } } },
        scope: { project: { name: 'admin', domain: { id: 'default' } } } } },
    });
    const upstream = sample('keystone-samples/auth/responses/project-scoped-password.json').token;
    for (const k of keys(upstream)) expect(res.body.token, k).toHaveProperty([k]);
    expect(keys(res.body.token.catalog[0].endpoints[0])).toEqual(keys(upstream.catalog[0].endpoints[0]));
  });

  it('the compute version document has the upstream keys', async () => {
    const cloud = await startCloud(baseConfig());
    const mine = (await call(cloud, 'GET', '/compute/v2.1/')).body.version;
    expect(keys(mine)).toEqual(keys(sample('nova-api-samples/versions/v21-version-get-resp.json').version));
  });
});
