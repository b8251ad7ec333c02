// The client against the lab's fake Keystone/Nova/Placement: every login, the preflight's refusals, capacity from Placement.
import { afterEach, describe, expect, it } from 'vitest';
import { createFakeCloud, type FakeCloud, type FakeCloudConfig } from '../../../src/lab/cloud/index.js';
import { findCloudConfig, type CloudConfig } from '../../../src/openstack/clouds.js';
import { connectNova, type NovaConnection } from '../../../src/openstack/connect.js';
import { preflightCloud } from '../../../src/openstack/preflight.js';
import { readCapacityView } from '../../../src/steps/capacity-view.js';
import { assessCapacity } from '../../../src/steps/capacity.js';
import { ConfigError } from '../../../src/util/errors.js';

const clouds: FakeCloud[] = [];
const conns: NovaConnection[] = [];
afterEach(async () => {
  for (const c of conns.splice(0)) c.close();
  for (const c of clouds.splice(0)) await c.close();
});

const USERS: FakeCloudConfig['users'] = [
  { name: 'mds-orchestrate', password: 'tool-pw', projects: ['admin'], roles: ['admin'],
    applicationCredentials: [{ name: 'automation', id: 'ac-0001', secret: 'ac-secret-1' }] },
  { name: 'member', password: 'member-pw', projects: ['demo'], roles: ['member', 'reader'] },
];

async function lab(extra: Partial<FakeCloudConfig> = {}): Promise<FakeCloud> {
  const cloud = createFakeCloud({
    hosts: ['c1', 'c2', 'c3'].map((name) => ({ name, vcpus: 4, ramMb: 32768, az: 'az1' })), users: USERS,
    flavors: [{ name: 'm', vcpus: 2, ramMb: 4096 }], instances: [], migrationMs: 40, ...extra,
  });
  clouds.push(cloud);
  await cloud.listen(0, '127.0.0.1');
  return cloud;
}

function connect(cfg: CloudConfig): NovaConnection {
  const conn = connectNova(cfg, { warn: () => undefined, http: { retries: 0 } });
  conns.push(conn);
  return conn;
}

const envOf = (cloud: FakeCloud, extra: Record<string, string>) => ({ OS_AUTH_URL: `${cloud.url}/identity/v3`, OS_IDENTITY_API_VERSION: '3', ...extra });

async function refusal(cfg: CloudConfig): Promise<ConfigError> {
  const err = await preflightCloud(connect(cfg).nova, cfg).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ConfigError);
  return err as ConfigError;
}

describe('logging in to the lab', () => {
  it('with the OS_* environment alone (an openrc), and passes the preflight', async () => {
    const cloud = await lab();
    const cfg = findCloudConfig({ env: envOf(cloud, { OS_USERNAME: 'mds-orchestrate', OS_PASSWORD: 'tool-pw', OS_PROJECT_NAME: 'admin',
      OS_USER_DOMAIN_NAME: 'Default', OS_PROJECT_DOMAIN_NAME: 'Default', OS_REGION_NAME: 'RegionOne', OS_INTERFACE: 'internal' }), cwd: '/nonexistent' })!;
    const { nova } = connect(cfg);
    await preflightCloud(nova, cfg);
    expect((await nova.listComputeServices()).map((s) => s.host).sort()).toEqual(['c1', 'c2', 'c3']);
  });

  it('with an application credential by id, and by name with its user', async () => {
    const cloud = await lab();
    for (const extra of [{ OS_APPLICATION_CREDENTIAL_ID: 'ac-0001' }, { OS_APPLICATION_CREDENTIAL_NAME: 'automation', OS_USERNAME: 'mds-orchestrate', OS_USER_DOMAIN_ID: 'default' }]) {
      const cfg = findCloudConfig({ env: envOf(cloud, { OS_AUTH_TYPE: 'v3applicationcredential', OS_APPLICATION_CREDENTIAL_SECRET: 'ac-secret-1', ...extra }), cwd: '/nonexistent' })!;
      const { nova } = connect(cfg);
      await preflightCloud(nova, cfg);
      expect(await nova.listServers()).toEqual([]);
    }
  });

  it('a wrong password fails the preflight with Keystone\'s words, naming where the password came from', async () => {
    const cloud = await lab();
    const cfg = findCloudConfig({ env: envOf(cloud, { OS_USERNAME: 'mds-orchestrate', OS_PASSWORD: 'wrong', OS_PROJECT_NAME: 'admin' }), cwd: '/nonexistent' })!;
    const err = await refusal(cfg);
    expect(err.message).toMatch(/^environment: OS_PASSWORD: cannot authenticate and read the compute API version: .*HTTP 401.*The request you have made requires authentication\./);
    expect(err.message).not.toContain('wrong');
  });

  it('a non-admin token fails the preflight with Nova\'s policy message', async () => {
    const cloud = await lab();
    const cfg = findCloudConfig({ env: envOf(cloud, { OS_USERNAME: 'member', OS_PASSWORD: 'member-pw', OS_PROJECT_NAME: 'demo' }), cwd: '/nonexistent' })!;
    const err = await refusal(cfg);
    expect(err.message).toContain("Policy doesn't allow os_compute_api:os-services:list to be performed.");
    expect(err.message).toContain('admin rights');
  });
});

