// The Nova client against a stub cloud: negotiation and headers, services (2.53 and legacy), paging, hypervisors, actions.
import type http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, OpenStackHttpError, OpenStackProtocolError } from '../../../src/openstack/errors.js';
import { HttpClient } from '../../../src/openstack/http.js';
import { KeystoneSession } from '../../../src/openstack/keystone.js';
import { createNovaClient, InvalidRequestError, type NovaClient } from '../../../src/openstack/nova.js';
import { PASSWORD, startFakeCloud, type FakeCloud } from './fake-cloud.js';
import { json, rejection, type Recorded } from './stub-server.js';

type Route = (path: string, req: Recorded, res: http.ServerResponse) => void | Promise<void>;

const open: { cloud: FakeCloud; http: HttpClient }[] = [];

async function nova(route: Route, cloudOpts: { max?: string; min?: string; projectInUrl?: boolean } = {}, maxMicroversion?: string): Promise<{ client: NovaClient; cloud: FakeCloud; calls: () => Recorded[] }> {
  const cloud = await startFakeCloud({ ...cloudOpts, nova: route });
  const http = new HttpClient({ backoffBaseMs: 1, backoffMaxMs: 5 });
  open.push({ cloud, http });
  const session = new KeystoneSession(http, {
    authUrl: cloud.authUrl, username: 'admin', password: PASSWORD, projectName: 'admin', userDomain: { id: 'default' }, projectDomain: { id: 'default' },
  });
  const client = createNovaClient({ session, region: 'RegionOne', ...(maxMicroversion ? { maxMicroversion } : {}) });
  const root = new URL(cloud.computeUrl).pathname;
  // Calls below the compute endpoint, without the version document.
  const calls = (): Recorded[] => cloud.novaRequests().filter((r) => r.url !== `${root}/` && r.url !== `${root.replace(/\/[0-9a-f]{32}$/, '')}/`);
  return { client, cloud, calls };
}

afterEach(async () => {
  for (const o of open.splice(0)) {
    o.http.close();
    await o.cloud.close();
  }
});

const SVC = { id: 'e81d66a4-ddd3-4aba-8a84-171d1cb4d339', binary: 'nova-compute', host: 'cmp1', zone: 'nova', status: 'enabled', state: 'up', disabled_reason: null, updated_at: 'x', forced_down: false };

function server(id: string, host: string | null, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id, name: `vm-${id}`, status: 'ACTIVE', tenant_id: 'proj1', 'OS-EXT-SRV-ATTR:host': host, 'OS-EXT-STS:task_state': null,
    'OS-EXT-STS:vm_state': 'active', flavor: { vcpus: 2, ram: 4096, disk: 20, original_name: 'm1.medium' }, ...extra,
  };
}

describe('negotiation', () => {
  it('reads the version document, then sends the chosen version in both headers', async () => {
    const { client, cloud, calls } = await nova((_p, _r, res) => json(res, 200, { services: [] }), { max: '2.104' });
    await client.listComputeServices();
    expect(await client.microversion()).toBe('2.96');
    expect(cloud.novaRequests()[0]?.url).toBe('/compute/v2.1/');
    expect(calls()[0]?.headers['openstack-api-version']).toBe('compute 2.96');
    expect(calls()[0]?.headers['x-openstack-nova-api-version']).toBe('2.96');
  });

  it('finds the version document above a /v2.1/<project> endpoint and uses an older server\'s max', async () => {
    const { client, cloud, calls } = await nova((_p, _r, res) => json(res, 200, { services: [] }), { max: '2.60', projectInUrl: true });
    await client.listComputeServices('cmp1');
    expect(cloud.stub.requests.map((r) => r.url).filter((u) => !u.startsWith('/identity'))[0]).toBe('/compute/v2.1/');
    expect(calls()[0]?.url).toMatch(/^\/compute\/v2\.1\/[0-9a-f]{32}\/os-services\?/);
    expect(calls()[0]?.headers['openstack-api-version']).toBe('compute 2.60');
  });
});

