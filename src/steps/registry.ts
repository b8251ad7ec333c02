// The workflow's steps by id, in Red Hat's order; a playbook names them and the runner runs them in the playbook's order.
import type { z } from 'zod';
import { cpuFlags } from './cpu-flags.js';
import { drain } from './drain.js';
import { guests } from './guests.js';
import type { Minimums } from './params.js';
import { reboot } from './reboot.js';
import { restore } from './restore.js';
import type { PlannedStep, Step } from './types.js';
import { updatePackages } from './update-packages.js';
import { verify } from './verify.js';

export const STEPS: readonly Step<any>[] = [updatePackages, drain, cpuFlags, reboot, verify, restore, guests];

export const STEP_BY_ID: ReadonlyMap<string, Step<any>> = new Map(STEPS.map((s) => [s.id, s]));

export function stepSchemas(): Record<string, z.ZodType> {
  return Object.fromEntries(STEPS.map((s) => [s.id, s.params]));
}

export type { PlannedStep } from './types.js';

/** The playbook's steps as the registry knows them; the loader has already checked every id. */
export function plannedSteps(steps: readonly { id: string; params: unknown }[]): PlannedStep[] {
  return steps.map((s) => {
    const step = STEP_BY_ID.get(s.id);
    if (!step) throw new Error(`unknown step ${s.id}`);
    return { step, params: s.params };
  });
}

/** The minimum package versions the playbook names (the first step that names any). */
export function playbookMinimums(steps: readonly PlannedStep[]): Minimums | undefined {
  for (const { step, params } of steps) {
    const mins = step.minimums?.(params);
    if (mins) return mins;
  }
  return undefined;
}

/** A sweep: every read-only step, with the params it takes from the playbook. */
export function sweepSteps(playbook: readonly PlannedStep[]): PlannedStep[] {
  const minimums = playbookMinimums(playbook);
  return STEPS.filter((s) => s.sweep).map((step) => ({ step, params: step.sweep!({ minimums, own: playbook.find((p) => p.step.id === step.id)?.params }) }));
}

/** The playbook steps that need Nova, empty when none does. */
export function stepsNeedingNova(steps: readonly PlannedStep[]): string[] {
  return steps.filter((s) => s.step.needsNova).map((s) => s.step.id);
}

/** Fleet-wide live-migration slots: the first step that declares them, else the default. */
export function migrationSlotsOf(steps: readonly PlannedStep[], fallback: number): number {
  for (const { step, params } of steps) {
    const n = step.migrationSlots?.(params);
    if (n !== undefined) return n;
  }
  return fallback;
}
