import { describe, expect, it } from 'vitest';
import { parseMigrateLive } from '../../../../src/lab/cloud/migrate-live-schema.js';
import { baseConfig, call, login, startCloud } from './cloud-harness.js';

const reject = (body: unknown, mv: number, message: string): void => {
  expect(() => parseMigrateLive(body, mv), `${JSON.stringify(body)} @2.${mv}`).toThrow(message);
};

describe('os-migrateLive schema per microversion', () => {
  it('2.1-2.24 needs block_migration, disk_over_commit and host, booleans only', () => {
    expect(parseMigrateLive({ host: null, block_migration: false, disk_over_commit: false }, 24)).toEqual({ host: null, blockMigration: false, forced: false });
    reject({ host: null, block_migration: false }, 24, "'disk_over_commit' is a required property");
    reject({ host: null, block_migration: 'auto', disk_over_commit: false }, 1, 'not valid');
    reject({ host: null, block_migration: false, disk_over_commit: false, force: false }, 24, "'force' was unexpected");
  });

  it('2.25-2.29 drops disk_over_commit (400 when sent) and accepts "auto"', () => {
    expect(parseMigrateLive({ host: null, block_migration: 'auto' }, 25).blockMigration).toBe('auto');
    reject({ host: null, block_migration: 'auto', disk_over_commit: false }, 25, "'disk_over_commit' was unexpected");
    reject({ block_migration: 'auto' }, 29, "'host' is a required property");
  });

  it('2.30-2.67 allows force; 2.68+ rejects it', () => {
    expect(parseMigrateLive({ host: 'cmp-b', block_migration: 'auto', force: true }, 30).forced).toBe(true);
    expect(parseMigrateLive({ host: 'cmp-b', block_migration: 'auto', force: false }, 67).forced).toBe(false);
    reject({ host: null, block_migration: 'auto', force: false }, 68, "'force' was unexpected");
    expect(parseMigrateLive({ host: 'cmp-b', block_migration: 'auto' }, 68).forced).toBe(false);
  });

  it('a named host bypasses the scheduler only before 2.30', () => {
    expect(parseMigrateLive({ host: 'cmp-b', block_migration: 'auto' }, 29).forced).toBe(true);
    expect(parseMigrateLive({ host: 'cmp-b', block_migration: 'auto' }, 30).forced).toBe(false);
  });

  it('host must be a non-empty string or null', () => {
    reject({ host: 5, block_migration: 'auto' }, 60, "is not of type 'string', 'null'");
    reject({ host: '', block_migration: 'auto' }, 60, "is not of type 'string', 'null'");
  });

  it('over HTTP: 400 for force at 2.68 and disk_over_commit at 2.25, nothing migrates', async () => {
    const cloud = await startCloud(baseConfig({ instances: [{ name: 'v', host: 'cmp-a', flavor: 'small' }] }));
    const token = await login(cloud);
    const id = cloud.state().instances[0]!.uuid;
    const at68 = await call(cloud, 'POST', `/compute/v2.1/servers/${id}/action`, { token, mv: '2.68', body: { 'os-migrateLive': { host: null, block_migration: 'auto', force: false } } });
    expect(at68.status).toBe(400);
    expect(at68.body.badRequest.message).toContain('Additional properties are not allowed');
    const at25 = await call(cloud, 'POST', `/compute/v2.1/servers/${id}/action`, { token, mv: '2.25', body: { 'os-migrateLive': { host: null, block_migration: 'auto', disk_over_commit: false } } });
    expect(at25.status).toBe(400);
    expect(cloud.state().migrations).toEqual([]);
    expect(cloud.state().instances[0]!.taskState).toBeNull();
  });
});
