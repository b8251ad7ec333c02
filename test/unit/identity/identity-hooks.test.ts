// The hooks before a host's first step: Nova's name, a compute node, the host meant, and the lease (taken, refused, adopted, released).
import { describe, expect, it } from 'vitest';
import { identityHooks, type IdentityHookOptions } from '../../../src/identity/identity-hooks.js';
import { IdentityMismatchError } from '../../../src/identity/identity-check.js';
import { LEASE_PATH, parseLease, renderLease, type Lease } from '../../../src/identity/lease.js';
import type { HostSpec } from '../../../src/inventory/types.js';
import { RefusedError, UnknownEvidenceError } from '../../../src/steps/errors.js';
import { MemoryTransport } from '../../../src/transport/memory-transport.js';
import { RemoteFileError } from '../../../src/transport/remote-files.js';
import { FakeNovaApi } from '../../helpers/fake-nova-api.js';
import { hostFacts, novaConfText } from '../../helpers/host-facts.js';

const spec = (name = 'compute-0'): HostSpec => ({ name, address: '192.0.2.10', port: 22, user: 'root', become: true, novaHost: name, novaHostFrom: 'name', groups: ['all'], vars: {} });
const tripleoFacts = (hostname = 'compute-0') => hostFacts({ hostname, novaConf: `[DEFAULT]\nhost = compute-0.localdomain\n${novaConfText()}` });
const signal = new AbortController().signal;
const other: Lease = { version: 1, runId: 'other-9', controller: 'jump-2', user: 'ops', stateDir: '/srv/state', host: 'compute-0', takenAt: '2026-01-01T00:00:00.000Z' };

function setup(o: Partial<IdentityHookOptions> = {}, files: Record<string, string> = {}) {
  const nova = new FakeNovaApi().addHost('compute-0.localdomain').addHost('compute-1.localdomain');
  nova.hypervisors[0]!.hostname = 'compute-0.localdomain';
  const transport: MemoryTransport = new MemoryTransport('compute-0', {
    files,
    handler: (_h, command) => {
      if (command === `rm -f ${LEASE_PATH}`) transport.files.delete(LEASE_PATH);
      return {};
    },
  });
  const warnings: string[] = [];
  const hooks = identityHooks({ nova, verb: 'run', runId: 'run-2', stateDir: '/state', isOwnRun: (id) => id === 'run-1', warn: (_h, m) => warnings.push(m), ...o });
  return { nova, transport, hooks, warnings };
}
const leaseOn = (t: MemoryTransport) => {
  const file = t.files.get(LEASE_PATH);
  return file ? parseLease(file.toString('utf8')) : { kind: 'none' as const };
};

