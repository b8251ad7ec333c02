// Conformance: the mappers, catalog selection, microversion bodies and clouds.yaml loader read upstream's own samples.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadCloudConfig } from '../../../src/openstack/clouds.js';
import { parseCatalog, selectEndpoint } from '../../../src/openstack/keystone.js';
import { liveMigrateBody, versionRangeOf } from '../../../src/openstack/microversion.js';
import { itemOf, listOf, mapMigration, mapServer, mapService, nextMarker } from '../../../src/openstack/nova-map.js';
import { ConfigError } from '../../../src/util/errors.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const dir = path.resolve(repo, '../shared/fixtures/nova-api');
const load = (rel: string): unknown => JSON.parse(readFileSync(path.join(dir, rel), 'utf8'));
const samples = 'nova-api-samples';

describe.runIf(existsSync(dir))('upstream Nova/Keystone samples', () => {
  it('version documents give the range 2.1-2.104', () => {
    expect(versionRangeOf(load(`${samples}/versions/v21-version-get-resp.json`))).toEqual({ min: '2.1', max: '2.104' });
    expect(versionRangeOf(load(`${samples}/versions/versions-get-resp.json`))).toEqual({ min: '2.1', max: '2.104' });
  });

  it('services: 2.53 UUIDs, legacy integer ids, the PUT response', () => {
    const v253 = listOf(load(`${samples}/os-services/v2.53/services-list-get-resp.json`), 'services').map(mapService);
    expect(v253.every((s) => /^[0-9a-f-]{36}$/.test(s.id))).toBe(true);
    const legacy = listOf(load(`${samples}/os-services/services-list-get-resp.json`), 'services').map(mapService);
    expect(legacy.find((s) => s.binary === 'nova-compute' && s.host === 'host2')).toMatchObject({ id: '4', state: 'down', status: 'disabled', disabledReason: 'test4' });
    const put = mapService(itemOf(load(`${samples}/os-services/v2.53/service-disable-log-put-resp.json`), 'service'));
    expect(put).toMatchObject({ id: 'e81d66a4-ddd3-4aba-8a84-171d1cb4d339', status: 'disabled', disabledReason: 'maintenance', zone: 'nova' });
  });

  it('servers: old flavor reference vs embedded flavor, and the next-page marker', () => {
    const oldBody = load(`${samples}/servers/servers-details-resp.json`);
    const old = listOf(oldBody, 'servers').map(mapServer);
    expect(old[0]).toMatchObject({ id: 'f5dc173b-6804-445a-a6d8-c705dad5b5eb', status: 'ACTIVE', host: 'c3f14e9812ad496baf92ccfb3c61e15f', vmState: 'active', taskState: null, flavor: null });
    expect(nextMarker(oldBody, 'servers_links')).toBe('f5dc173b-6804-445a-a6d8-c705dad5b5eb');
    const recent = listOf(load(`${samples}/servers/v2.100/servers-details-resp.json`), 'servers').map(mapServer);
    expect(recent[0]?.flavor).toEqual({ vcpus: 1, ramMb: 512 });
  });

  it('migrations: fields and status strings', () => {
    const list = listOf(load(`${samples}/os-migrations/v2.80/migrations-get.json`), 'migrations').map(mapMigration);
    expect(list.find((m) => m.id === '1')).toEqual({
      id: '1', instanceUuid: '8600d31b-d1a1-4632-b2ff-45c2be1a70ff', status: 'running', sourceCompute: 'compute1', destCompute: 'compute2',
      migrationType: 'live-migration', createdAt: '2016-01-29T11:42:02.000000',
    });
  });

  it('live-migrate bodies have the sample\'s keys (minus force) per range', () => {
    const keys = (v: unknown): string[] => Object.keys((v as { 'os-migrateLive': object })['os-migrateLive']).sort();
    const host = '01c0cadef72d47e28a672a76060d492c';
    expect(liveMigrateBody('2.1', host)).toEqual(load(`${samples}/os-migrate-server/live-migrate-server.json`));
    expect(liveMigrateBody('2.25', host)).toEqual(load(`${samples}/os-migrate-server/v2.25/live-migrate-server.json`));
    expect(keys(liveMigrateBody('2.30', host))).toEqual(keys(load(`${samples}/os-migrate-server/v2.30/live-migrate-server.json`)).filter((k) => k !== 'force'));
    expect(liveMigrateBody('2.68', host)).toEqual(load(`${samples}/os-migrate-server/v2.68/live-migrate-server.json`));
  });

  it('catalog with compute_legacy and compute picks compute', () => {
    const body = load('keystone-samples/admin/auth-password-project-scoped-response.json') as { token: { catalog: unknown } };
    const url = selectEndpoint(parseCatalog(body.token.catalog), { type: 'compute', interface: 'public', region: 'RegionOne' });
    expect(url).toMatch(/\/v2\.1\//);
  });

  it('openstacksdk\'s unit-test clouds.yaml', () => {
    const env = { OS_CLIENT_CONFIG_FILE: path.join(dir, 'clouds-yaml/openstacksdk-unit-fixture-clouds.yaml') };
    const c = loadCloudConfig({ cloud: '_test_cloud_', env, cwd: repo, homeDir: '/nonexistent', etcDir: '/nonexistent' });
    expect(c.auth).toMatchObject({ authUrl: 'https://identity.example.com', userDomain: { name: 'default' }, projectDomain: { name: 'default' } });
    expect(() => loadCloudConfig({ cloud: '_bogus_test_', env, cwd: repo, homeDir: '/nonexistent', etcDir: '/nonexistent' })).toThrow(ConfigError);
  });
});
