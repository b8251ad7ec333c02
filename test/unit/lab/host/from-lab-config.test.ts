import { describe, expect, it } from 'vitest';
import { defaultLabConfig, labConfig } from '../../../../src/lab/lab-config.js';
import { hostSpecsFromLabConfig } from '../../../../src/lab/host/from-lab-config.js';

describe('hostSpecsFromLabConfig', () => {
  it('maps the default mixed fleet, with addresses from the base and the custom model variants', () => {
    const cfg = labConfig.parse(defaultLabConfig(6, 0));
    const specs = hostSpecsFromLabConfig(cfg);
    expect(specs.map((s) => s.address)).toEqual(['127.0.10.1', '127.0.10.2', '127.0.10.3', '127.0.10.4', '127.0.10.5', '127.0.10.6']);
    expect(specs[1]!.nova).toEqual({ cpuMode: 'custom', cpuModel: 'IvyBridge', extraFlags: 'spec-ctrl,ssbd' });
    expect(specs[4]!.nova.cpuModels).toEqual(['SandyBridge', 'IvyBridge']);
    expect(specs[2]!.fixed).toBe(true);
    expect(specs[3]!.cpu).toBe('amd');
    expect(specs[0]!.bootDelayMs).toBe(cfg.hosts[0]!.boot_delay);
    expect(specs[0]!.faults.slowBootMs).toBe(cfg.hosts[0]!.faults.slow_boot);
  });

  it('two hosts that answer for each other: each sshd listens at the other one\'s address, the inventory keeps their own', () => {
    const cfg = labConfig.parse({ hosts: [{ name: 'a' }, { name: 'b', faults: { swapped_with: 'a' } }, { name: 'c' }] });
    const specs = hostSpecsFromLabConfig(cfg);
    expect(specs.map((s) => [s.name, s.address, s.listenAddress])).toEqual([
      ['a', '127.0.10.1', '127.0.10.2'], ['b', '127.0.10.2', '127.0.10.1'], ['c', '127.0.10.3', undefined],
    ]);
    expect(() => hostSpecsFromLabConfig(labConfig.parse({ hosts: [{ name: 'a', faults: { swapped_with: 'zz' } }] }))).toThrow(/expected another host of the lab, got "zz"/);
    expect(() => hostSpecsFromLabConfig(labConfig.parse({ hosts: [{ name: 'a', faults: { swapped_with: 'a' } }] }))).toThrow(/expected another host/);
    expect(() => hostSpecsFromLabConfig(labConfig.parse({ hosts: [{ name: 'a', faults: { swapped_with: 'b' } }, { name: 'b', faults: { swapped_with: 'c' } }, { name: 'c' }] }))).toThrow(/b: faults.swapped_with names c, but a swaps with it/);
  });
});
