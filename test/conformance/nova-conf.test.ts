// Conformance: the upstream nova.conf samples through the [libvirt] parser and the line-preserving editor.
import { describe, expect, it } from 'vitest';
import { effectiveCpuMode } from '../../src/facts/md-clear.js';
import { parseNovaLibvirt } from '../../src/facts/nova-conf.js';
import { addListItem, setOption, unifiedDiff } from '../../src/ini/index.js';
import { fixture, haveFixtures } from './fixtures-dir.js';

const changed = (a: string, b: string) => unifiedDiff(a, b, 'f').split('\n').filter((l) => /^[-+](?![-+]{2} )/.test(l));

describe.runIf(haveFixtures)('nova.conf fixtures', () => {
  it('icehouse sample: everything commented, so nova defaults apply', () => {
    const text = fixture('nova-conf/nova.conf.sample.2014-03-icehouse');
    const cfg = parseNovaLibvirt(text);
    expect(cfg).toEqual({ cpuMode: null, cpuModels: [], extraFlags: [], virtType: null });
    expect(effectiveCpuMode(cfg)).toBe('host-model');
  });

  it('icehouse sample: setting cpu_mode replaces the #cpu_mode=<None> line of [libvirt] only', () => {
    const text = fixture('nova-conf/nova.conf.sample.2014-03-icehouse');
    const out = setOption(text, 'libvirt', 'cpu_mode', 'custom');
    expect(changed(text, out)).toEqual(['-#cpu_mode=<None>', '+cpu_mode=custom']);
    expect(parseNovaLibvirt(out).cpuMode).toBe('custom');
    const flags = addListItem(out, 'libvirt', 'cpu_model_extra_flags', 'md-clear');
    expect(parseNovaLibvirt(flags.text).extraFlags).toEqual(['md-clear']);
    expect(changed(out, flags.text)).toEqual(['+cpu_model_extra_flags=md-clear']);
  });

  it('kolla template: reads the templated values and appends outside the Jinja conditionals', () => {
    const text = fixture('nova-conf/kolla-ansible-nova-cell-nova.conf.d-libvirt.conf.j2');
    expect(parseNovaLibvirt(text)).toMatchObject({ cpuMode: '{{ nova_libvirt_cpu_mode }}', virtType: '{{ nova_compute_virt_type }}' });
    const out = addListItem(text, 'libvirt', 'cpu_model_extra_flags', 'md-clear').text;
    expect(out).toContain('{% endif %}\ncpu_model_extra_flags = md-clear\n[workarounds]\n');
    expect(changed(text, out)).toEqual(['+cpu_model_extra_flags = md-clear']);
  });
});