describe('compute services', () => {
  it('lists nova-compute services of a host, mapped', async () => {
    const { client, calls } = await nova((_p, _r, res) => json(res, 200, { services: [{ ...SVC, status: 'disabled', disabled_reason: 'mds-orchestrate: x' }] }));
    expect(await client.listComputeServices('cmp1')).toEqual([{
      id: SVC.id, binary: 'nova-compute', host: 'cmp1', zone: 'nova', status: 'disabled', state: 'up', disabledReason: 'mds-orchestrate: x', forcedDown: false,
    }]);
    expect(calls()[0]?.url).toBe('/compute/v2.1/os-services?binary=nova-compute&host=cmp1');
  });

  it('maps forced_down (2.11+), and says null when an older Nova does not give it', async () => {
    const { client } = await nova((_p, _r, res) => json(res, 200, { services: [{ ...SVC, state: 'down', forced_down: true }, { ...SVC, id: 'b', forced_down: undefined }] }));
    expect((await client.listComputeServices('cmp1')).map((s) => [s.state, s.forcedDown])).toEqual([['down', true], ['up', null]]);
  });

  it('2.53: PUT by UUID; disabled_reason only when disabling', async () => {
    const { client, calls } = await nova((_p, req, res) => {
      const b = req.body as { status: string; disabled_reason?: string };
      json(res, 200, { service: { ...SVC, status: b.status, disabled_reason: b.disabled_reason ?? null } });
    });
    const off = await client.setServiceStatus(SVC.id, 'disabled', 'mds-orchestrate: run 1');
    expect(off).toMatchObject({ status: 'disabled', disabledReason: 'mds-orchestrate: run 1' });
    const on = await client.setServiceStatus(SVC.id, 'enabled', 'ignored');
    expect(on).toMatchObject({ status: 'enabled', disabledReason: null });
    expect(calls().map((c) => [c.method, c.url, c.body])).toEqual([
      ['PUT', `/compute/v2.1/os-services/${SVC.id}`, { status: 'disabled', disabled_reason: 'mds-orchestrate: run 1' }],
      ['PUT', `/compute/v2.1/os-services/${SVC.id}`, { status: 'enabled' }],
    ]);
  });

  it('refuses to disable without a reason, before calling Nova', async () => {
    const { client, calls } = await nova((_p, _r, res) => json(res, 500, {}));
    await expect(client.setServiceStatus(SVC.id, 'disabled')).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(client.setServiceStatus(SVC.id, 'disabled', 'x'.repeat(256))).rejects.toBeInstanceOf(InvalidRequestError);
    expect(calls()).toHaveLength(0);
  });

  it('below 2.53 uses the legacy host+binary calls and returns the re-listed service', async () => {
    let status = 'enabled';
    let reason: string | null = null;
    const { client, calls } = await nova((path, req, res) => {
      if (req.method === 'GET') return json(res, 200, { services: [{ ...SVC, id: 7, status, disabled_reason: reason }] });
      const b = req.body as { disabled_reason?: string };
      status = path.endsWith('/enable') ? 'enabled' : 'disabled';
      reason = b.disabled_reason ?? null;
      return json(res, 200, { service: { binary: 'nova-compute', host: 'cmp1', status, disabled_reason: reason } });
    }, { max: '2.104' }, '2.52');
    const off = await client.setServiceStatus('7', 'disabled', 'maint');
    expect(off).toEqual({ id: '7', binary: 'nova-compute', host: 'cmp1', zone: 'nova', status: 'disabled', state: 'up', disabledReason: 'maint', forcedDown: false });
    await client.setServiceStatus('7', 'enabled');
    const puts = calls().filter((c) => c.method === 'PUT');
    expect(puts.map((c) => [c.url, c.body])).toEqual([
      ['/compute/v2.1/os-services/disable-log-reason', { host: 'cmp1', binary: 'nova-compute', disabled_reason: 'maint' }],
      ['/compute/v2.1/os-services/enable', { host: 'cmp1', binary: 'nova-compute' }],
    ]);
    expect(puts[0]?.headers['openstack-api-version']).toBe('compute 2.52');
  });
});

