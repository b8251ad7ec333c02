// clouds.yaml discovery, env vars, secure.yaml overlay, auth fields, domain defaults, TLS keys, and secret-free errors.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCloudConfig, searchPath, type LoadCloudOptions } from '../../../src/openstack/clouds.js';
import { ConfigError } from '../../../src/util/errors.js';

const SECRET = 's3cr3t-Pa55word';

let root: string;
let cwd: string;
let home: string;
let etc: string;

function write(file: string, text: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

function cloudYaml(name: string, extra = ''): string {
  return [
    'clouds:',
    `  ${name}:`,
    '    auth:',
    '      auth_url: https://keystone.example.test:5000',
    '      username: admin',
    `      password: ${SECRET}`,
    '      project_name: admin',
    '    region_name: RegionOne',
    extra,
  ].join('\n');
}

function opts(extra: Partial<LoadCloudOptions> = {}): LoadCloudOptions {
  return { cwd, homeDir: home, etcDir: etc, env: {}, ...extra };
}

function catchConfig(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'clouds-'));
  cwd = path.join(root, 'cwd');
  home = path.join(root, 'home');
  etc = path.join(root, 'etc');
  mkdirSync(cwd, { recursive: true });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('discovery', () => {
  it('searches ./, ~/.config/openstack, /etc/openstack in that order', () => {
    expect(searchPath('clouds', opts())).toEqual([
      path.join(cwd, 'clouds.yaml'), path.join(home, '.config/openstack/clouds.yaml'), path.join(etc, 'clouds.yaml'),
    ]);
  });

  it('takes the first file found', () => {
    write(path.join(etc, 'clouds.yaml'), cloudYaml('etc'));
    write(path.join(home, '.config/openstack/clouds.yaml'), cloudYaml('home'));
    expect(loadCloudConfig(opts({ cloud: 'home' })).file).toBe(path.join(home, '.config/openstack/clouds.yaml'));
    write(path.join(cwd, 'clouds.yaml'), cloudYaml('here'));
    const c = loadCloudConfig(opts({ cloud: 'here' }));
    expect(c.file).toBe(path.join(cwd, 'clouds.yaml'));
    // Only the first file is read: a cloud defined in a later one is unknown.
    expect(catchConfig(() => loadCloudConfig(opts({ cloud: 'etc' }))).field).toBe('clouds.etc');
  });

  it('falls back to /etc/openstack', () => {
    write(path.join(etc, 'clouds.yaml'), cloudYaml('etc'));
    expect(loadCloudConfig(opts({ cloud: 'etc' })).file).toBe(path.join(etc, 'clouds.yaml'));
  });

  it('honours XDG_CONFIG_HOME for the user directory', () => {
    const xdg = path.join(root, 'xdg');
    write(path.join(xdg, 'openstack/clouds.yaml'), cloudYaml('x'));
    expect(loadCloudConfig(opts({ cloud: 'x', env: { XDG_CONFIG_HOME: xdg } })).file).toBe(path.join(xdg, 'openstack/clouds.yaml'));
  });

  it('OS_CLIENT_CONFIG_FILE comes before the search path', () => {
    write(path.join(cwd, 'clouds.yaml'), cloudYaml('here'));
    const explicit = write(path.join(root, 'other.yaml'), cloudYaml('other'));
    expect(loadCloudConfig(opts({ cloud: 'other', env: { OS_CLIENT_CONFIG_FILE: explicit } })).file).toBe(explicit);
  });

  it('a missing OS_CLIENT_CONFIG_FILE is an error, not a silent fallback', () => {
    write(path.join(cwd, 'clouds.yaml'), cloudYaml('here'));
    const err = catchConfig(() => loadCloudConfig(opts({ cloud: 'here', env: { OS_CLIENT_CONFIG_FILE: path.join(root, 'nope.yaml') } })));
    expect(err.field).toBe('OS_CLIENT_CONFIG_FILE');
    expect(err.location.file).toBe(path.join(root, 'nope.yaml'));
  });

  it('no file anywhere names every place searched', () => {
    const err = catchConfig(() => loadCloudConfig(opts({ cloud: 'x' })));
    expect(err.message).toContain(path.join(home, '.config/openstack/clouds.yaml'));
    expect(err.message).toContain(path.join(etc, 'clouds.yaml'));
  });

  it('an unreadable clouds.yaml is a ConfigError naming the file', () => {
    mkdirSync(path.join(cwd, 'clouds.yaml'));
    const err = catchConfig(() => loadCloudConfig(opts({ cloud: 'x' })));
    expect(err.location.file).toBe(path.join(cwd, 'clouds.yaml'));
    expect(err.message).toMatch(/cannot read/);
  });
});

