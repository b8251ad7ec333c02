// Every way openstacksdk finds a cloud: OS_CLOUD over OS_* variables, an openrc alone, the only cloud, application credentials.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findCloudConfig, loadCloudConfig, type LoadCloudOptions } from '../../../src/openstack/clouds.js';
import { applicationCredentialAuthBody, authBody } from '../../../src/openstack/keystone.js';
import { ConfigError } from '../../../src/util/errors.js';

const SECRET = 'appcred-Secret-99';
let root: string;
let cwd: string;

const opts = (env: Record<string, string>, extra: Partial<LoadCloudOptions> = {}): LoadCloudOptions =>
  ({ cwd, homeDir: path.join(root, 'home'), etcDir: path.join(root, 'etc'), env, ...extra });

const OPENRC = {
  OS_AUTH_URL: 'https://keystone.example.test:5000/v3', OS_USERNAME: 'ops', OS_PASSWORD: 'pw-1', OS_PROJECT_NAME: 'admin',
  OS_USER_DOMAIN_NAME: 'Default', OS_PROJECT_DOMAIN_ID: 'default', OS_REGION_NAME: 'RegionTwo', OS_INTERFACE: 'internal',
  OS_IDENTITY_API_VERSION: '3',
};

function writeClouds(text: string): void {
  writeFileSync(path.join(cwd, 'clouds.yaml'), text);
}

function catchConfig(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'clouds-env-'));
  cwd = path.join(root, 'cwd');
  mkdirSync(cwd, { recursive: true });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('the OS_* environment (an openrc) without clouds.yaml', () => {
  it('is a cloud of its own: auth, domains, region and interface', () => {
    const c = loadCloudConfig(opts(OPENRC));
    expect(c).toMatchObject({ name: 'envvars', file: 'environment', regionName: 'RegionTwo', interface: 'internal' });
    expect(c.auth).toEqual({ authUrl: OPENRC.OS_AUTH_URL, username: 'ops', password: 'pw-1', projectName: 'admin',
      userDomain: { name: 'Default' }, projectDomain: { id: 'default' } });
    expect(findCloudConfig(opts(OPENRC))?.name).toBe('envvars');
  });

  it('OS_CLOUD wins over OS_AUTH_URL and friends, as in openstacksdk', () => {
    writeClouds('clouds:\n  named:\n    auth:\n      auth_url: https://other.test/v3\n      username: u\n      password: p\n      project_name: x\n');
    const c = loadCloudConfig(opts({ ...OPENRC, OS_CLOUD: 'named', OS_REGION_NAME: '' }));
    expect(c.name).toBe('named');
    expect(c.auth.authUrl).toBe('https://other.test/v3');
  });

  it('only selectors set (OS_CLOUD_NAME, OS_REGION_NAME...) define no cloud; nothing configured is null', () => {
    expect(findCloudConfig(opts({ OS_REGION_NAME: 'r' }))).toBeNull();
    expect(catchConfig(() => loadCloudConfig(opts({ OS_REGION_NAME: 'r' }))).message).toMatch(/no clouds\.yaml found .* no OS_AUTH_URL/);
  });

  it('missing values name the variable, never a value', () => {
    const err = catchConfig(() => loadCloudConfig(opts({ ...OPENRC, OS_PASSWORD: '' })));
    expect(err.message).toBe('environment: OS_PASSWORD: missing password');
    expect(catchConfig(() => loadCloudConfig(opts({ ...OPENRC, OS_IDENTITY_API_VERSION: '2.0' }))).field).toBe('OS_IDENTITY_API_VERSION');
    expect(catchConfig(() => loadCloudConfig(opts({ ...OPENRC, OS_AUTH_TYPE: 'token' }))).field).toBe('OS_AUTH_TYPE');
  });

  it('application credentials by id + secret (OS_AUTH_TYPE=v3applicationcredential)', () => {
    const c = loadCloudConfig(opts({ OS_AUTH_TYPE: 'v3applicationcredential', OS_AUTH_URL: 'https://k.test/v3',
      OS_APPLICATION_CREDENTIAL_ID: 'ac-1', OS_APPLICATION_CREDENTIAL_SECRET: SECRET }));
    expect(c.auth).toMatchObject({ method: 'application_credential', applicationCredentialId: 'ac-1', applicationCredentialSecret: SECRET });
    expect(authBody(c.auth)).toEqual({ auth: { identity: { methods: ['application_credential'], application_credential: { id: 'ac-1', secret: SECRET } } } });
  });

  it('application credential fields without its auth_type are refused rather than ignored', () => {
    const err = catchConfig(() => loadCloudConfig(opts({ OS_AUTH_URL: 'https://k.test/v3', OS_APPLICATION_CREDENTIAL_ID: 'ac-1', OS_APPLICATION_CREDENTIAL_SECRET: SECRET })));
    expect(err.field).toBe('OS_AUTH_TYPE');
    expect(err.message).not.toContain(SECRET);
  });
});

describe('clouds.yaml', () => {
  it('uses the only cloud when none is named', () => {
    writeClouds('clouds:\n  solo:\n    auth:\n      auth_url: https://k.test\n      username: u\n      password: p\n      project_name: x\n');
    expect(loadCloudConfig(opts({})).name).toBe('solo');
    expect(findCloudConfig(opts({}))?.name).toBe('solo');
  });

  it('application credential by name needs its user, and keystoneauth\'s body carries the user and its domain', () => {
    writeClouds([
      'clouds:', '  ac:', '    auth_type: v3applicationcredential', '    auth:', '      auth_url: https://k.test/v3',
      '      application_credential_name: automation', `      application_credential_secret: ${SECRET}`, '      username: ops',
      '      user_domain_name: Default', '    regions: [RegionOne, RegionTwo]', '',
    ].join('\n'));
    const c = loadCloudConfig(opts({}, { cloud: 'ac' }));
    expect(c.regionName).toBe('RegionOne');
    expect(applicationCredentialAuthBody(c.auth)).toEqual({ auth: { identity: { methods: ['application_credential'],
      application_credential: { name: 'automation', secret: SECRET, user: { name: 'ops', domain: { name: 'Default' } } } } } });
    expect(loadCloudConfig(opts({ OS_REGION_NAME: 'RegionTwo' }, { cloud: 'ac' })).regionName).toBe('RegionTwo');
    const bad = catchConfig(() => loadCloudConfig(opts({ OS_REGION_NAME: 'Nowhere' }, { cloud: 'ac' })));
    expect(bad.message).toContain('region Nowhere is not a region of cloud ac (valid: RegionOne, RegionTwo)');
    writeClouds(['clouds:', '  ac:', '    auth_type: v3applicationcredential', '    auth:', '      auth_url: https://k.test/v3',
      '      application_credential_name: automation', `      application_credential_secret: ${SECRET}`, ''].join('\n'));
    expect(catchConfig(() => loadCloudConfig(opts({}, { cloud: 'ac' }))).message).toMatch(/needs its user/);
  });
});
