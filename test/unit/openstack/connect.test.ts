// connectNova: a loaded cloud becomes a working Nova client; TLS settings reach the HTTP client.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CloudConfig } from '../../../src/openstack/clouds.js';
import { connectNova, type NovaConnection } from '../../../src/openstack/connect.js';
import { ConfigError } from '../../../src/util/errors.js';
import { PASSWORD, startFakeCloud, type FakeCloud } from './fake-cloud.js';
import { json } from './stub-server.js';

const clouds: FakeCloud[] = [];
const conns: NovaConnection[] = [];

function cloudConfig(authUrl: string, tls: CloudConfig['tls'] = { verify: true }): CloudConfig {
  return {
    name: 'lab', file: '/tmp/clouds.yaml', interface: 'public', regionName: 'RegionOne', tls,
    auth: { authUrl, username: 'admin', password: PASSWORD, projectName: 'admin', userDomain: { id: 'default' }, projectDomain: { id: 'default' } },
  };
}

afterEach(async () => {
  for (const c of conns.splice(0)) c.close();
  await Promise.all(clouds.splice(0).map((c) => c.close()));
});

describe('connectNova', () => {
  it('authenticates, finds Nova and lists services', async () => {
    const cloud = await startFakeCloud({ nova: (_p, _r, res) => json(res, 200, { services: [{ id: 'u1', binary: 'nova-compute', host: 'cmp1', zone: 'nova', status: 'enabled', state: 'up', disabled_reason: null }] }) });
    clouds.push(cloud);
    const conn = connectNova(cloudConfig(cloud.authUrl), { warn: () => undefined });
    conns.push(conn);
    expect((await conn.nova.listComputeServices('cmp1')).map((s) => s.host)).toEqual(['cmp1']);
    expect(conn.session.authCount).toBe(1);
  });

  it('warns when verification is off', () => {
    const warn = vi.fn();
    conns.push(connectNova(cloudConfig('https://k', { verify: false }), { warn }));
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^cloud lab: TLS certificate verification is disabled/));
  });

  it('an unreadable cacert is a ConfigError', () => {
    expect(() => connectNova(cloudConfig('https://k', { verify: true, cacert: '/nonexistent/ca.pem' }), { warn: () => undefined })).toThrow(ConfigError);
  });
});
