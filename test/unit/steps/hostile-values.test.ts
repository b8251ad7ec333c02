// Validation of values that reach a shell or nova.conf: package names, versions, CPU models, unit names, lab descriptions.
import { describe, expect, it } from 'vitest';
import { labHost } from '../../../src/lab/lab-config.js';
import { cpuFlagsParams, planNovaConfEdit } from '../../../src/steps/cpu-flags.js';
import { minimums, packageName } from '../../../src/steps/params.js';
import { hostFacts } from '../../helpers/host-facts.js';

const HOSTILE = ['$(touch /tmp/pwned)', '`reboot`', 'kernel; reboot', 'a && b', 'x|y', 'a b', "it's", '-rf', '', 'k\nreboot'];

describe('package names', () => {
  it.each(['kernel', 'qemu-kvm-rhev', 'microcode_ctl', 'libstdc++', 'python3.6'])('accepts %s', (n) => {
    expect(packageName.safeParse(n).success).toBe(true);
  });
  it.each(HOSTILE)('rejects %j', (n) => {
    expect(packageName.safeParse(n).success).toBe(false);
  });
});

describe('minimum versions', () => {
  const one = (v: string) => minimums.safeParse({ el7: { kernel: v } }).success;
  it.each(['3.10.0-957.12.2.el7', '2:2.1-47.2.el7_6', '2.12.0-64.module+el8.0.0+3180+d6a3561d.2', '1.0~rc1-1'])('accepts %s', (v) => {
    expect(one(v)).toBe(true);
  });
  it.each(HOSTILE)('rejects %j', (v) => {
    expect(one(v)).toBe(false);
  });
  it('rejects a release key that is not like el7', () => {
    expect(minimums.safeParse({ 'el7; reboot': { kernel: '1-1' } }).success).toBe(false);
  });
});

describe('CPU models', () => {
  it.each(HOSTILE.filter((v) => v !== ''))('a lab description refuses cpu_model %j with a clear message', (m) => {
    const r = labHost.safeParse({ name: 'a', cpu_mode: 'custom', cpu_model: m });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.message).toBe('expected a libvirt CPU model name (letters, digits, _ . -)');
  });

  it('cpu-flags refuses to edit a nova.conf whose cpu model is not a libvirt model name', () => {
    const facts = hostFacts({ release: 'el8', cpuMode: 'custom', cpuModels: ['IvyBridge;reboot'] });
    expect(() => planNovaConfEdit(facts, 'md-clear')).toThrow(/is not a libvirt CPU model name/);
  });

  it('a hostile extra flag already in nova.conf is kept verbatim as data; md-clear is added beside it', () => {
    const facts = hostFacts({ release: 'el8', cpuMode: 'custom', cpuModels: ['IvyBridge'], extraFlags: ['$(touch /tmp/pwned)'] });
    const edit = planNovaConfEdit(facts, 'md-clear');
    expect(edit).not.toBeNull();
    expect(edit!.after).toMatch(/cpu_model_extra_flags\s*=\s*\$\(touch \/tmp\/pwned\),\s*md-clear/);
  });
});

describe('systemd unit names in step params', () => {
  it.each(['openstack-nova-compute', 'nova-compute@1.service'])('accepts %s', (u) => {
    expect(cpuFlagsParams.safeParse({ service: u }).success).toBe(true);
  });
  it.each(HOSTILE)('rejects %j', (u) => {
    expect(cpuFlagsParams.safeParse({ service: u }).success).toBe(false);
  });
});
