// The knob that keeps md-clear past the deployment tool's next run: one per layout, with the host's flags plus md-clear.
import { describe, expect, it } from 'vitest';
import { describeKnob, durableKnob, flagsWith } from '../../../src/layout/durable-knob.js';
import { LAYOUT_NAMES } from '../../../src/layout/names.js';

const FLAGS = flagsWith(['spec-ctrl', 'ssbd'], 'md-clear');

describe('durable knob', () => {
  it('keeps the flags as written and adds md-clear only when the list does not enable it', () => {
    expect(FLAGS).toEqual(['spec-ctrl', 'ssbd', 'md-clear']);
    expect(flagsWith([], 'md-clear')).toEqual(['md-clear']);
    expect(flagsWith(['+MD-CLEAR', 'pcid'], 'md-clear')).toEqual(['+MD-CLEAR', 'pcid']);
  });

  it('TripleO 16/17: the role parameter NovaLibvirtCPUModelExtraFlags', () => {
    for (const layout of ['tripleo-podman', 'tripleo-modular'] as const) {
      const k = durableKnob(layout, FLAGS, 'overcloud-novacompute-0');
      expect(k.snippet).toBe("parameter_defaults:\n  ComputeParameters:\n    NovaLibvirtCPUModelExtraFlags: 'spec-ctrl,ssbd,md-clear'");
      expect(k.apply).toMatch(/^openstack overcloud deploy/);
    }
  });

  it('TripleO 13: puppet-nova hieradata through ComputeExtraConfig; RHOSP 10: the raw nova_config resource', () => {
    expect(durableKnob('tripleo-docker', FLAGS, 'c0').snippet).toBe("parameter_defaults:\n  ComputeExtraConfig:\n    nova::compute::libvirt::libvirt_cpu_model_extra_flags: 'spec-ctrl,ssbd,md-clear'");
    expect(durableKnob('baremetal', FLAGS, 'c0').snippet).toBe(
      "parameter_defaults:\n  NovaComputeExtraConfig:\n    nova::config::nova_config:\n      libvirt/cpu_model_extra_flags:\n        value: 'spec-ctrl,ssbd,md-clear'",
    );
  });

  it('Kolla: a nova-compute.conf override and reconfigure limited to the host', () => {
    const k = durableKnob('kolla', FLAGS, 'compute07');
    expect(k.snippet).toBe('[libvirt]\ncpu_model_extra_flags = spec-ctrl,ssbd,md-clear');
    expect(k.file).toContain('/etc/kolla/config/nova/nova-compute.conf');
    expect(k.file).toContain('/etc/kolla/config/nova/compute07/nova.conf');
    expect(k.apply).toBe('kolla-ansible -i <inventory> reconfigure --limit compute07 --tags nova');
  });

  it('OpenStack-Ansible: nova_nova_conf_overrides; devstack: post-config of $NOVA_CPU_CONF', () => {
    expect(durableKnob('osa', FLAGS, 'c0').snippet).toBe('nova_nova_conf_overrides:\n  libvirt:\n    cpu_model_extra_flags: spec-ctrl,ssbd,md-clear');
    expect(durableKnob('devstack', FLAGS, 'c0').snippet).toBe('[[post-config|$NOVA_CPU_CONF]]\n[libvirt]\ncpu_model_extra_flags = spec-ctrl,ssbd,md-clear');
  });

  it('every layout has one, and the paragraph names the file that is rewritten and the snippet', () => {
    for (const layout of LAYOUT_NAMES) {
      const k = durableKnob(layout, FLAGS, 'c0');
      expect(k.snippet).toContain('spec-ctrl,ssbd,md-clear');
      const text = describeKnob(k, '/etc/kolla/nova-compute/nova.conf');
      expect(text).toContain('rewrites /etc/kolla/nova-compute/nova.conf');
      expect(text).toContain(k.snippet.split('\n').map((l) => `      ${l}`).join('\n'));
    }
  });
});
