// Sysfs vulnerability strings and MDS dmesg lines: exact kernel strings map to kinds, doc-only strings do not.
import { describe, expect, it } from 'vitest';
import { classifyDmesgLine, parseDmesgLines } from '../../../src/facts/dmesg.js';
import { parseMdsState, parseVulnerability } from '../../../src/facts/vulnerabilities.js';

describe('parseMdsState', () => {
  it('maps the kernel strings with their SMT suffix', () => {
    expect(parseMdsState('Mitigation: Clear CPU buffers; SMT vulnerable\n')).toEqual({ kind: 'mitigated', smt: 'vulnerable' });
    expect(parseMdsState('Vulnerable: Clear CPU buffers attempted, no microcode; SMT Host state unknown')).toEqual({ kind: 'no-microcode', smt: 'Host state unknown' });
    expect(parseMdsState('Vulnerable; SMT disabled')).toEqual({ kind: 'vulnerable', smt: 'disabled' });
    expect(parseMdsState('Not affected\n')).toEqual({ kind: 'not-affected' });
  });
  it('distinguishes a missing file from an odd value', () => {
    expect(parseMdsState(null)).toEqual({ kind: 'absent' });
    expect(parseMdsState('')).toEqual({ kind: 'unknown', raw: '' });
  });
  it('does not classify the strings of the first mds.rst as mitigated', () => {
    expect(parseMdsState('Mitigation: CPU buffer clear; SMT mitigated').kind).toBe('unknown');
    expect(parseMdsState('Vulnerable: Clear CPU buffers attempted').kind).toBe('unknown');
    expect(parseMdsState('Mds: Mitigation; Clear CPU buffers; SMT disabled').kind).toBe('unknown'); // lscpu's rewrite
  });
});

describe('parseVulnerability', () => {
  it('knows the TAA and MMIO strings', () => {
    expect(parseVulnerability('Mitigation: TSX disabled')).toEqual({ kind: 'mitigated', smt: null, base: 'Mitigation: TSX disabled' });
    expect(parseVulnerability('Unknown: No mitigations').kind).toBe('vulnerable');
  });
});

describe('dmesg', () => {
  const log = [
    '[    0.000000] Linux version 3.10.0-957.12.2.el7.x86_64',
    '[    0.031337] MDS: Mitigation: Clear CPU buffers',
    '[    0.031338] TAA: Mitigation: Clear CPU buffers',
    '[Tue May 14 18:00:00 2019] MDS: Vulnerable: Clear CPU buffers attempted, no microcode',
    'May 14 18:00:00 host kernel: MDS CPU bug present and SMT on, data leak possible. See https://example.invalid for more details.',
    'MDS: Vulnerable',
  ].join('\n');
  it('picks the MDS lines and drops timestamps and syslog prefixes', () => {
    expect(parseDmesgLines(log)).toEqual([
      'MDS: Mitigation: Clear CPU buffers',
      'MDS: Vulnerable: Clear CPU buffers attempted, no microcode',
      'MDS CPU bug present and SMT on, data leak possible. See https://example.invalid for more details.',
      'MDS: Vulnerable',
    ]);
    expect(parseDmesgLines(log, 'taa')).toEqual(['TAA: Mitigation: Clear CPU buffers']);
  });
  it('classifies each line', () => {
    expect(parseDmesgLines(log).map((l) => classifyDmesgLine(l).kind)).toEqual(['mitigated', 'no-microcode', 'smt-warning', 'vulnerable']);
    expect(classifyDmesgLine('MDS: Mitigation: CPU buffer clear').kind).toBe('unknown');
  });
});
