// Tests that summarizeHosts counts every status and the guests needing a cold boot.
import { describe, expect, it } from 'vitest';
import { summarizeHosts } from '../../../src/report/summary.js';
import { buildReport } from '../../helpers/report-fixture.js';

describe('summarizeHosts', () => {
  it('counts each status once and sums cold boots', () => {
    const { hosts } = buildReport('run');
    expect(summarizeHosts(hosts, 'cancelled')).toEqual({
      hosts: 6, ok: 1, changed: 1, wouldChange: 0, drift: 1, failed: 1, refused: 0, unknown: 0, unreachable: 1, deferred: 1, skipped: 0, guestsNeedingColdBoot: 1, stoppedBecause: 'cancelled',
    });
    const plan = summarizeHosts(buildReport('plan').hosts);
    expect(plan.wouldChange).toBe(2);
    expect('stoppedBecause' in plan).toBe(false);
  });
});