describe('cloud selection', () => {
  beforeEach(() => {
    write(path.join(cwd, 'clouds.yaml'), `${cloudYaml('one')}\n  two:\n    auth:\n      auth_url: http://k2/v3\n      username: u2\n      password: p2-secret\n      project_id: p-2\n`);
  });

  it('by argument, then OS_CLOUD', () => {
    expect(loadCloudConfig(opts({ cloud: 'two', env: { OS_CLOUD: 'one' } })).name).toBe('two');
    expect(loadCloudConfig(opts({ env: { OS_CLOUD: 'one' } })).name).toBe('one');
  });

  it('unknown cloud lists the known ones and the line of `clouds:`', () => {
    const err = catchConfig(() => loadCloudConfig(opts({ cloud: 'three' })));
    expect(err.field).toBe('clouds.three');
    expect(err.location.line).toBe(1);
    expect(err.message).toContain('one, two');
  });

  it('no cloud named is an error', () => {
    expect(catchConfig(() => loadCloudConfig(opts())).message).toMatch(/OS_CLOUD/);
  });
});

describe('auth', () => {
  it('maps the fields and defaults both domains to id "default"', () => {
    write(path.join(cwd, 'clouds.yaml'), cloudYaml('c'));
    const c = loadCloudConfig(opts({ cloud: 'c' }));
    expect(c.auth).toEqual({
      authUrl: 'https://keystone.example.test:5000', username: 'admin', password: SECRET, projectName: 'admin',
      userDomain: { id: 'default' }, projectDomain: { id: 'default' },
    });
    expect(c.regionName).toBe('RegionOne');
    expect(c.interface).toBe('public');
    expect(c.tls).toEqual({ verify: true });
  });

  it('keeps auth_url as written, with or without /v3', () => {
    write(path.join(cwd, 'clouds.yaml'), cloudYaml('c').replace('https://keystone.example.test:5000', 'http://k/identity/v3'));
    expect(loadCloudConfig(opts({ cloud: 'c' })).auth.authUrl).toBe('http://k/identity/v3');
  });

  it('domain names and ids, user_id and project_id, numeric values as strings', () => {
    write(path.join(cwd, 'clouds.yaml'), [
      'clouds:', '  c:', '    auth:', '      auth_url: http://k', '      user_id: 42', '      password: x-secret',
      '      project_id: 1234', '      user_domain_name: Users', '      project_domain_id: projdom', '    interface: internal',
    ].join('\n'));
    const c = loadCloudConfig(opts({ cloud: 'c' }));
    expect(c.auth.userId).toBe('42');
    expect(c.auth.projectId).toBe('1234');
    expect(c.auth.userDomain).toEqual({ name: 'Users' });
    expect(c.auth.projectDomain).toEqual({ id: 'projdom' });
    expect(c.interface).toBe('internal');
  });

  it('missing password names file, line and field, and no value', () => {
    write(path.join(cwd, 'clouds.yaml'), 'clouds:\n  c:\n    auth:\n      auth_url: http://k\n      username: admin\n      project_name: admin\n');
    const err = catchConfig(() => loadCloudConfig(opts({ cloud: 'c' })));
    expect(err.field).toBe('clouds.c.auth.password');
    // Points at the `auth:` key, where the password belongs.
    expect(err.location).toMatchObject({ file: path.join(cwd, 'clouds.yaml'), line: 3, column: 5 });
    expect(err.message).toMatch(/clouds\.yaml:3:5: clouds\.c\.auth\.password: missing password/);
  });

  it('missing username and project are reported by field', () => {
    write(path.join(cwd, 'clouds.yaml'), `clouds:\n  c:\n    auth:\n      auth_url: http://k\n      password: ${SECRET}\n      project_name: p\n`);
    const e1 = catchConfig(() => loadCloudConfig(opts({ cloud: 'c' })));
    expect(e1.field).toBe('clouds.c.auth.username');
    expect(e1.message).not.toContain(SECRET);
    write(path.join(cwd, 'clouds.yaml'), `clouds:\n  c:\n    auth:\n      auth_url: http://k\n      password: ${SECRET}\n      username: u\n`);
    expect(catchConfig(() => loadCloudConfig(opts({ cloud: 'c' }))).field).toBe('clouds.c.auth.project_name');
  });

  it('a YAML syntax error on the password line does not quote it', () => {
    write(path.join(cwd, 'clouds.yaml'), `clouds:\n  c:\n    auth:\n      password: "${SECRET}\n      username: u\n`);
    const err = catchConfig(() => loadCloudConfig(opts({ cloud: 'c' })));
    expect(err.location.line).toBeGreaterThan(0);
    expect(err.message).not.toContain(SECRET);
    expect(err.message).toMatch(/invalid YAML/);
  });

  it('a password of the wrong type is reported without its value', () => {
    write(path.join(cwd, 'clouds.yaml'), `clouds:\n  c:\n    auth:\n      auth_url: http://k\n      username: u\n      project_name: p\n      password: [${SECRET}]\n`);
    const err = catchConfig(() => loadCloudConfig(opts({ cloud: 'c' })));
    expect(err.field).toBe('clouds.c.auth.password');
    expect(err.location.line).toBe(7);
    expect(err.message).not.toContain(SECRET);
  });

  it('rejects other auth types', () => {
    write(path.join(cwd, 'clouds.yaml'), cloudYaml('c', '    auth_type: token'));
    expect(catchConfig(() => loadCloudConfig(opts({ cloud: 'c' }))).field).toBe('clouds.c.auth_type');
  });

  it('reads api_timeout in seconds, and refuses one that is not a positive number', () => {
    write(path.join(cwd, 'clouds.yaml'), cloudYaml('c', '    api_timeout: 2.5'));
    expect(loadCloudConfig(opts({ cloud: 'c' })).apiTimeoutMs).toBe(2500);
    write(path.join(cwd, 'clouds.yaml'), cloudYaml('c'));
    expect(loadCloudConfig(opts({ cloud: 'c' })).apiTimeoutMs).toBeUndefined();
    write(path.join(cwd, 'clouds.yaml'), cloudYaml('c', '    api_timeout: soon'));
    const err = catchConfig(() => loadCloudConfig(opts({ cloud: 'c' })));
    expect(err.field).toBe('clouds.c.api_timeout');
    expect(err.location.line).toBe(9);
  });

  it('rejects an unknown interface', () => {
    write(path.join(cwd, 'clouds.yaml'), cloudYaml('c', '    interface: private'));
    const err = catchConfig(() => loadCloudConfig(opts({ cloud: 'c' })));
    expect(err.field).toBe('clouds.c.interface');
    expect(err.location.line).toBe(9);
  });
});

