// parseDomCapabilities and the md-clear helpers, on small domcapabilities documents written for this test.
import { describe, expect, it } from 'vitest';
import { parseDomCapabilities } from '../../../src/facts/domcaps.js';
import { GatherError } from '../../../src/facts/errors.js';
import { effectiveCpuMode, extraFlagSetting, hostModelHasMdClear, mdClearExposed } from '../../../src/facts/md-clear.js';
import type { NovaLibvirtConfig } from '../../../src/facts/types.js';

const caps = (hostModelFeatures: string, extra = '') => `<?xml version="1.0"?>
<domainCapabilities>
  <path>/usr/libexec/qemu-kvm</path>
  <domain>kvm</domain>
  <vcpu max='240'/>
  <cpu>
    <mode name='host-passthrough' supported='yes'/>
    <mode name='host-model' supported='yes'>
      <model fallback='forbid'>Cascadelake-Server</model>
      <vendor>Intel</vendor>
      ${hostModelFeatures}
    </mode>
    <mode name='custom' supported='yes'>
      <model usable='yes'>486</model>
      <model usable='no' vendor='Intel'>Icelake-Server</model>
      <blockers model='Icelake-Server'>
        <feature name='md-clear'/>
      </blockers>
      <model>Opteron_G9</model>
      ${extra}
    </mode>
  </cpu>
  <devices/>
</domainCapabilities>`;

const withMdClear = parseDomCapabilities(caps("<feature policy='require' name='ssbd'/>\n<feature policy='require' name='md-clear'/>"));
const blockersOnly = parseDomCapabilities(caps("<feature policy='disable' name='hle'/>"));

describe('parseDomCapabilities', () => {
  it('reads host-model, host-passthrough and custom models', () => {
    expect(withMdClear.hostModel).toEqual({
      model: 'Cascadelake-Server',
      vendor: 'Intel',
      features: [{ name: 'ssbd', policy: 'require' }, { name: 'md-clear', policy: 'require' }],
    });
    expect(withMdClear.hostPassthroughSupported).toBe(true);
    expect(withMdClear.customModels).toEqual([
      { name: '486', usable: 'yes' },
      { name: 'Icelake-Server', usable: 'no' },
      { name: 'Opteron_G9', usable: 'unknown' },
    ]);
  });
  it('does not count a feature named only inside <blockers>', () => {
    expect(blockersOnly.hostModel?.features).toEqual([{ name: 'hle', policy: 'disable' }]);
    expect(hostModelHasMdClear(blockersOnly)).toBe(false);
    expect(hostModelHasMdClear(withMdClear)).toBe(true);
  });
  it('gives null host-model when libvirt does not support it', () => {
    const xml = "<domainCapabilities><cpu><mode name='host-model' supported='no'/><mode name='host-passthrough' supported='no'/></cpu></domainCapabilities>";
    expect(parseDomCapabilities(xml)).toEqual({ hostModel: null, hostPassthroughSupported: false, customModels: [] });
  });
  it('throws GatherError on text that is not domcapabilities XML', () => {
    expect(() => parseDomCapabilities('error: failed to connect to the hypervisor')).toThrow(GatherError);
    expect(() => parseDomCapabilities('<capabilities/>')).toThrow(GatherError);
  });
  it('throws GatherError on output cut short, or broken inside <cpu>', () => {
    const whole = caps("<feature policy='require' name='md-clear'/>");
    expect(() => parseDomCapabilities(whole.slice(0, whole.indexOf('<devices/>')))).toThrow(/did not print valid XML/);
    expect(() => parseDomCapabilities(whole.replace("<vendor>Intel</vendor>", '<vendor>Intel</vendr>'))).toThrow(/did not print valid XML/);
  });
  it('parses a document printed by many hosts once and shares the frozen result', () => {
    const doc = caps("<feature policy='require' name='md-clear'/>");
    const first = parseDomCapabilities(doc);
    expect(parseDomCapabilities(`${doc}`)).toBe(first);
    expect(Object.isFrozen(first.hostModel?.features[0])).toBe(true);
    expect(() => (first.customModels as { name: string }[]).push({ name: 'x' })).toThrow(TypeError);
    expect(parseDomCapabilities(caps(''))).not.toBe(first);
    // A bad document is refused every time, not remembered as an answer.
    expect(() => parseDomCapabilities('<domainCapabilities><cpu>')).toThrow(GatherError);
    expect(() => parseDomCapabilities('<domainCapabilities><cpu>')).toThrow(GatherError);
  });
  it('reads a document without <cpu> as offering no CPU mode', () => {
    expect(parseDomCapabilities('<domainCapabilities><path>/usr/bin/qemu</path></domainCapabilities>'))
      .toEqual({ hostModel: null, hostPassthroughSupported: false, customModels: [] });
  });
});

const nova = (p: Partial<NovaLibvirtConfig>): NovaLibvirtConfig => ({ cpuMode: null, cpuModels: [], extraFlags: [], virtType: null, ...p });

describe('effectiveCpuMode', () => {
  it('defaults to host-model for kvm/qemu, host-passthrough on aarch64, none otherwise', () => {
    expect(effectiveCpuMode(nova({}))).toBe('host-model');
    expect(effectiveCpuMode(nova({ virtType: 'qemu' }))).toBe('host-model');
    expect(effectiveCpuMode(nova({}), 'aarch64')).toBe('host-passthrough');
    expect(effectiveCpuMode(nova({ virtType: 'lxc' }))).toBe('none');
    expect(effectiveCpuMode(nova({ cpuMode: 'Custom' }))).toBe('custom');
  });
});

describe('extraFlagSetting / mdClearExposed', () => {
  it('reads +, - and bare flags case-insensitively', () => {
    expect(extraFlagSetting(nova({ extraFlags: ['PCID', 'MD-Clear'] }))).toBe('enabled');
    expect(extraFlagSetting(nova({ extraFlags: ['+md-clear'] }))).toBe('enabled');
    expect(extraFlagSetting(nova({ extraFlags: ['-md-clear', 'md-clear'] }))).toBe('disabled');
    expect(extraFlagSetting(nova({ extraFlags: ['md-clear-x'] }))).toBe('unset');
  });
  it('host-model and unset pass md-clear through when libvirt offers it, unless disabled', () => {
    expect(mdClearExposed(nova({}), withMdClear)).toBe(true);
    expect(mdClearExposed(nova({ cpuMode: 'host-model', extraFlags: ['-md-clear'] }), withMdClear)).toBe(false);
    expect(mdClearExposed(nova({}), blockersOnly)).toBe(false);
    expect(mdClearExposed(nova({ cpuMode: 'host-passthrough' }), withMdClear)).toBe(true);
  });
  it('custom needs the flag and a host that offers it', () => {
    expect(mdClearExposed(nova({ cpuMode: 'custom', cpuModels: ['IvyBridge'] }), withMdClear)).toBe(false);
    expect(mdClearExposed(nova({ cpuMode: 'custom', cpuModels: ['IvyBridge'], extraFlags: ['ssbd', '+MD-CLEAR'] }), withMdClear)).toBe(true);
    expect(mdClearExposed(nova({ cpuMode: 'custom', cpuModels: ['IvyBridge'], extraFlags: ['md-clear'] }), blockersOnly)).toBe(false);
  });
  it('none never exposes it', () => {
    expect(mdClearExposed(nova({ cpuMode: 'none' }), withMdClear)).toBe(false);
  });
});
