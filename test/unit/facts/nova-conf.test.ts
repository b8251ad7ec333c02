// parseNovaLibvirt: oslo rules for the [libvirt] CPU options.
import { describe, expect, it } from 'vitest';
import { parseNovaLibvirt } from '../../../src/facts/nova-conf.js';

describe('parseNovaLibvirt', () => {
  it('reads the four options, lists split on commas with blanks', () => {
    const text = '[DEFAULT]\ncpu_mode = wrong-section\n\n[libvirt]\n# cpu_mode = none\n; virt_type = lxc\nvirt_type = kvm\ncpu_mode = custom\ncpu_models = IvyBridge, SandyBridge\ncpu_model_extra_flags = -PDPE1GB, +VMX ,pcid\n';
    expect(parseNovaLibvirt(text)).toEqual({ cpuMode: 'custom', cpuModels: ['IvyBridge', 'SandyBridge'], extraFlags: ['-PDPE1GB', '+VMX', 'pcid'], virtType: 'kvm' });
  });
  it('prefers cpu_models over the deprecated cpu_model, and reads cpu_model alone', () => {
    expect(parseNovaLibvirt('[libvirt]\ncpu_models = Haswell\ncpu_model = Nehalem\n').cpuModels).toEqual(['Haswell']);
    expect(parseNovaLibvirt('[libvirt]\ncpu_model = Nehalem\n').cpuModels).toEqual(['Nehalem']);
  });
  it('takes the last of duplicated keys, across repeated [libvirt] sections', () => {
    const text = '[libvirt]\ncpu_mode = custom\ncpu_mode = host-model\n[vnc]\nenabled = true\n[libvirt]\ncpu_model_extra_flags = ssbd\n';
    expect(parseNovaLibvirt(text)).toMatchObject({ cpuMode: 'host-model', extraFlags: ['ssbd'] });
  });
  it('treats option names as case-sensitive and an empty value as unset', () => {
    expect(parseNovaLibvirt('[libvirt]\nCPU_MODE = custom\nvirt_type =\n')).toEqual({ cpuMode: null, cpuModels: [], extraFlags: [], virtType: null });
  });
  it('handles a missing file', () => {
    expect(parseNovaLibvirt(null)).toEqual({ cpuMode: null, cpuModels: [], extraFlags: [], virtType: null });
  });
});
