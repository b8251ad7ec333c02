// Test helper: a small step-params registry shaped like the real one (strict objects, durations, minimums).
import { z } from 'zod';
import { duration, minimums } from '../../../src/steps/params.js';

export const STEP_SCHEMAS = {
  'update-packages': z.strictObject({ minimums }),
  drain: z.strictObject({ migration_timeout: duration.default(900_000), parallel_per_host: z.number().int().min(1).default(2) }),
  'cpu-flags': z.strictObject({}),
  reboot: z.strictObject({ timeout: duration.default(900_000), stable_for: duration.default(10_000) }),
  restore: z.strictObject({}),
  guests: z.strictObject({ cold_boot: z.boolean().default(false), allow: z.array(z.string()).default([]) }),
};
