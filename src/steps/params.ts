// Shared zod pieces for step params: durations and per-release minimum versions.
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

const PACKAGE_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;
const VERSION = /^(\d+:)?[A-Za-z0-9][A-Za-z0-9._+~^-]*$/;

export const packageName = z.string().regex(PACKAGE_NAME, 'expected an rpm package name (letters, digits, . _ + -)');

/** Release key (el7, el8, ...) → package → minimum [epoch:]version-release. */
export const minimums = z.record(
  z.string().regex(/^[a-z]+\d+$/, 'expected a release key such as el7 or el8'),
  z.record(packageName, z.string().regex(VERSION, 'expected a version such as 2.1-47.2.el7_6 or 2:2.1-47.2.el7_6')),
);

export type Minimums = z.infer<typeof minimums>;
