// cpu-flags: which cpu_modes need an edit, a byte-preserving nova.conf edit through stdin, refusals, and when to restart.
import { describe, expect, it } from 'vitest';
import { cpuFlags, planNovaConfEdit } from '../../../src/steps/cpu-flags.js';
import { markRestartPending } from '../../../src/steps/host-markers.js';
import { hostFacts, novaConfText, type HostFactsOptions } from '../../helpers/host-facts.js';
import { converge, kinds, stepContext } from './context.js';
import { FakeHost, NOVA_CONF } from './fake-host.js';

const SERVICE = 'openstack-nova-compute';

async function setup(o: HostFactsOptions) {
  const host = new FakeHost(o);
  const before = host.novaConf;
  const ctx = await stepContext(cpuFlags, host, null, {});
  return { host, before, ctx };
}

function writes(host: FakeHost): string[] {
  return host.transport.commands.filter((c) => c.startsWith('set -eu\nf=') && c.includes(NOVA_CONF));
}

describe('cpu-flags', () => {
  it.each([
    ['host-model' as const],
    ['host-passthrough' as const],
    [null],
  ])('leaves nova.conf alone with cpu_mode %s', async (cpuMode) => {
    const { host, before, ctx } = await setup({ stage: 'fixed', cpuMode });
    const { first, second } = await converge(cpuFlags, ctx);
    expect(first.changes).toEqual([]);
    expect(first.notes.join('\n')).toMatch(/passes md-clear through/);
    if (cpuMode === null) expect(first.notes.join('\n')).toContain('unset: the kvm default');
    expect(second.changes).toEqual([]);
    expect(host.novaConf).toBe(before);
    expect(writes(host)).toEqual([]);
    expect(host.restarts).toEqual([]);
  });

  it('adds md-clear to a custom model\'s flags, keeping every other byte; restarts nova-compute when no reboot is due', async () => {
    const { host, before, ctx } = await setup({ stage: 'fixed', cpuMode: 'custom', extraFlags: ['spec-ctrl', 'ssbd'] });
    const { first, verified, second } = await converge(cpuFlags, ctx);
    expect(kinds(first)).toEqual(['nova-conf-edit', 'restart-service']);
    expect((first.changes[0]?.data as { diff: string }).diff).toContain('+cpu_model_extra_flags = spec-ctrl,ssbd,md-clear');
    expect(host.novaConf).toBe(before.replace('cpu_model_extra_flags = spec-ctrl,ssbd\n', 'cpu_model_extra_flags = spec-ctrl,ssbd,md-clear\n'));
    expect(host.novaConf).not.toBe(before);
    expect(host.transport.files.get(`${NOVA_CONF}.mds-orchestrate.bak`)?.toString()).toBe(before);
    expect(host.restarts).toEqual([SERVICE]);
    expect(host.restartMarker).toBeNull();
    expect(verified.changes).toEqual([]);
    expect(second.changes).toEqual([]);
    expect(second.notes).toEqual(['cpu_mode = custom already lists md-clear in cpu_model_extra_flags']);
  });

  it('a symlinked nova.conf: the file it points to is edited (backup beside it), the link stays', async () => {
    const host = new FakeHost({ stage: 'fixed', cpuMode: 'custom', extraFlags: ['ssbd'] });
    const real = '/etc/puppet-managed/nova.conf';
    const before = host.novaConf;
    host.transport.files.set(real, host.transport.files.get(NOVA_CONF)!);
    host.transport.files.delete(NOVA_CONF);
    host.links.set(NOVA_CONF, real);
    const ctx = await stepContext(cpuFlags, host, null, {});
    const { first, second } = await converge(cpuFlags, ctx);
    expect(first.changes[0]?.summary).toContain(`(the file the link points to, ${real})`);
    expect(host.links.get(NOVA_CONF)).toBe(real);
    expect(host.transport.files.has(NOVA_CONF)).toBe(false);
    expect(host.transport.files.get(real)?.toString()).toBe(before.replace('cpu_model_extra_flags = ssbd\n', 'cpu_model_extra_flags = ssbd,md-clear\n'));
    expect(host.transport.files.get(`${real}.mds-orchestrate.bak`)?.toString()).toBe(before);
    expect(second.changes).toEqual([]);
  });

  it('an immutable nova.conf is refused in the check, before any write or restart', async () => {
    const host = new FakeHost({ stage: 'fixed', cpuMode: 'custom', extraFlags: ['ssbd'] });
    host.novaConfBlockers = ['/etc/nova/nova.conf has the immutable attribute (chattr -i to allow the edit)'];
    const ctx = await stepContext(cpuFlags, host, null, {});
    await expect(cpuFlags.check(ctx)).rejects.toThrow(/cannot be replaced: \/etc\/nova\/nova.conf has the immutable attribute/);
    expect(writes(host)).toEqual([]);
    expect(host.restarts).toEqual([]);
  });

  it('a nova.conf that needs no edit is not judged on whether it could be replaced', async () => {
    const host = new FakeHost({ stage: 'fixed', cpuMode: 'host-model' });
    host.novaConfBlockers = ['/etc/nova is on a read-only mount'];
    const ctx = await stepContext(cpuFlags, host, null, {});
    expect((await cpuFlags.check(ctx)).changes).toEqual([]);
  });

  it('keeps CRLF line endings, comments and a second [libvirt] section intact', async () => {
    const text = ['[DEFAULT]', '# note', 'debug = True', '[libvirt]', 'cpu_mode = custom', 'cpu_models = Skylake-Server-IBRS', 'cpu_model_extra_flags = pcid, ssbd', '[libvirt]', 'inject_key = false', ''].join('\r\n');
    const { host, ctx } = await setup({ stage: 'fixed', novaConf: text });
    await converge(cpuFlags, ctx);
    expect(host.novaConf).toBe(text.replace('pcid, ssbd\r\n', 'pcid, ssbd, md-clear\r\n'));
  });

  it('writes the edit but does not restart when a reboot is due; the marker makes later checks note it, not repeat it', async () => {
    const { host, ctx } = await setup({ stage: 'updated', cpuMode: 'custom', extraFlags: ['spec-ctrl', 'ssbd'] });
    const { first, verified, second } = await converge(cpuFlags, ctx);
    expect(kinds(first)).toEqual(['nova-conf-edit']);
    expect(first.notes).toContain('nova-compute picks up the change at the reboot that follows');
    expect(host.restarts).toEqual([]);
    expect(host.restartMarker).toBe(host.state.bootId);
    expect(verified.changes).toEqual([]);
    expect(second.changes).toEqual([]);
    expect(second.notes).toContain('nova-compute picks up the change at the reboot that follows');
  });

  it('restarts a pending edit left by an earlier run once no reboot is due (marker from this boot)', async () => {
    const text = novaConfText({ cpuMode: 'custom', extraFlags: ['md-clear'] });
    const { host, ctx } = await setup({ stage: 'fixed', novaConf: text });
    await markRestartPending(host.transport, host.state.bootId);
    expect(host.restartMarker).toBe(host.state.bootId);
    const { first, second } = await converge(cpuFlags, ctx);
    expect(kinds(first)).toEqual(['restart-service']);
    expect(host.restarts).toEqual([SERVICE]);
    expect(second.changes).toEqual([]);
  });

  it('sends the new nova.conf on stdin, never on a command line, and marks the restart before writing', async () => {
    const { host, ctx } = await setup({ stage: 'updated', cpuMode: 'custom', extraFlags: ['ssbd'] });
    await converge(cpuFlags, ctx);
    const confWrites = host.stdins.filter((w) => w.command.includes(NOVA_CONF));
    expect(confWrites).toHaveLength(1);
    expect(confWrites[0]?.stdin).toBe(host.novaConf);
    expect(host.transport.files.get(`${NOVA_CONF}.mds-orchestrate.bak`)?.toString()).not.toBe(host.novaConf);
    expect(host.transport.commands.some((c) => c.includes('cpu_model_extra_flags') || c.includes('ssbd'))).toBe(false);
    const markAt = host.transport.commands.findIndex((c) => c.startsWith('set -eu\nf=') && c.includes('restart-pending'));
    const writeAt = host.transport.commands.findIndex((c) => c.startsWith('set -eu\nf=') && c.includes(NOVA_CONF));
    expect(markAt).toBeGreaterThanOrEqual(0);
    expect(markAt).toBeLessThan(writeAt);
  });

  it.each([['-md-clear'], ['--md-clear'], ['-MD-CLEAR']])('refuses to override an explicit %s', async (flag) => {
    const { host, before, ctx } = await setup({ stage: 'fixed', cpuMode: 'custom', extraFlags: ['ssbd', flag] });
    await expect(cpuFlags.check(ctx)).rejects.toThrow(/disables md-clear explicitly/);
    expect(host.novaConf).toBe(before);
  });

  it('refuses a custom model libvirt marks unusable, and one libvirt does not know', async () => {
    const unusable = await setup({ stage: 'fixed', cpuMode: 'custom', cpuModels: ['Cascadelake-Server'], extraFlags: ['ssbd'] });
    await expect(cpuFlags.check(unusable.ctx)).rejects.toThrow(/Cascadelake-Server is not usable on this host/);
    const unknown = await setup({ stage: 'fixed', cpuMode: 'custom', cpuModels: ['Sapphire-Rapids-v9'], extraFlags: ['ssbd'] });
    await expect(cpuFlags.check(unknown.ctx)).rejects.toThrow(/not among the custom models libvirt knows/);
    expect(writes(unusable.host).concat(writes(unknown.host))).toEqual([]);
  });

  it('refuses cpu_mode = none', async () => {
    const { ctx } = await setup({ stage: 'fixed', cpuMode: 'none' });
    await expect(cpuFlags.check(ctx)).rejects.toThrow(/cpu_mode = none/);
  });

  it('creates cpu_model_extra_flags when a custom model has none', () => {
    const facts = hostFacts({ cpuMode: 'custom', release: 'el8' });
    const edit = planNovaConfEdit(facts, 'md-clear');
    // Like Ansible's ini_file: a new key goes at the end of its section, nothing else moves.
    const added = (edit?.diff ?? '').split('\n').filter((l) => /^[+-](?![+-]{2} )/.test(l));
    expect(added).toEqual(['+cpu_model_extra_flags = md-clear']);
    expect(edit?.after.replace('cpu_model_extra_flags = md-clear\n', '')).toBe(facts.novaConf);
    expect(edit?.after.indexOf('md-clear')).toBeLessThan(edit?.after.indexOf('[workarounds]') ?? -1);
  });

  it('does not add md-clear on AMD hosts (the CPU has no such flag; nova-compute would refuse to start)', async () => {
    const { host, before, ctx } = await setup({ stage: 'fixed', vendor: 'amd', cpuMode: 'custom', cpuModels: ['EPYC-IBPB'], extraFlags: ['ssbd'] });
    const { first, second } = await converge(cpuFlags, ctx);
    expect(first.changes).toEqual([]);
    expect(first.notes.join('\n')).toMatch(/AMD/);
    expect(second.changes).toEqual([]);
    expect(host.novaConf).toBe(before);
    expect(host.restarts).toEqual([]);
  });

  it('will not restart nova-compute into md-clear while the host does not offer it and no reboot will change that', async () => {
    // Old kernel and microcode, nothing newer installed: no reboot is due, and libvirt lacks md-clear.
    const { host, ctx } = await setup({ stage: 'unfixed', cpuMode: 'custom', extraFlags: ['ssbd'] });
    await expect(cpuFlags.check(ctx)).rejects.toThrow(/does not offer md-clear/);
    expect(host.restarts).toEqual([]);
    expect(writes(host)).toEqual([]);
  });

  it('fails when systemctl restart fails, leaving the restart marked as pending', async () => {
    const { host, ctx } = await setup({ stage: 'fixed', cpuMode: 'custom', extraFlags: ['ssbd'] });
    host.systemctlFailure = { stderr: 'Job for openstack-nova-compute.service failed because the control process exited with error code.' };
    const diff = await cpuFlags.check(ctx);
    await expect(cpuFlags.apply(ctx, diff)).rejects.toThrow(/systemctl restart openstack-nova-compute failed \(exit 1\): Job for/);
    expect(host.restartMarker).toBe(host.state.bootId);
    host.systemctlFailure = null;
    // The next run gathers afresh: the edit is there, only the restart is left.
    const rerun = await stepContext(cpuFlags, host, null, {});
    expect(kinds(await cpuFlags.check(rerun))).toEqual(['restart-service']);
  });

  it('rejects a service name that is not a systemd unit name', () => {
    expect(cpuFlags.params.safeParse({ service: 'nova; reboot' }).success).toBe(false);
    expect(cpuFlags.params.safeParse({ service: 'openstack-nova-compute.service' }).success).toBe(true);
  });
});