describe('identity hooks', () => {
  it("maps a host to Nova's name from [DEFAULT] host, checks it, and takes the lease before any step", async () => {
    const { transport, hooks } = setup();
    await transport.connect();
    const found = await hooks.firstFacts!(spec(), tripleoFacts(), signal, transport);
    expect(found).toEqual({ novaHost: 'compute-0.localdomain', basis: '[DEFAULT] host in /etc/nova/nova.conf' });
    const held = leaseOn(transport);
    expect(held.kind === 'held' && held.lease).toMatchObject({ runId: 'run-2', stateDir: '/state', host: 'compute-0' });
  });

  it('refuses a host Nova runs no nova-compute on, before anything is written on it', async () => {
    const { transport, hooks } = setup();
    await transport.connect();
    const err = await hooks.firstFacts!(spec('controller-0'), hostFacts({ hostname: 'controller-0' }), signal, transport).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RefusedError);
    expect((err as Error).message).toMatch(/controller-0 is not a nova-compute host: Nova has no nova-compute service named 'controller-0' \(the host's own name/);
    expect(transport.files.has(LEASE_PATH)).toBe(false);
    expect(transport.commands).toEqual([]);
  });

  it('fails a box that answers as another host, naming both, before anything is written on it', async () => {
    const { transport, hooks } = setup();
    await transport.connect();
    const err = await hooks.firstFacts!(spec(), hostFacts({ hostname: 'compute-1', novaConf: '[DEFAULT]\nhost = compute-0.localdomain\n' }), signal, transport).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IdentityMismatchError);
    expect((err as Error).message).toMatch(/says its name is 'compute-1', but the inventory names it 'compute-0', and Nova knows it as 'compute-0.localdomain'/);
    expect(transport.files.has(LEASE_PATH)).toBe(false);
  });

  it('refuses a second inventory entry that Nova\'s rule finds to be the same compute node', async () => {
    const { transport, hooks } = setup({ verb: 'plan' });
    await transport.connect();
    await hooks.firstFacts!(spec(), tripleoFacts(), signal, transport);
    const alias = { ...spec(), name: 'compute-0.example.com' };
    await expect(hooks.firstFacts!(alias, tripleoFacts(), signal, transport)).rejects.toThrow(/compute-0.example.com is Nova's host 'compute-0.localdomain' .*and so is compute-0 in this run/);
    // The same entry again (a recheck) is not a second entry.
    await expect(hooks.firstFacts!(spec(), tripleoFacts(), signal, transport)).resolves.toMatchObject({ novaHost: 'compute-0.localdomain' });
  });

  it('is unknown when nova.conf was not read and Nova has no service by the host\'s own name (the unread file may set another)', async () => {
    const { transport, hooks } = setup();
    await transport.connect();
    const err = await hooks.firstFacts!(spec(), hostFacts({ hostname: 'compute-0', novaConf: null }), signal, transport).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnknownEvidenceError);
    expect((err as Error).message).toMatch(/Nova's name for compute-0 is unknown: Nova has no nova-compute service named 'compute-0', and \/etc\/nova\/nova.conf could not be read.*set nova_host/);
  });

  it("uses the host's own name when nova.conf was not read but Nova has a service by it (the steps judge the unread file)", async () => {
    const { nova, transport, hooks } = setup();
    nova.addHost('compute-7');
    nova.hypervisors[2]!.hostname = 'compute-7';
    await transport.connect();
    await expect(hooks.firstFacts!(spec('compute-7'), hostFacts({ hostname: 'compute-7', novaConf: null }), signal, transport)).resolves.toMatchObject({ novaHost: 'compute-7' });
  });

  it('a sweep reports a host Nova runs no nova-compute on as not checked, and reads no lease', async () => {
    const { transport, hooks } = setup({ verb: 'sweep' });
    await transport.connect();
    await expect(hooks.firstFacts!(spec('controller-0'), hostFacts({ hostname: 'controller-0' }), signal, transport)).rejects.toThrow(/controller-0 is not a nova-compute host: .*; not checked/);
    expect(transport.commands).toEqual([]);
  });

  it("refuses another controller's lease (run and plan), naming the holder and --adopt-lease; nothing written", async () => {
    for (const verb of ['run', 'plan'] as const) {
      const { transport, hooks } = setup({ verb }, { [LEASE_PATH]: renderLease(other) });
      await transport.connect();
      const err = await hooks.firstFacts!(spec(), tripleoFacts(), signal, transport).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RefusedError);
      expect((err as Error).message).toMatch(/compute-0 is leased by run other-9 of ops@jump-2 \(state directory \/srv\/state\).*--adopt-lease other-9/);
      expect(leaseOn(transport)).toEqual({ kind: 'held', lease: other });
    }
  });

  it('renews a lease of a run recorded in this state directory (a crash after the lease resumes)', async () => {
    const { transport, hooks } = setup({}, { [LEASE_PATH]: renderLease({ ...other, runId: 'run-1' }) });
    await transport.connect();
    await hooks.firstFacts!(spec(), tripleoFacts(), signal, transport);
    const held = leaseOn(transport);
    expect(held.kind === 'held' && held.lease.runId).toBe('run-2');
  });

  it('adopts a lease named by --adopt-lease, with a warning naming the old holder', async () => {
    const { transport, hooks, warnings } = setup({ adopt: 'other-9' }, { [LEASE_PATH]: renderLease(other) });
    await transport.connect();
    await hooks.firstFacts!(spec(), tripleoFacts(), signal, transport);
    expect(warnings).toEqual([expect.stringMatching(/adopting the lease of run other-9 of ops@jump-2/)]);
    const held = leaseOn(transport);
    expect(held.kind === 'held' && held.lease.runId).toBe('run-2');
  });

  it('a lease it cannot read (no root) is unknown, never free, and nothing is written', async () => {
    const { transport, hooks } = setup({ verb: 'plan' });
    transport.readFile = async (path: string) => { throw new RemoteFileError(`${path}: Permission denied`, path, false); };
    await transport.connect();
    const err = await hooks.firstFacts!(spec(), tripleoFacts(), signal, transport).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnknownEvidenceError);
    expect((err as Error).message).toMatch(/cannot read the lease .*Permission denied; set ansible_become/);
    expect(transport.files.has(LEASE_PATH)).toBe(false);
  });

  it('refuses a lease file it cannot read as one', async () => {
    const { transport, hooks } = setup({}, { [LEASE_PATH]: 'half a lea' });
    await transport.connect();
    await expect(hooks.firstFacts!(spec(), tripleoFacts(), signal, transport)).rejects.toThrow(/carries a lease file this tool cannot read/);
  });

  it('a plan only looks, a sweep neither reads nor writes a lease', async () => {
    for (const verb of ['plan', 'sweep'] as const) {
      const { transport, hooks } = setup({ verb });
      await transport.connect();
      await hooks.firstFacts!(spec(), tripleoFacts(), signal, transport);
      expect(transport.files.has(LEASE_PATH)).toBe(false);
      expect(hooks.hostEnd).toBeUndefined();
    }
    const { transport, hooks } = setup({ verb: 'sweep' }, { [LEASE_PATH]: renderLease(other) });
    await transport.connect();
    await expect(hooks.firstFacts!(spec(), tripleoFacts(), signal, transport)).resolves.toMatchObject({ novaHost: 'compute-0.localdomain' });
  });

  it('releases the lease when the host is done, keeps it when it is not, and never removes another run\'s', async () => {
    const { transport, hooks } = setup();
    await transport.connect();
    await hooks.firstFacts!(spec(), tripleoFacts(), signal, transport);
    for (const result of ['failed', 'refused', 'cancelled', 'unknown'] as const) {
      await hooks.hostEnd!(spec(), result, transport, signal);
      expect(leaseOn(transport).kind).toBe('held');
    }
    transport.files.set(LEASE_PATH, Buffer.from(renderLease(other)));
    await hooks.hostEnd!(spec(), 'changed', transport, signal);
    expect(leaseOn(transport)).toEqual({ kind: 'held', lease: other });
    transport.files.set(LEASE_PATH, Buffer.from(renderLease({ ...other, runId: 'run-2' })));
    await hooks.hostEnd!(spec(), 'ok', transport, signal);
    expect(transport.commands.filter((c) => c.startsWith('rm -f'))).toEqual([`rm -f ${LEASE_PATH}`]);
    expect(leaseOn(transport).kind).toBe('none');
  });
});
