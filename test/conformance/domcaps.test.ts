// Conformance: every domcapabilities fixture against the table of SOURCES.md section 2 (host-model, md-clear, mds-no).
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDomCapabilities } from '../../src/facts/domcaps.js';
import { GatherError } from '../../src/facts/errors.js';
import { hostModelHasMdClear } from '../../src/facts/md-clear.js';
import { FIXTURES, fixture, haveFixtures } from './fixtures-dir.js';

interface Row {
  file: string;
  model: string;
  mdClear: boolean;
  mdsNo: boolean;
  usable: string;
}

function table(): Row[] {
  return fixture('SOURCES.md')
    .split('\n')
    .filter((l) => /^\| `(libvirt|virt-manager)\/.*\.xml` \|/.test(l))
    .map((l) => {
      const c = l.split('|').map((s) => s.trim());
      const yes = (s: string | undefined) => (s ?? '').replace(/\*/g, '').startsWith('yes');
      return { file: (c[1] ?? '').replace(/`/g, ''), model: c[4] ?? '', mdClear: yes(c[5]), mdsNo: yes(c[6]), usable: c[7] ?? '' };
    });
}

describe.runIf(haveFixtures)('domcaps fixtures', () => {
  const rows = haveFixtures ? table() : [];
  const files = haveFixtures
    ? ['libvirt', 'virt-manager'].flatMap((d) => readdirSync(path.join(FIXTURES, 'domcaps', d)).filter((f) => f.endsWith('.xml')).map((f) => `${d}/${f}`))
    : [];

  it('has a table row for every domcaps file', () => {
    expect(files.length).toBeGreaterThan(10);
    expect(rows.map((r) => r.file).sort()).toEqual([...files].sort());
  });

  for (const row of rows) {
    it(`${row.file}: host-model ${row.model}, md-clear ${row.mdClear ? 'yes' : 'no'}`, () => {
      const caps = parseDomCapabilities(fixture(`domcaps/${row.file}`));
      expect(`${caps.hostModel?.model} (${caps.hostModel?.vendor})`).toBe(row.model);
      expect(hostModelHasMdClear(caps)).toBe(row.mdClear);
      expect(caps.hostModel?.features.some((f) => f.name === 'mds-no' && f.policy === 'require')).toBe(row.mdsNo);
      expect(caps.hostPassthroughSupported).toBe(true);
      // Where the table spells the usable models out, the parser must find exactly those.
      const list = row.usable.replace(/^\d+: /, '');
      if (!/same|above|incl|\(/.test(list)) {
        const want = list.split(',').map((s) => s.trim()).sort();
        expect(caps.customModels.filter((m) => m.usable === 'yes').map((m) => m.name).sort()).toEqual(want);
      }
    });
  }

  it('does not take md-clear from <blockers> in the qemu 11 file (negative oracle)', () => {
    const xml = fixture('domcaps/libvirt/qemu_11.0.0.x86_64+sgx.xml');
    expect(xml.match(/md-clear/g)?.length).toBe(2);
    const caps = parseDomCapabilities(xml);
    expect(hostModelHasMdClear(caps)).toBe(false);
    expect(caps.hostModel?.features.filter((f) => f.policy === 'disable').map((f) => f.name)).toEqual(['la57', 'pcid', 'rdseed']);
  });

  it('rejects host capabilities (not domcapabilities) documents', () => {
    for (const f of readdirSync(path.join(FIXTURES, 'domcaps/host-capabilities'))) {
      expect(() => parseDomCapabilities(fixture(`domcaps/host-capabilities/${f}`))).toThrow(GatherError);
    }
  });
});