describe('capacity from the lab\'s Placement', () => {
  const fleet = (count: number) => Array.from({ length: count }, (_, i) => ({ name: `v${i}`, host: 'c1', flavor: 'm' }));

  it('a drain proceeds on hosts overcommitted 4:1, and is refused only when Placement has no room', async () => {
    // c1 runs 6 x 2 vCPU on 4 physical CPUs (3:1); c2 and c3 have 16 schedulable vCPUs each at 4.0.
    const cloud = await lab({ cpuAllocationRatio: 4, ramAllocationRatio: 1, reservedHostMemoryMb: 512, instances: [...fleet(6), { name: 'w0', host: 'c2', flavor: 'm' }] });
    const cfg = findCloudConfig({ env: envOf(cloud, { OS_USERNAME: 'mds-orchestrate', OS_PASSWORD: 'tool-pw', OS_PROJECT_NAME: 'admin' }), cwd: '/nonexistent' })!;
    const { nova } = connect(cfg);
    const view = await readCapacityView(nova);
    expect(view.source).toBe('placement');
    expect(view.nodes.find((n) => n.host === 'c2')!.free).toEqual({ VCPU: 14, MEMORY_MB: 32768 - 512 - 4096 });
    const toMove = await nova.listServers({ host: 'c1' });
    const ok = await assessCapacity(nova, 'c1', toMove);
    expect(ok.ok).toBe(true);
    expect(ok.notes.join('\n')).toMatch(/capacity \(placement\): 12 vCPU \/ 24576 MB to move; room left after the move: 18 vCPU/);
    // The old os-hypervisors arithmetic (4 vCPU per host, 1:1) would have refused this drain.
    const hv = await nova.listHypervisors();
    expect(hv.find((h) => h.serviceHost === 'c2')!.vcpusUsed).toBe(2);
    // Every other host cordoned: nowhere to go at all.
    cloud.setServiceStatusAs('c3', 'disabled', 'operator', 'maintenance');
    cloud.setServiceStatusAs('c2', 'disabled', 'operator', 'maintenance');
    const none = await assessCapacity(nova, 'c1', toMove);
    expect(none).toMatchObject({ ok: false, reason: 'no other enabled and up compute host can receive instances' });
    // At 1:1 (4 schedulable vCPUs per host), c2 holding w0 has room for one instance of c1's two: refused by Placement's numbers.
    const more = await lab({ cpuAllocationRatio: 1, ramAllocationRatio: 1, reservedHostMemoryMb: 512, instances: [...fleet(2), { name: 'w0', host: 'c2', flavor: 'm' }, { name: 'w1', host: 'c3', flavor: 'm' }] });
    const cfg2 = findCloudConfig({ env: envOf(more, { OS_USERNAME: 'mds-orchestrate', OS_PASSWORD: 'tool-pw', OS_PROJECT_NAME: 'admin' }), cwd: '/nonexistent' })!;
    const nova2 = connect(cfg2).nova;
    more.setServiceStatusAs('c3', 'disabled', 'operator', 'maintenance');
    const full = await assessCapacity(nova2, 'c1', await nova2.listServers({ host: 'c1' }));
    expect(full.ok).toBe(false);
    expect(full.reason).toMatch(/^Placement has no room for instance v\d \(2 vCPU \/ 4096 MB\) on the 1 other enabled hosts \(free after the larger ones: c2 0 vCPU \/ 24064 MB/);
  });

  it('keeps pinned instances in their zone and says so when Nova cannot tell (before 2.96)', async () => {
    const cloud = await lab({
      hosts: [{ name: 'c1', vcpus: 4, ramMb: 32768, az: 'az1' }, { name: 'c2', vcpus: 4, ramMb: 32768, az: 'az2' }],
      instances: [{ name: 'p', host: 'c1', flavor: 'm', availabilityZone: 'az1' }, { name: 'f', host: 'c1', flavor: 'm' }],
    });
    const env = envOf(cloud, { OS_USERNAME: 'mds-orchestrate', OS_PASSWORD: 'tool-pw', OS_PROJECT_NAME: 'admin' });
    const nova = connect(findCloudConfig({ env, cwd: '/nonexistent' })!).nova;
    const servers = await nova.listServers({ host: 'c1' });
    expect(servers.find((s) => s.name === 'p')!.pinnedAvailabilityZone).toBe('az1');
    const verdict = await assessCapacity(nova, 'c1', servers);
    expect(verdict.ok).toBe(false);
    expect(verdict.reason).toContain('instance p (2 vCPU / 4096 MB) on the 0 other enabled hosts of zone az1');
    expect((await assessCapacity(nova, 'c1', servers.filter((s) => s.name === 'f'))).ok).toBe(true);
    const old = connectNova(findCloudConfig({ env, cwd: '/nonexistent' })!, { warn: () => undefined, maxMicroversion: '2.95' });
    conns.push(old);
    const unknown = await assessCapacity(old.nova, 'c1', await old.nova.listServers({ host: 'c1' }));
    expect(unknown.ok).toBe(false);
  });

  it('without Placement in the catalog, os-hypervisors decides, and the plan says so', async () => {
    const cloud = await lab({ placement: false, instances: fleet(1) });
    const nova = connect(findCloudConfig({ env: envOf(cloud, { OS_USERNAME: 'mds-orchestrate', OS_PASSWORD: 'tool-pw', OS_PROJECT_NAME: 'admin' }), cwd: '/nonexistent' })!).nova;
    const verdict = await assessCapacity(nova, 'c1', await nova.listServers({ host: 'c1' }));
    expect(verdict.ok).toBe(true);
    expect(verdict.notes[0]).toMatch(/the catalog has no Placement, so room comes from os-hypervisors/);
  });
});
