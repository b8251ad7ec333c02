// A scheduled sweep stopped between sweeps exits with the last sweep's code (0 before the first), as the README says:
// nothing was interrupted, so neither 130 nor 143, and `systemctl stop` of an idle scheduler does not read as a failure.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sweepCommand } from '../../../src/cli/commands/sweep.js';

afterEach(() => { vi.restoreAllMocks(); });

describe('sweep --schedule stopped by a signal before any sweep', () => {
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    it(`${signal} ends it with 0, having contacted nothing`, async () => {
      const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
      const SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;
      const had = new Map(SIGNALS.map((s) => [s, new Set(process.listeners(s))]));
      const before = had.get(signal)!;
      // 03:00 daily: no tick falls inside the test, so no sweep (and no inventory, cloud or host) is ever touched.
      const done = sweepCommand({ schedule: '0 3 * * *' });
      const added = process.listeners(signal).filter((l) => !before.has(l));
      expect(added).toHaveLength(1);
      (added[0] as () => void)();
      expect(await done).toBe(0);
      expect(out.mock.calls.map((c) => String(c[0])).join('')).toMatch(/^sweeping on "0 3 \* \* \*"; next at /);
      // The listeners of the other two signals stay registered (process.once): drop them, so the next case starts clean.
      for (const s of SIGNALS) for (const l of process.listeners(s)) if (!had.get(s)!.has(l)) process.removeListener(s, l);
    });
  }
});
