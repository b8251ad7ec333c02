// update-packages: only packages below the minimum move, epoch and installonly rules, yum vs dnf, failures and quoting.
import { describe, expect, it } from 'vitest';
import { packageManager, packageShortfalls, updatePackages } from '../../../src/steps/update-packages.js';
import { hostFacts, minimumsFor, VERSIONS } from '../../helpers/host-facts.js';
import { converge, kinds, stepContext } from './context.js';
import { FakeHost, shellWords } from './fake-host.js';

const params = (extra: Record<string, unknown> = {}) => ({ minimums: minimumsFor(), ...extra });

function updateCommands(host: FakeHost): string[] {
  return host.transport.commands.filter((c) => / -y update /.test(c));
}

describe('update-packages', () => {
  it('updates an unfixed el7 host with yum, twice: the second run changes nothing', async () => {
    const host = new FakeHost({ release: 'el7', stage: 'unfixed' });
    const ctx = await stepContext(updatePackages, host, null, params());
    const { first, verified, second } = await converge(updatePackages, ctx);
    expect(kinds(first)).toEqual(['package-update', 'package-update', 'package-update', 'package-update']);
    expect(first.changes.map((c) => c.summary)).toContain('microcode_ctl 2:2.1-29.el7 -> 2:2.1-47.2.el7_6 (minimum 2.1-47.2.el7_6)');
    expect(first.notes).toEqual([]);
    expect(verified.changes).toEqual([]);
    expect(second.changes).toEqual([]);
    expect(updateCommands(host)).toEqual(['yum -y update microcode_ctl kernel qemu-kvm libvirt']);
    // The new kernel is installed beside the running one (installonly).
    expect(host.state.installed['kernel']).toEqual([VERSIONS.el7.old['kernel'], VERSIONS.el7.fixed['kernel']]);
  });

  it('uses dnf on el8 and yum on el7, unless the playbook forces one', async () => {
    expect(packageManager(hostFacts({ release: 'el8' }), 'auto')).toBe('dnf');
    expect(packageManager(hostFacts({ release: 'el7' }), 'auto')).toBe('yum');
    expect(packageManager(hostFacts({ release: 'el8' }), 'yum')).toBe('yum');

    const host = new FakeHost({ release: 'el8', stage: 'unfixed' });
    const ctx = await stepContext(updatePackages, host, null, params());
    const { second } = await converge(updatePackages, ctx);
    expect(second.changes).toEqual([]);
    expect(host.transport.commands.filter((c) => c.startsWith('dnf '))).toEqual([
      'dnf -q check-update microcode_ctl kernel qemu-kvm libvirt',
      'dnf -y update microcode_ctl kernel qemu-kvm libvirt',
    ]);
    expect(host.transport.commands.some((c) => c.startsWith('yum '))).toBe(false);
  });

  it('updates only the packages below their minimum', async () => {
    const v = VERSIONS.el7;
    const host = new FakeHost({ release: 'el7', stage: 'fixed', installed: { libvirt: [v.old['libvirt']!] } });
    const ctx = await stepContext(updatePackages, host, null, params());
    const diff = await updatePackages.check(ctx);
    expect(diff.changes.map((c) => (c.data as { name: string }).name)).toEqual(['libvirt']);
    await updatePackages.apply(ctx, diff);
    expect(updateCommands(host)).toEqual(['yum -y update libvirt']);
    expect((await updatePackages.check(ctx)).changes).toEqual([]);
  });

  it('applies the el7 microcode_ctl epoch rule: 2:2.1-29.el7 is below 2.1-47.2.el7_6, 2:2.1-47.2.el7_6 meets it', () => {
    const mins = { el7: { microcode_ctl: '2.1-47.2.el7_6' } };
    const old = hostFacts({ release: 'el7', installed: { microcode_ctl: ['2:2.1-29.el7'] } });
    const fixed = hostFacts({ release: 'el7', installed: { microcode_ctl: ['2:2.1-47.2.el7_6'] } });
    expect(packageShortfalls(old, mins)).toEqual([{ name: 'microcode_ctl', installed: '2:2.1-29.el7', minimum: '2.1-47.2.el7_6', available: null }]);
    expect(packageShortfalls(fixed, mins)).toEqual([]);
  });

  it('counts a newer kernel installed beside the old running one as meeting the minimum', () => {
    const v = VERSIONS.el7;
    const facts = hostFacts({ release: 'el7', stage: 'updated', installed: { kernel: [v.fixed['kernel']!, v.old['kernel']!] } });
    expect(facts.kernelRunning).toBe('3.10.0-957.10.1.el7.x86_64');
    expect(packageShortfalls(facts, minimumsFor('el7'))).toEqual([]);
  });

  it('fails the step with the tail of the output when yum fails', async () => {
    const host = new FakeHost({ release: 'el7', stage: 'unfixed' });
    host.updateFailure = {
      stdout: 'Loaded plugins: product-id\nResolving Dependencies\n--> Running transaction check\n',
      stderr: 'Error: Package: libvirt-daemon-kvm-4.5.0-10.el7_6.9.x86_64 (rhel-7-server-rpms)\n           Requires: libvirt-daemon-driver-qemu = 4.5.0-10.el7_6.9\n You could try using --skip-broken to work around the problem\n',
    };
    const ctx = await stepContext(updatePackages, host, null, params());
    const diff = await updatePackages.check(ctx);
    const err = await updatePackages.apply(ctx, diff).then(() => null, (e: unknown) => e as Error);
    expect(err?.message).toMatch(/^yum update failed \(exit 1\): /);
    expect(err?.message).toContain('--skip-broken');
    expect(err?.message).toContain('Requires: libvirt-daemon-driver-qemu');
    expect(host.state.installed['libvirt']).toEqual([VERSIONS.el7.old['libvirt']]);
  });

  it('refuses to update anything when the repositories lack a minimum, before running yum update', async () => {
    const host = new FakeHost({ release: 'el7', stage: 'unfixed' });
    delete host.offers['microcode_ctl'];
    const ctx = await stepContext(updatePackages, host, null, params());
    const diff = await updatePackages.check(ctx);
    expect(diff.notes.join('\n')).toContain('microcode_ctl (wants 2.1-47.2.el7_6, offered nothing)');
    await expect(updatePackages.apply(ctx, diff)).rejects.toThrow(/nothing was updated/);
    expect(updateCommands(host)).toEqual([]);
  });

  it('fails clearly when the playbook has no minimums for the release', async () => {
    const host = new FakeHost({ release: 'el8', stage: 'unfixed' });
    const ctx = await stepContext(updatePackages, host, null, { minimums: minimumsFor('el7') });
    await expect(updatePackages.check(ctx)).rejects.toThrow(/no minimum versions for release 'el8'.*minimums\.el8/);
    expect(host.transport.commands).toEqual([]);
  });

  it('rejects package names that are not rpm names in the params schema', () => {
    const bad = updatePackages.params.safeParse({ minimums: { el7: { '$(touch /tmp/x)': '1.0-1' } } });
    expect(bad.success).toBe(false);
    const space = updatePackages.params.safeParse({ minimums: { el7: { 'kernel; reboot': '1.0-1' } } });
    expect(space.success).toBe(false);
    const version = updatePackages.params.safeParse({ minimums: { el7: { kernel: '1.0-1`id`' } } });
    expect(version.success).toBe(false);
    expect(updatePackages.params.safeParse({ minimums: { el7: { 'qemu-kvm-rhev': '10:2.12.0-18.el7_6.5' } } }).success).toBe(true);
  });

  it('passes package names to the shell as quoted words', async () => {
    // Schema-valid names with characters the shell would treat specially must still reach yum as one word each.
    const host = new FakeHost({ release: 'el7', stage: 'unfixed', installed: { 'libstdc++': ['4.8.5-36.el7'] } });
    host.offers['libstdc++'] = '4.8.5-36.el7_6.2';
    const ctx = await stepContext(updatePackages, host, null, { minimums: { el7: { 'libstdc++': '4.8.5-36.el7_6.2', kernel: VERSIONS.el7.minimum['kernel'] } } });
    const diff = await updatePackages.check(ctx);
    await updatePackages.apply(ctx, diff);
    const cmd = updateCommands(host)[0] ?? '';
    expect(shellWords(cmd)).toEqual(['yum', '-y', 'update', 'libstdc++', 'kernel']);
    expect(host.state.installed['libstdc++']).toEqual(['4.8.5-36.el7_6.2']);
  });

  it('fails before updating when a package the playbook names is not installed at all', async () => {
    const host = new FakeHost({ release: 'el7', stage: 'unfixed' });
    const ctx = await stepContext(updatePackages, host, null, { minimums: { el7: { 'qemu-kvm-rhev': '2.12.0-18.el7_6.5' } } });
    await expect(updatePackages.check(ctx)).rejects.toThrow(/not installed on this host: qemu-kvm-rhev/);
  });
});
