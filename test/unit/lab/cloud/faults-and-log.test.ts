import { describe, expect, it } from 'vitest';
import { globMatch } from '../../../../src/lab/cloud/faults.js';
import { baseConfig, call, instanceByName, login, startCloud } from './cloud-harness.js';

describe('fake cloud faults and request log', () => {
  it('globMatch: * is one segment, ** any number', () => {
    expect(globMatch('/compute/v2.1/servers/*/action', '/compute/v2.1/servers/abc/action')).toBe(true);
    expect(globMatch('/compute/v2.1/servers/*/action', '/compute/v2.1/servers/abc/migrations')).toBe(false);
    expect(globMatch('/compute/**', '/compute/v2.1/os-services')).toBe(true);
    expect(globMatch('/compute/v2.1/os-services', '/compute/v2.1/os-services/x')).toBe(false);
  });

  it('a status fault answers the next K matching calls, then the endpoint recovers', async () => {
    const cloud = await startCloud(baseConfig());
    const token = await login(cloud);
    const set = await call(cloud, 'POST', '/_lab/faults', { body: { endpoints: [{ method: 'get', path: '/compute/v2.1/os-services', kind: 'status', status: 503, count: 2 }] } });
    expect(set.status).toBe(200);
    expect(set.body.endpoints[0].remaining).toBe(2);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await call(cloud, 'GET', '/compute/v2.1/os-services', { token })).status);
    expect(statuses).toEqual([503, 503, 200]);
    expect(cloud.faults().endpoints).toEqual([]);
  });

  it('a 409 fault can target one server action (os-migrateLive) and leave others alone', async () => {
    const cloud = await startCloud(baseConfig({ instances: [{ name: 'v', host: 'cmp-a', flavor: 'small' }] }));
    const token = await login(cloud);
    cloud.setFaults({ endpoints: [{ path: '/compute/v2.1/servers/*/action', action: 'os-migrateLive', kind: 'status', status: 409 }] });
    const id = instanceByName(cloud, 'v').uuid;
    const stop = await call(cloud, 'POST', `/compute/v2.1/servers/${id}/action`, { token, body: { 'os-stop': null } });
    expect(stop.status).toBe(202);
    const mig = await call(cloud, 'POST', `/compute/v2.1/servers/${id}/action`, { token, mv: '2.60', body: { 'os-migrateLive': { host: null, block_migration: 'auto' } } });
    expect(mig.status).toBe(409);
    expect(mig.body.conflictingRequest).toBeDefined();
  });

  it('a hang fault never answers (the client gives up) and close() still returns', async () => {
    const cloud = await startCloud(baseConfig());
    const token = await login(cloud);
    cloud.setFaults({ endpoints: [{ path: '/compute/**', kind: 'hang' }] });
    const abort = new AbortController();
    const pending = call(cloud, 'GET', '/compute/v2.1/os-services', { token, signal: abort.signal });
    setTimeout(() => abort.abort(), 200);
    await expect(pending).rejects.toThrow();
    expect(cloud.requests().at(-1)).toMatchObject({ method: 'GET', path: '/compute/v2.1/os-services', status: null });
    cloud.setFaults({ endpoints: [{ path: '/compute/**', kind: 'hang' }] });
    const orphan = call(cloud, 'GET', '/compute/v2.1/os-services', { token }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    await cloud.close();
    expect(await orphan).toBeInstanceOf(Error);
  });

  it('a delay fault answers normally afterwards (or with its status)', async () => {
    const cloud = await startCloud(baseConfig());
    const token = await login(cloud);
    cloud.setFaults({ endpoints: [{ path: '/compute/v2.1/os-services', kind: 'delay', delayMs: 30 }, { path: '/compute/v2.1/os-services', kind: 'delay', delayMs: 30, status: 500 }] });
    expect((await call(cloud, 'GET', '/compute/v2.1/os-services', { token })).status).toBe(200);
    const failed = await call(cloud, 'GET', '/compute/v2.1/os-services', { token });
    expect(failed.status).toBe(500);
    expect(failed.body.computeFault.code).toBe(500);
  });

  it('a hold fault matching the query keeps the call until released, then answers from the state at that moment', async () => {
    const cloud = await startCloud(baseConfig());
    const token = await login(cloud);
    cloud.setFaults({ endpoints: [{ method: 'GET', path: '/compute/v2.1/os-services', query: { host: 'cmp-a', binary: null }, kind: 'hold' }] });
    // Another query does not match: answered at once, the fault stays pending.
    expect((await call(cloud, 'GET', '/compute/v2.1/os-services?host=cmp-a&binary=nova-compute', { token })).status).toBe(200);
    expect(cloud.faults().held).toBe(0);
    const held = call(cloud, 'GET', '/compute/v2.1/os-services?host=cmp-a', { token });
    for (let i = 0; i < 100 && cloud.faults().held === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(cloud.faults().held).toBe(1);
    cloud.setServiceStatusAs('cmp-a', 'disabled', 'operator', 'changed while held');
    cloud.setFaults({ release: true });
    const res = await held;
    expect(res.status).toBe(200);
    expect(res.body.services.find((v: { host: string; binary: string }) => v.host === 'cmp-a' && v.binary === 'nova-compute').disabled_reason).toBe('changed while held');
    expect(cloud.faults()).toMatchObject({ held: 0, endpoints: [] });
  });

  it('rejects a malformed fault update with 400', async () => {
    const cloud = await startCloud(baseConfig());
    expect((await call(cloud, 'POST', '/_lab/faults', { body: { endpoints: [{ path: '/x', kind: 'status' }] } })).status).toBe(400);
    expect((await call(cloud, 'POST', '/_lab/faults', { body: { nonsense: true } })).status).toBe(400);
  });

  it('logs method, path, user and status of API calls, never tokens, and not the /_lab calls', async () => {
    const cloud = await startCloud(baseConfig({ instances: [{ name: 'v', host: 'cmp-a', flavor: 'small' }] }));
    const token = await login(cloud);
    await call(cloud, 'GET', '/compute/v2.1/servers/detail?all_tenants=1&host=cmp-a', { token });
    await call(cloud, 'GET', '/compute/v2.1/os-services', { token: 'bogus' });
    await call(cloud, 'GET', '/_lab/state');
    const log = (await call(cloud, 'GET', '/_lab/requests')).body as { method: string; path: string; user: string | null; status: number }[];
    expect(log).toEqual([
      expect.objectContaining({ method: 'POST', path: '/identity/v3/auth/tokens', user: 'mds-orchestrate', status: 201 }),
      expect.objectContaining({ method: 'GET', path: '/compute/v2.1/servers/detail?all_tenants=1&host=cmp-a', user: 'mds-orchestrate', status: 200 }),
      expect.objectContaining({ method: 'GET', path: '/compute/v2.1/os-services', user: null, status: 401 }),
    ]);
    expect(JSON.stringify(log)).not.toContain(token);
    expect(JSON.stringify(log)).not.toContain('tool-pw-123');
    const onlyReads = log.filter((e) => e.path.startsWith('/compute')).every((e) => e.method === 'GET');
    expect(onlyReads).toBe(true);
    await call(cloud, 'DELETE', '/_lab/requests');
    expect(cloud.requests()).toEqual([]);
  });

  it('GET /_lab/state shows services, instances with host and status, and migrations', async () => {
    const cloud = await startCloud(baseConfig({ instances: [{ name: 'v', host: 'cmp-b', flavor: 'small', state: 'PAUSED' }] }));
    const state = (await call(cloud, 'GET', '/_lab/state')).body;
    expect(state.instances).toEqual([expect.objectContaining({ name: 'v', host: 'cmp-b', status: 'PAUSED', powerState: 3 })]);
    expect(state.services.filter((s: { binary: string }) => s.binary === 'nova-compute')).toHaveLength(3);
    expect(state.migrations).toEqual([]);
    expect(cloud.guestsOn('cmp-b')).toEqual([expect.objectContaining({ name: 'v', state: 'paused' })]);
  });
});
