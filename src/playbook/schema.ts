// The playbook's top-level schema (strict): hosts, serial, failure limits, forks, window, failure domains, vars, steps.
import { z } from 'zod';
import { maintenanceWindowSchema } from '../engine/window.js';

const PERCENT = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/;

function toCountOrPercent(v: unknown, min: number): number | `${number}%` | undefined {
  if (typeof v === 'number' && Number.isInteger(v) && v >= min) return v;
  if (typeof v === 'string') {
    const m = PERCENT.exec(v);
    const pct = m ? Number(m[1]) : NaN;
    if (pct >= min && pct <= 100) return `${pct}%`;
    if (/^\s*\d+\s*$/.test(v) && Number(v) >= min) return Number(v);
  }
  return undefined;
}

function expectation(what: string, min: number, v: unknown): string {
  return `expected ${what}: a whole number >= ${min} or a percentage "N%" (${min}..100), got ${JSON.stringify(v) ?? 'nothing'}`;
}

/** A count >= min, or "N%" (min..100); normalised to a number or "N%". */
function countOrPercent(what: string, min: number) {
  return z.unknown().transform((v, ctx): number | `${number}%` => {
    const out = toCountOrPercent(v, min);
    if (out !== undefined) return out;
    ctx.addIssue({ code: 'custom', message: expectation(what, min, v) });
    return z.NEVER;
  });
}

/** The batch sizes to use: fixed counts or percentages, or "auto" (src/engine/auto-batches.ts: from the room Placement reports). */
export type SerialSetting = (number | `${number}%`)[] | 'auto';

/** One value, or a list whose last value repeats (Ansible's serial), normalised to a list; or the word auto. */
export const serialSchema = z.unknown().transform((v, ctx): SerialSetting => {
  if (v === 'auto') return 'auto';
  const list = Array.isArray(v) ? v : [v];
  if (list.length === 0) ctx.addIssue({ code: 'custom', message: 'expected at least one batch size in the list' });
  const out = list.map((item, i) => {
    const n = toCountOrPercent(item, 1);
    if (n === undefined) ctx.addIssue({ code: 'custom', message: expectation('a batch size', 1, item), path: Array.isArray(v) ? [i] : [] });
    return n ?? 1;
  });
  return out;
});

export const FAILURE_DOMAINS = ['availability_zone', 'aggregate'] as const;
export type FailureDomain = (typeof FAILURE_DOMAINS)[number];

export const playbookSchema = z.strictObject({
  name: z.string().min(1, 'expected a non-empty name'),
  /** A host pattern (or a list of them), as in Ansible's hosts:. */
  hosts: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).default('all'),
  cloud: z.string().min(1).optional(),
  serial: serialSchema.optional(),
  max_fail_percentage: z.number().min(0).max(100).optional(),
  failure_budget: countOrPercent('a failure budget', 0).optional(),
  forks: z.number().int().min(1).max(10_000).default(5),
  window: maintenanceWindowSchema.optional(),
  failure_domains: z
    .array(z.enum(FAILURE_DOMAINS))
    .refine((l) => new Set(l).size === l.length, 'expected each failure domain at most once')
    .default([]),
  /** inventory: hosts roll in the inventory's order; room: the hosts with the least to move first (src/engine/rollout-order.ts). */
  rollout_order: z.enum(['inventory', 'room']).default('inventory'),
  vars: z.record(z.string(), z.unknown()).default({}),
  steps: z.array(z.unknown()).min(1, 'expected at least one step'),
});

export type PlaybookDocument = z.output<typeof playbookSchema>;
