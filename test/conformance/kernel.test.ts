// Conformance: every sysfs and dmesg string the kernel prints maps to a known state; doc-only strings do not.
import { describe, expect, it } from 'vitest';
import { classifyDmesgLine, parseDmesgLines, type KernelBug } from '../../src/facts/dmesg.js';
import { parseMdsState, parseVulnerability } from '../../src/facts/vulnerabilities.js';
import { verifyFindings } from '../../src/steps/verify.js';
import { hostFacts } from '../helpers/host-facts.js';
import { haveFixtures, lines } from './fixtures-dir.js';

describe.runIf(haveFixtures)('kernel fixtures', () => {
  it('classifies every mds sysfs value, keeping the SMT suffix', () => {
    const values = lines('kernel/mds-sysfs-values.txt');
    expect(values.length).toBeGreaterThan(5);
    for (const v of values) {
      const s = parseMdsState(`${v}\n`);
      expect(['not-affected', 'mitigated', 'no-microcode', 'vulnerable'], v).toContain(s.kind);
      if (v.includes('; SMT ') && 'smt' in s) expect(`SMT ${s.smt}`).toBe(v.slice(v.indexOf('; ') + 2));
    }
  });

  it('maps each base string to its own kind', () => {
    const kinds = lines('kernel/mds-sysfs-base-strings.txt').map((b) => parseMdsState(b).kind);
    expect(kinds).toEqual(['not-affected', 'vulnerable', 'no-microcode', 'mitigated']);
  });

  it('reads every SMT suffix', () => {
    for (const suffix of lines('kernel/mds-sysfs-smt-suffixes.txt')) {
      expect(parseMdsState(`Mitigation: Clear CPU buffers; ${suffix}`)).toEqual({ kind: 'mitigated', smt: suffix.replace(/^SMT /, '') });
    }
  });

  it('never calls the obsolete documentation strings mitigated', () => {
    const obsolete = lines('kernel/mds-sysfs-obsolete-doc-strings.txt');
    expect(obsolete.length).toBeGreaterThan(0);
    for (const o of obsolete) {
      expect(parseMdsState(o).kind, o).toBe('unknown');
      expect(parseMdsState(`${o}; SMT vulnerable`).kind, o).toBe('unknown');
      expect(classifyDmesgLine(`MDS: ${o}`).kind, o).toBe('unknown');
    }
  });

  for (const file of ['tsx_async_abort', 'mmio_stale_data']) {
    it(`classifies every ${file} sysfs value`, () => {
      for (const v of lines(`kernel/${file}-sysfs-values.txt`)) expect(parseVulnerability(v).kind, v).not.toBe('unknown');
    });
  }

  const dmesgFiles: [KernelBug, string][] = [['mds', 'mds'], ['taa', 'tsx_async_abort'], ['mmio', 'mmio_stale_data']];
  for (const [bug, file] of dmesgFiles) {
    it(`picks out and classifies every ${file} dmesg line, with or without a timestamp`, () => {
      const all = lines(`kernel/${file}-dmesg-lines.txt`);
      expect(all.length).toBeGreaterThan(2);
      const log = all.map((l, i) => (i % 2 ? `[    1.${String(i).padStart(6, '0')}] ${l}` : l)).join('\n');
      expect(parseDmesgLines(log, bug)).toEqual(all);
      for (const l of all) expect(classifyDmesgLine(l, bug).kind, l).not.toBe('unknown');
      expect(all.filter((l) => classifyDmesgLine(l, bug).kind === 'smt-warning')).toHaveLength(1);
    });
  }

  // verify judges the sibling flaws by the kernel's own strings: only a mitigation or "Not affected" passes.
  for (const [file, field] of [['tsx_async_abort', 'tsxAsyncAbort'], ['mmio_stale_data', 'mmioStaleData']] as const) {
    it(`verify judges every ${file} sysfs value the kernel prints`, () => {
      for (const v of lines(`kernel/${file}-sysfs-values.txt`)) {
        const f = hostFacts();
        f.sysfs = { ...f.sysfs, [field]: `${v}\n` };
        f.evidence = { ...f.evidence, [`sysfs-${file}`]: { state: 'read' } };
        const finding = verifyFindings(f, undefined, { judge: ['mds', file], report: [] }).find((x) => x.check === file);
        expect(finding?.status, v).toBe(/^(Mitigation: |Not affected)/.test(v) ? 'ok' : 'drift');
      }
    });
  }

  it('verify reads every MDS dmesg line as corroboration only: sysfs decides', () => {
    for (const l of lines('kernel/mds-dmesg-lines.txt').filter((x) => x.startsWith('MDS: '))) {
      const f = hostFacts();
      f.dmesgMds = [l];
      const dmesg = verifyFindings(f, undefined).find((x) => x.check === 'dmesg');
      expect(dmesg?.status, l).toBe('ok');
      if (l !== 'MDS: Mitigation: Clear CPU buffers') expect(dmesg?.note, l).toMatch(/sysfs is authoritative/);
    }
  });

  it('keeps MDS lines apart from TAA and MMIO lines', () => {
    const log = [...lines('kernel/tsx_async_abort-dmesg-lines.txt'), ...lines('kernel/mmio_stale_data-dmesg-lines.txt')].join('\n');
    expect(parseDmesgLines(log, 'mds')).toEqual([]);
  });
});