describe('servers', () => {
  it('follows servers_links by marker on our own endpoint, keeping the filters', async () => {
    const { client, calls } = await nova((path, _r, res) => {
      const marker = new URL(path, 'http://x').searchParams.get('marker');
      if (marker === null) {
        return json(res, 200, { servers: [server('s1', 'cmp1'), server('s2', 'cmp1')], servers_links: [{ rel: 'next', href: 'http://nova-internal:8774/v2.1/servers/detail?all_tenants=1&host=cmp1&limit=2&marker=s2' }] });
      }
      if (marker === 's2') return json(res, 200, { servers: [server('s3', 'cmp1', { 'OS-EXT-STS:task_state': 'migrating', status: 'MIGRATING' })] });
      return json(res, 400, {});
    });
    const list = await client.listServers({ host: 'cmp1' });
    expect(list.map((s) => s.id)).toEqual(['s1', 's2', 's3']);
    expect(list[2]).toEqual({ id: 's3', name: 'vm-s3', status: 'MIGRATING', host: 'cmp1', taskState: 'migrating', vmState: 'active', projectId: 'proj1', flavor: { vcpus: 2, ramMb: 4096 } });
    expect(calls().map((c) => c.url)).toEqual([
      '/compute/v2.1/servers/detail?all_tenants=1&host=cmp1',
      '/compute/v2.1/servers/detail?all_tenants=1&host=cmp1&marker=s2',
    ]);
  });

  it('refuses a host filter that a non-admin token made Nova ignore', async () => {
    const { client } = await nova((_p, _r, res) => {
      const { ['OS-EXT-SRV-ATTR:host']: _h, ...plain } = server('s1', 'cmp9');
      json(res, 200, { servers: [plain] });
    });
    await expect(client.listServers({ host: 'cmp1' })).rejects.toThrow(OpenStackProtocolError);
    await expect(client.listServers()).rejects.toThrow(/admin role/);
  });

  it('gets one server; pre-2.47 flavor is null; 404 is NotFoundError', async () => {
    const { client } = await nova((path, _r, res) => (path === '/servers/s1'
      ? json(res, 200, { server: server('s1', null, { status: 'SHUTOFF', flavor: { id: '1', links: [] } }) })
      : json(res, 404, { itemNotFound: { message: 'Instance nope could not be found.' } })));
    expect(await client.getServer('s1')).toMatchObject({ id: 's1', status: 'SHUTOFF', host: null, flavor: null });
    const err = await rejection(client.getServer('nope'));
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err.message).toContain('Instance nope could not be found.');
  });
});

describe('hypervisors', () => {
  it('asks with 2.87 for the capacity fields and follows pages', async () => {
    const hv = (id: string, host: string): Record<string, unknown> => ({
      id, hypervisor_hostname: `${host}.example`, state: 'up', status: 'enabled', vcpus: 32, vcpus_used: 6, memory_mb: 131072, memory_mb_used: 20480,
      service: { host, id: 'svc', disabled_reason: null },
    });
    const { client, calls } = await nova((path, _r, res) => (path.includes('marker=h1')
      ? json(res, 200, { hypervisors: [hv('h2', 'cmp2')] })
      : json(res, 200, { hypervisors: [hv('h1', 'cmp1')], hypervisors_links: [{ rel: 'next', href: 'http://x/v2.1/os-hypervisors/detail?marker=h1' }] })), { max: '2.104' });
    const list = await client.listHypervisors();
    expect(list).toEqual([
      { id: 'h1', hostname: 'cmp1.example', serviceHost: 'cmp1', state: 'up', status: 'enabled', vcpus: 32, vcpusUsed: 6, memoryMb: 131072, memoryMbUsed: 20480 },
      expect.objectContaining({ id: 'h2', serviceHost: 'cmp2' }),
    ]);
    expect(calls().map((c) => c.headers['openstack-api-version'])).toEqual(['compute 2.87', 'compute 2.87']);
  });
});

