// Rehearsal durations a playbook may carry in `vars: { rehearse: {...} }`; the command line overrides them.
import { z } from 'zod';
import { duration } from '../steps/params.js';
import { validateYamlFile } from '../util/yaml-validate.js';
import type { DurationSettings } from './durations.js';

/**
 * Under `vars`, which the playbook schema leaves free, so a playbook can say how long its fleet boots, migrates and
 * updates without a new top-level key. Errors name the playbook file, line, column and field (vars.rehearse.boot).
 */
export const rehearseVars = z.strictObject({
  boot: duration.optional(),
  migration: duration.optional(),
  migration_per_gb: duration.optional(),
  update: duration.optional(),
  check_update: duration.optional(),
  gather: duration.optional(),
  command: duration.optional(),
  connect: duration.optional(),
  api: duration.optional(),
  restart: duration.optional(),
  spread: z.number().min(0).max(0.99).optional(),
  seed: z.number().int().optional(),
});

const playbookWithRehearse = z.looseObject({ vars: z.looseObject({ rehearse: rehearseVars.optional() }).optional() });

const KEYS: Record<keyof z.infer<typeof rehearseVars>, keyof DurationSettings> = {
  boot: 'bootMs', migration: 'migrationMs', migration_per_gb: 'migrationPerGbMs', update: 'packageUpdateMs', check_update: 'checkUpdateMs',
  gather: 'gatherMs', command: 'commandMs', connect: 'connectMs', api: 'apiMs', restart: 'serviceRestartMs', spread: 'spread', seed: 'seed',
};

export async function playbookDurations(file: string): Promise<Partial<DurationSettings>> {
  const doc = await validateYamlFile(file, playbookWithRehearse);
  const vars = doc.vars?.rehearse ?? {};
  const out: Partial<Record<keyof DurationSettings, number>> = {};
  for (const [k, v] of Object.entries(vars)) if (v !== undefined) out[KEYS[k as keyof typeof KEYS]] = v;
  return out as Partial<DurationSettings>;
}
