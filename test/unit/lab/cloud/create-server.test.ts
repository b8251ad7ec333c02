// POST /servers in the lab's Nova: Nova's schema answers, BUILD then ACTIVE on the scheduler's host, NoValidHost as ERROR.
import { describe, expect, it } from 'vitest';
import { MEMBER, baseConfig, call, login, startCloud, waitFor } from './cloud-harness.js';

const IMAGE = '155d900f-4e14-4e4c-a73d-069cbf4541e6';
const server = (extra: Record<string, unknown> = {}): unknown => ({ server: { name: 'new-1', imageRef: IMAGE, flavorRef: 'small', networks: 'none', ...extra } });

describe('fake Nova server create', () => {
  it('answers 202, shows BUILD, then ACTIVE on the host with the most free RAM, owned by the caller', async () => {
    const cloud = await startCloud(baseConfig({ powerActionMs: 400, instances: [{ name: 'a1', host: 'cmp-a', flavor: 'big' }, { name: 'b1', host: 'cmp-b', flavor: 'small' }] }));
    const flavorId = cloud.world.flavors.find((f) => f.name === 'small')!.id;
    const token = await login(cloud, MEMBER, 'demo');
    const res = await call(cloud, 'POST', '/compute/v2.1/servers', { token, mv: '2.37', body: server({ flavorRef: flavorId }) });
    expect(res.status).toBe(202);
    const id = res.body.server.id as string;
    const first = await call(cloud, 'GET', `/compute/v2.1/servers/${id}`, { token });
    expect(first.body.server.status).toBe('BUILD');
    const admin = await login(cloud);
    const done = await waitFor(async () => {
      const s = (await call(cloud, 'GET', `/compute/v2.1/servers/${id}`, { token: admin })).body.server;
      return s.status === 'ACTIVE' ? s : undefined;
    }, 'server ACTIVE');
    expect(done['OS-EXT-SRV-ATTR:host']).toBe('cmp-c');
    expect(done['OS-EXT-STS:power_state']).toBe(1);
    expect(done.tenant_id).toBe(first.body.server.tenant_id);
    expect(cloud.guestsOn('cmp-c').map((g) => g.name)).toEqual(['new-1']);
  });

  it('refuses what Nova refuses: networks missing from 2.37, an unknown flavor, a malformed image, an unknown zone', async () => {
    const cloud = await startCloud(baseConfig());
    const token = await login(cloud);
    const flavorRef = cloud.world.flavors[0]!.id;
    const post = (mv: string, body: unknown) => call(cloud, 'POST', '/compute/v2.1/servers', { token, mv, body });
    const noNetworks = await post('2.37', { server: { name: 'x', imageRef: IMAGE, flavorRef } });
    expect(noNetworks.status).toBe(400);
    expect(noNetworks.body.badRequest.message).toMatch(/'networks' is a required property/);
    expect((await post('2.36', { server: { name: 'x', imageRef: IMAGE, flavorRef } })).status).toBe(202);
    expect((await post('2.37', server({ flavorRef: 'nope' }))).body.badRequest.message).toBe('Flavor nope could not be found.');
    expect((await post('2.37', server({ flavorRef, imageRef: 'not-an-image' }))).body.badRequest.message).toBe('Invalid imageRef provided.');
    expect((await post('2.37', server({ flavorRef, availability_zone: 'az9' }))).status).toBe(400);
  });

  it('a server that fits nowhere is accepted and goes to ERROR with no host, as NoValidHost does', async () => {
    const cloud = await startCloud(baseConfig({ flavors: [{ name: 'huge', id: 'huge', vcpus: 64, ramMb: 262144 }] }));
    const token = await login(cloud);
    const res = await call(cloud, 'POST', '/compute/v2.1/servers', { token, mv: '2.37', body: server({ flavorRef: 'huge' }) });
    expect(res.status).toBe(202);
    const s = (await call(cloud, 'GET', `/compute/v2.1/servers/${res.body.server.id}`, { token })).body.server;
    expect(s.status).toBe('ERROR');
    expect(s['OS-EXT-SRV-ATTR:host']).toBeNull();
  });
});