describe('secure.yaml', () => {
  it('is merged on top of clouds.yaml and wins', () => {
    write(path.join(cwd, 'clouds.yaml'), 'clouds:\n  c:\n    auth:\n      auth_url: http://k\n      username: u\n      project_name: p\n      password: old\n    region_name: R1\n');
    write(path.join(home, '.config/openstack/secure.yaml'), `clouds:\n  c:\n    auth:\n      password: ${SECRET}\n    region_name: R2\n`);
    const c = loadCloudConfig(opts({ cloud: 'c' }));
    expect(c.auth.password).toBe(SECRET);
    expect(c.auth.username).toBe('u');
    expect(c.regionName).toBe('R2');
    expect(c.secureFile).toBe(path.join(home, '.config/openstack/secure.yaml'));
  });

  it('OS_CLIENT_SECURE_FILE names it explicitly', () => {
    write(path.join(cwd, 'clouds.yaml'), 'clouds:\n  c:\n    auth:\n      auth_url: http://k\n      username: u\n      project_name: p\n');
    const sec = write(path.join(root, 'sec.yaml'), `clouds:\n  c:\n    auth:\n      password: ${SECRET}\n`);
    expect(loadCloudConfig(opts({ cloud: 'c', env: { OS_CLIENT_SECURE_FILE: sec } })).auth.password).toBe(SECRET);
    expect(() => loadCloudConfig(opts({ cloud: 'c' }))).toThrow(/missing password/);
  });
});

describe('TLS keys', () => {
  it('verify: false wins over cacert; insecure is the inverse of verify', () => {
    write(path.join(cwd, 'clouds.yaml'), cloudYaml('c', '    verify: false\n    cacert: /does/not/exist.pem'));
    expect(loadCloudConfig(opts({ cloud: 'c' })).tls).toEqual({ verify: false });
    write(path.join(cwd, 'clouds.yaml'), cloudYaml('c', '    insecure: true'));
    expect(loadCloudConfig(opts({ cloud: 'c' })).tls).toEqual({ verify: false });
  });

  it('cacert resolves against cwd and must be readable', () => {
    write(path.join(cwd, 'ca.pem'), 'PEM');
    write(path.join(cwd, 'clouds.yaml'), cloudYaml('c', '    cacert: ca.pem'));
    expect(loadCloudConfig(opts({ cloud: 'c' })).tls).toEqual({ verify: true, cacert: path.join(cwd, 'ca.pem') });
    write(path.join(cwd, 'clouds.yaml'), cloudYaml('c', '    cacert: missing.pem'));
    const err = catchConfig(() => loadCloudConfig(opts({ cloud: 'c' })));
    expect(err.field).toBe('clouds.c.cacert');
    expect(err.location.line).toBe(9);
  });

  it('a non-boolean verify is rejected', () => {
    write(path.join(cwd, 'clouds.yaml'), cloudYaml('c', '    verify: maybe'));
    expect(catchConfig(() => loadCloudConfig(opts({ cloud: 'c' }))).field).toBe('clouds.c.verify');
  });
});
