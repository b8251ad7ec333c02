import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { computeBootState } from '../../../../src/lab/host/boot-state.js';
import { renderDomcaps } from '../../../../src/lab/host/domcaps.js';
import { initialPackages } from '../../../../src/lab/host/packages.js';

const ID = '00000000-0000-4000-8000-000000000000';
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (n) => ['mode', 'feature', 'model'].includes(n) });

interface Mode { '@name': string; model?: ({ '#text': string; '@usable'?: string } | string)[]; vendor?: string; feature?: { '@name': string; '@policy': string }[] }

function modes(xml: string): Mode[] {
  return (parser.parse(xml) as { domainCapabilities: { cpu: { mode: Mode[] } } }).domainCapabilities.cpu.mode;
}

describe('renderDomcaps', () => {
  it('host-model requires md-clear only on a fully fixed Intel host', () => {
    const fixed = modes(renderDomcaps(computeBootState('el7', 'intel', initialPackages('el7', true, 1), ID)));
    const hm = fixed.find((m) => m['@name'] === 'host-model')!;
    expect(hm.vendor).toBe('Intel');
    expect(hm.feature).toContainEqual({ '@name': 'md-clear', '@policy': 'require' });
    const unfixed = modes(renderDomcaps(computeBootState('el7', 'intel', initialPackages('el7', false, 1), ID)));
    expect(unfixed.find((m) => m['@name'] === 'host-model')!.feature!.map((f) => f['@name'])).not.toContain('md-clear');
  });

  it('lists custom models with usable yes and no, per vendor', () => {
    const usable = (cpu: 'intel' | 'amd') => {
      const custom = modes(renderDomcaps(computeBootState('el8', cpu, initialPackages('el8', true, 1), ID))).find((m) => m['@name'] === 'custom')!;
      return new Map(custom.model!.map((m) => typeof m === 'string' ? [m, '?'] : [m['#text'], m['@usable']]));
    };
    const intel = usable('intel');
    for (const m of ['IvyBridge', 'SandyBridge', 'Haswell-noTSX', 'Skylake-Client-IBRS']) expect(intel.get(m)).toBe('yes');
    expect(intel.get('EPYC')).toBe('no');
    const amd = usable('amd');
    expect(amd.get('EPYC')).toBe('yes');
    expect(amd.get('IvyBridge')).toBe('no');
  });
});
