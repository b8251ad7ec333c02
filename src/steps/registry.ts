// The workflow's steps by id, in Red Hat's order; a playbook names them and the runner runs them in the playbook's order.
import type { z } from 'zod';
import { cpuFlags, planNovaConfEdit, type CpuFlagsParams } from './cpu-flags.js';
import { drain } from './drain.js';
import { guests } from './guests.js';
import { projectNovaConfEdit, projectPackageUpdates } from './projections.js';
import { reboot } from './reboot.js';
import { restore } from './restore.js';
import type { Step } from './types.js';
import { updatePackages } from './update-packages.js';
import { verify } from './verify.js';

export const STEPS: readonly Step<any>[] = [
  { ...updatePackages, project: projectPackageUpdates },
  drain,
  { ...cpuFlags, project: (facts, diff, params: CpuFlagsParams) => projectNovaConfEdit(facts, diff, (f) => planNovaConfEdit(f, params.flag)?.after ?? null) },
  reboot,
  verify,
  restore,
  guests,
];

export const STEP_BY_ID: ReadonlyMap<string, Step<any>> = new Map(STEPS.map((s) => [s.id, s]));

export function stepSchemas(): Record<string, z.ZodType> {
  return Object.fromEntries(STEPS.map((s) => [s.id, s.params]));
}
