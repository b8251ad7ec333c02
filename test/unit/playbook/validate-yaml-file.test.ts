import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { validateYamlFile, validateYamlText } from '../../../src/util/yaml-validate.js';
import { catchConfigErrors, cleanupTrees, expectErrorAt, writeTree } from '../inventory/temp-files.js';

afterAll(cleanupTrees);

// Shaped like a clouds.yaml, the kind of file other loaders validate with this helper.
const clouds = z.strictObject({
  clouds: z.record(
    z.string(),
    z.strictObject({
      auth: z.strictObject({ auth_url: z.url(), username: z.string(), password: z.string(), project_name: z.string() }),
      region_name: z.string().optional(),
    }),
  ),
});

describe('validateYamlFile', () => {
  it('returns the parsed value when valid (anchors and merge keys included)', async () => {
    const dir = writeTree({
      'clouds.yaml': 'base: &auth { auth_url: "http://127.0.0.1:5000/v3", username: admin, password: s3cret, project_name: admin }\n',
    });
    const schema = z.strictObject({ base: clouds.shape.clouds.valueType.shape.auth });
    expect(await validateYamlFile(path.join(dir, 'clouds.yaml'), schema)).toEqual({
      base: { auth_url: 'http://127.0.0.1:5000/v3', username: 'admin', password: 's3cret', project_name: 'admin' },
    });
  });

  it('positions nested errors, follows << merges, and never echoes a secret', async () => {
    const text = `defaults: &d
  username: admin
  password: 12345
clouds:
  lab:
    auth:
      <<: *d
      auth_url: not a url
      project_name: admin
    regoin_name: One
`;
    const errors = await catchConfigErrors(() => validateYamlText(text, 'clouds.yaml', z.looseObject({ clouds: clouds.shape.clouds })));
    expectErrorAt(errors, { file: 'clouds.yaml', line: 8, column: 17, field: 'clouds.lab.auth.auth_url', text: 'expected a valid url, got string "not a url"' });
    const pw = expectErrorAt(errors, { file: 'clouds.yaml', line: 3, column: 13, field: 'clouds.lab.auth.password', text: 'expected string' });
    expect(pw.message).not.toContain('12345');
    expect(pw.message).toContain('not shown: secret field');
    expectErrorAt(errors, { file: 'clouds.yaml', line: 10, column: 5, field: 'clouds.lab.regoin_name', text: 'expected one of: auth, region_name' });
  });

  it('a missing file is a ConfigError naming it', async () => {
    const errors = await catchConfigErrors(() => validateYamlFile('/nonexistent/clouds.yaml', clouds));
    expect(errors[0]!.message).toBe('/nonexistent/clouds.yaml: file not found');
  });
});
