// The preflight that keeps a plan or run to nova-compute nodes: a selected host Nova does not know stops everything (exit 4).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkComputeTargets } from '../../../src/cli/compute-targets.js';
import { loadTargets } from '../../../src/cli/targets.js';
import type { ComputeService, NovaApi } from '../../../src/openstack/types.js';
import { ConfigError } from '../../../src/util/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'mds-compute-targets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const inventory = join(dir, 'hosts.yaml');
writeFileSync(inventory, [
  'all:',
  '  children:',
  '    controllers:',
  '      hosts:',
  '        ctl-01: {}',
  '        ctl-02: {canonical_hostname: ctl-02.example.com}',
  '    compute:',
  '      hosts:',
  '        cmp-01: {}',
  '        cmp-02:',
  '          nova_host: cmp-02.example.com',
  '',
].join('\n'));

function novaWith(services: Partial<ComputeService>[]): NovaApi {
  const full = services.map((s, i): ComputeService => ({
    id: String(i), binary: 'nova-compute', host: '', zone: 'nova', status: 'enabled', state: 'up', disabledReason: null, ...s,
  }));
  return { listComputeServices: async () => full } as unknown as NovaApi;
}

const targets = (pattern: string) => loadTargets({ inventory: [inventory], stateDir: '', logLevel: 'info', sshConfig: '/dev/null' }, pattern);
const nova = novaWith([{ host: 'cmp-01' }, { host: 'cmp-02.example.com' }, { host: 'ctl-01', binary: 'nova-conductor' }]);

describe('checkComputeTargets', () => {
  it('passes when every selected host is a nova-compute service, by nova_host where set', async () => {
    const t = await targets('compute');
    await expect(checkComputeTargets(nova, t.inventory, t.hosts)).resolves.toBeUndefined();
  });

  it('refuses a selection with a controller whose Nova name the inventory gives (TripleO canonical_hostname), naming it and the fix', async () => {
    const t = await targets('all');
    const err = await checkComputeTargets(nova, t.inventory, t.hosts).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toMatch(/1 selected host\(s\) map to no nova-compute service in Nova: ctl-02 \(canonical_hostname ctl-02\.example\.com\)\./);
    expect((err as ConfigError).message).toMatch(/-l nova_compute/);
    expect((err as ConfigError).message).toMatch(/set nova_host/);
    expect((err as ConfigError).field).toBe('hosts');
  });

  it('leaves a host the inventory names nothing for to the check on the host (Nova\'s rule needs its nova.conf)', async () => {
    const t = await targets('ctl-01');
    expect(t.hosts[0]!.novaHostFrom).toBe('name');
    await expect(checkComputeTargets(nova, t.inventory, t.hosts)).resolves.toBeUndefined();
  });

  it('names nova_host when it is what Nova does not know, and points at the line that set it', async () => {
    const t = await targets('cmp-02');
    const err = await checkComputeTargets(novaWith([{ host: 'cmp-01' }]), t.inventory, t.hosts).catch((e: unknown) => e) as ConfigError;
    expect(err.message).toMatch(/cmp-02 \(nova_host cmp-02\.example\.com\)/);
    expect(err.location.file).toBe(inventory);
    expect(err.location.line).toBe(11);
  });

  it('refuses every host when Nova lists no compute service at all (an empty list proves nothing is a compute node)', async () => {
    const t = await targets('compute');
    await expect(checkComputeTargets(novaWith([]), t.inventory, t.hosts)).rejects.toThrow(/2 selected host\(s\)/);
  });
});