describe('live migration and actions', () => {
  it.each([
    ['2.24', { host: null, block_migration: false, disk_over_commit: false }],
    ['2.29', { host: null, block_migration: 'auto' }],
    ['2.60', { host: null, block_migration: 'auto' }],
    ['2.104', { host: null, block_migration: 'auto' }],
  ])('server max %s: body fits the range', async (max, body) => {
    const { client, calls } = await nova((_p, _r, res) => json(res, 202, undefined), { max });
    await client.liveMigrate('s1', null);
    expect(calls()[0]?.url).toBe('/compute/v2.1/servers/s1/action');
    expect(calls()[0]?.body).toEqual({ 'os-migrateLive': body });
  });

  it('409 is a ConflictError without the token; 500 is not retried', async () => {
    let n = 0;
    const { client, cloud, calls } = await nova((_p, _r, res) => (++n === 1
      ? json(res, 409, { conflictingRequest: { message: "Cannot 'os-migrateLive' instance s1 while it is in vm_state stopped", code: 409 } })
      : json(res, 500, { computeFault: { message: 'oops' } })));
    const err = await rejection(client.liveMigrate('s1', 'cmp2'));
    expect(err).toBeInstanceOf(ConflictError);
    expect(err.message).toMatch(/^POST \/compute\/v2\.1\/servers\/s1\/action failed with HTTP 409: Cannot 'os-migrateLive'/);
    expect(err.message).not.toContain(cloud.issued[0]);
    expect(err.message).not.toContain(PASSWORD);
    const err2 = await rejection(client.stopServer('s1'));
    expect((err2 as OpenStackHttpError).status).toBe(500);
    expect(calls()).toHaveLength(2);
  });

  it('stop and start send os-stop / os-start with null', async () => {
    const { client, calls } = await nova((_p, _r, res) => json(res, 202, undefined));
    await client.stopServer('a b');
    await client.startServer('s2');
    expect(calls().map((c) => [c.url, c.body])).toEqual([
      ['/compute/v2.1/servers/a%20b/action', { 'os-stop': null }],
      ['/compute/v2.1/servers/s2/action', { 'os-start': null }],
    ]);
  });
});

describe('migrations', () => {
  it('filters by instance, host and type, pages, and maps', async () => {
    const mig = (id: number, status: string, type = 'live-migration'): Record<string, unknown> => ({
      id, uuid: `u${id}`, instance_uuid: 'i1', status, source_compute: 'cmp1', dest_compute: 'cmp2', migration_type: type, created_at: '2030-01-01T00:00:00.000000',
    });
    const { client, calls } = await nova((path, _r, res) => (path.includes('marker=')
      ? json(res, 200, { migrations: [mig(3, 'completed'), mig(2, 'finished', 'resize')] })
      : json(res, 200, { migrations: [mig(4, 'running')], migrations_links: [{ rel: 'next', href: 'http://x/os-migrations?marker=u4' }] })));
    const list = await client.listMigrations({ instanceUuid: 'i1', host: 'cmp1', migrationType: 'live-migration' });
    expect(list).toEqual([
      { id: '4', instanceUuid: 'i1', status: 'running', sourceCompute: 'cmp1', destCompute: 'cmp2', migrationType: 'live-migration', createdAt: '2030-01-01T00:00:00.000000' },
      expect.objectContaining({ id: '3', status: 'completed' }),
    ]);
    expect(calls().map((c) => c.url)).toEqual([
      '/compute/v2.1/os-migrations?instance_uuid=i1&host=cmp1&migration_type=live-migration',
      '/compute/v2.1/os-migrations?instance_uuid=i1&host=cmp1&migration_type=live-migration&marker=u4',
    ]);
  });
});
