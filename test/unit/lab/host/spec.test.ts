import { describe, expect, it } from 'vitest';
import { hostAddress, resolveHostSpec } from '../../../../src/lab/host/spec.js';

describe('hostAddress', () => {
  it('counts .1 to .254 then moves to the next /24', () => {
    expect(hostAddress(0)).toBe('127.0.10.1');
    expect(hostAddress(253)).toBe('127.0.10.254');
    expect(hostAddress(254)).toBe('127.0.11.1');
    expect(hostAddress(199, '127.10.0.0')).toBe('127.10.0.200');
    expect(hostAddress(300, '127.10.255.0')).toBe('127.11.0.47');
  });

  it('rejects a base that is not a loopback /24', () => {
    expect(() => hostAddress(0, '10.0.0.0')).toThrow(/loopback/);
    expect(() => hostAddress(0, '127.0.10.5')).toThrow(/loopback/);
  });
});

describe('resolveHostSpec', () => {
  it('fills defaults from the index, base and port', () => {
    const s = resolveHostSpec({ name: 'compute07' }, 6, '127.10.0.0', 40022);
    expect(s).toMatchObject({ address: '127.10.0.7', port: 40022, dist: 'el7', cpu: 'intel', fixed: false,
      nova: { cpuMode: 'host-model' } });
    expect(s.faults.yumFails).toBe(false);
  });

  it('names the host and field of a bad value', () => {
    expect(() => resolveHostSpec({ name: 'Bad_Name' }, 0)).toThrow(/"Bad_Name": name/);
    expect(() => resolveHostSpec({ name: 'c1', nova: { cpuMode: 'custom' } }, 0)).toThrow(/c1.*cpu_mode custom needs/);
    expect(() => resolveHostSpec({ name: 'c1', nova: { cpuMode: 'custom', cpuModel: 'Ivy;rm' } }, 0)).toThrow(/cpuModels/);
    expect(() => resolveHostSpec({ name: 'c1', address: '10.1.1.1' }, 0)).toThrow(/address/);
    expect(() => resolveHostSpec({ name: 'c1', faults: { slowBootMs: -1 } }, 0)).toThrow(/slowBootMs/);
  });
});
