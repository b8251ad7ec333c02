import { describe, expect, it } from 'vitest';
import { configPassesMdClear, readLibvirtCpu, renderNovaConf } from '../../../../src/lab/host/nova-conf.js';
import type { NovaCpuSpec } from '../../../../src/lab/host/spec.js';

const conf = (nova: NovaCpuSpec) => renderNovaConf({ name: 'c1', nova });

describe('renderNovaConf', () => {
  it('writes each [libvirt] variant and reads back as written', () => {
    expect(readLibvirtCpu(conf({ cpuMode: 'host-model' }))).toEqual({ cpuMode: 'host-model', extraFlags: [] });
    expect(readLibvirtCpu(conf({ cpuMode: 'host-passthrough' })).cpuMode).toBe('host-passthrough');
    expect(readLibvirtCpu(conf({ cpuMode: 'unset' })).cpuMode).toBeNull();
    const custom = conf({ cpuMode: 'custom', cpuModel: 'IvyBridge', extraFlags: 'spec-ctrl,ssbd' });
    expect(custom).toMatch(/^cpu_model=IvyBridge$/m);
    expect(readLibvirtCpu(custom)).toEqual({ cpuMode: 'custom', extraFlags: ['spec-ctrl', 'ssbd'] });
    expect(conf({ cpuMode: 'custom', cpuModels: ['SandyBridge', 'IvyBridge'] })).toMatch(/^cpu_models=SandyBridge,IvyBridge$/m);
  });

  it('keeps a commented-out cpu_model_extra_flags line when none is set, and other sections', () => {
    const text = conf({ cpuMode: 'host-model' });
    expect(text).toMatch(/^#cpu_model_extra_flags =$/m);
    expect(text).toMatch(/^\[DEFAULT\]$/m);
    expect(text).toMatch(/^host=c1$/m);
    expect(text).toMatch(/^\[workarounds\]$/m);
  });
});

describe('readLibvirtCpu / configPassesMdClear', () => {
  it('ignores other sections and comments, the last assignment wins', () => {
    const text = '[DEFAULT]\ncpu_mode=none\n[libvirt]\n#cpu_mode=custom\ncpu_mode = custom\ncpu_model_extra_flags = PCID, md-clear\n';
    expect(readLibvirtCpu(text)).toEqual({ cpuMode: 'custom', extraFlags: ['pcid', 'md-clear'] });
    expect(configPassesMdClear(readLibvirtCpu(text))).toBe(true);
  });

  it('passes md-clear for host-model, host-passthrough and unset; custom only with the flag; never for none', () => {
    expect(configPassesMdClear({ cpuMode: null, extraFlags: [] })).toBe(true);
    expect(configPassesMdClear({ cpuMode: 'host-passthrough', extraFlags: [] })).toBe(true);
    expect(configPassesMdClear({ cpuMode: 'custom', extraFlags: ['spec-ctrl', 'ssbd'] })).toBe(false);
    expect(configPassesMdClear({ cpuMode: 'none', extraFlags: ['md-clear'] })).toBe(false);
  });
});
