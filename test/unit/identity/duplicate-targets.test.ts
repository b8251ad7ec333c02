// Two inventory entries for one box, or for one Nova host, are refused at load time (exit 4), naming both with file and line.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTargets } from '../../../src/cli/targets.js';
import { ConfigError, ConfigErrors } from '../../../src/util/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'mds-dup-targets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function load(lines: string[], sshConfig = '/dev/null', pattern = 'all') {
  const file = join(dir, `inv-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return { file, loaded: loadTargets({ inventory: [file], stateDir: '', logLevel: 'info', sshConfig }, pattern) };
}

describe('one box, two entries', () => {
  it('refuses two entries with one address and port, naming both entries and their lines', async () => {
    const { file, loaded } = load([
      'all:',
      '  hosts:',
      '    compute01: {ansible_host: 192.0.2.10}',
      '    compute01-alias: {ansible_host: 192.0.2.10}',
    ]);
    const err = await loaded.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toContain(`hosts compute01 (${file}:3) and compute01-alias (${file}:4) both reach 192.0.2.10:22`);
    expect((err as ConfigError).location).toMatchObject({ file, line: 4 });
  });

  it('sees through ssh_config: a HostName that makes two names one box', async () => {
    const cfg = join(dir, 'ssh_config');
    writeFileSync(cfg, 'Host cmp-a cmp-b\n  HostName 192.0.2.20\n  Port 2222\n');
    const { loaded } = load(['all:', '  hosts:', '    cmp-a: {}', '    cmp-b: {}'], cfg);
    await expect(loaded).rejects.toThrow(/hosts cmp-a \(.*ssh_config:2\) and cmp-b \(.*ssh_config:2\) both reach 192\.0\.2\.20:2222/);
  });

  it('one address on two ports, or behind two bastions, is two boxes', async () => {
    await expect(load(['all:', '  hosts:', '    a: {ansible_host: 10.0.0.5, ansible_port: 22}', '    b: {ansible_host: 10.0.0.5, ansible_port: 2222}']).loaded).resolves.toBeDefined();
    await expect(load(['all:', '  hosts:',
      '    a: {ansible_host: 10.0.0.5, ansible_ssh_proxy_jump: bastion-1}',
      '    b: {ansible_host: 10.0.0.5, ansible_ssh_proxy_jump: bastion-2}']).loaded).resolves.toBeDefined();
  });

  it("refuses two entries that are one Nova host (nova_host, canonical_hostname or another entry's name)", async () => {
    const { file, loaded } = load([
      'all:',
      '  hosts:',
      '    compute01: {ansible_host: 192.0.2.10}',
      '    c1: {ansible_host: 192.0.2.11, nova_host: compute01}',
      '    c2: {ansible_host: 192.0.2.12, canonical_hostname: compute01}',
    ]);
    const err = await loaded.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigErrors);
    const messages = (err as ConfigErrors).errors.map((e) => e.message);
    expect(messages[0]).toContain(`hosts compute01 and c1 (${file}:4) are both Nova's host 'compute01'`);
    expect(messages[1]).toContain(`hosts compute01 and c2 (${file}:5) are both Nova's host 'compute01'`);
  });

  it('checks only the selected hosts: an alias left out of the selection does not stop a run', async () => {
    const { loaded } = load(['all:', '  hosts:', '    compute01: {ansible_host: 192.0.2.10}', '    alias: {ansible_host: 192.0.2.10}'], '/dev/null', 'compute01');
    await expect(loaded).resolves.toMatchObject({ hosts: [expect.objectContaining({ name: 'compute01' })] });
  });
});
