// Durations as users write them in YAML ("30s", "15m", "1h", "500ms" or plain seconds), shared by playbooks and the lab.
import { z } from 'zod';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "30s", "15m", "1h", "500ms" or plain seconds → milliseconds. */
export function parseDurationMs(value: string | number): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value * 1000 : null;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(value);
  if (!m) return null;
  return Math.round(Number(m[1]) * UNIT_MS[m[2] ?? 's']!);
}

export const duration = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const ms = parseDurationMs(v);
  if (ms === null) {
    ctx.addIssue({ code: 'custom', message: `expected a duration such as 30s, 15m, 1h or a number of seconds, got ${JSON.stringify(v)}` });
    return z.NEVER;
  }
  return ms;
});
