// The minimum-version rule: epoch-less minimums ignore the installed epoch, epoch-ful ones compare it.
import { describe, expect, it } from 'vitest';
import { parseEvr } from '../../../src/rpm/evr.js';
import { satisfiesMinimum } from '../../../src/rpm/minimum.js';

const ok = (installed: string, minimum: string) => satisfiesMinimum(parseEvr(installed), minimum);

describe('satisfiesMinimum', () => {
  it('ignores the installed epoch when the minimum has none (RHEL 7 microcode_ctl)', () => {
    expect(ok('2:2.1-29.el7', '2.1-47.2.el7_6')).toBe(false);
    expect(ok('2:2.1-47.2.el7_6', '2.1-47.2.el7_6')).toBe(true);
    expect(ok('2:2.1-53.el7', '2.1-47.2.el7_6')).toBe(true);
  });
  it('compares the full EVR when the minimum has an epoch', () => {
    expect(ok('2:2.1-29.el7', '1:2.1-47.2.el7_6')).toBe(true); // the higher epoch wins
    expect(ok('2.1-99.el7', '2:2.1-47.2.el7_6')).toBe(false); // missing epoch = 0
    expect(ok('10:2.12.0-18.el7_6.5', '10:2.12.0-18.el7_6.5')).toBe(true);
    expect(ok('10:2.12.0-18.el7_6.3', '10:2.12.0-18.el7_6.5')).toBe(false);
  });
  it('accepts any release of the version when the minimum has no release', () => {
    expect(ok('3.10.0-957.el7', '3.10.0')).toBe(true);
    expect(ok('3.9.0-999.el7', '3.10.0')).toBe(false);
  });
  it('sorts z-stream and tilde releases as rpm does', () => {
    expect(ok('3.10.0-957.12.2.el7', '3.10.0-957.12.2.el7')).toBe(true);
    expect(ok('3.10.0-957.10.1.el7', '3.10.0-957.12.2.el7')).toBe(false);
    expect(ok('1.0-1~rc1', '1.0-1')).toBe(false);
  });
});
