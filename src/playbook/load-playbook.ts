// loadPlaybook(): read, validate (zod, strict), interpolate vars into step params and validate each step's params.
import type { z } from 'zod';
import type { MaintenanceWindow } from '../engine/window.js';
import { ConfigError } from '../util/errors.js';
import type { SourceLocation } from '../util/errors.js';
import { formatPath, locate, nodeAt, nodeLocation } from '../util/yaml-positions.js';
import type { ParsedYaml } from '../util/yaml-positions.js';
import { parseYamlOrThrow, readConfigFile, throwCollected } from '../util/yaml-validate.js';
import { describeValue, issuesToConfigErrors } from '../util/zod-issues.js';
import { Interpolator } from './interpolate.js';
import { playbookSchema } from './schema.js';
import type { FailureDomain, SerialSetting } from './schema.js';

export type StepSchemas = Readonly<Record<string, z.ZodType>>;

export interface PlaybookStep {
  id: string;
  /** Params after vars interpolation and the step's own schema (defaults applied, durations in ms, ...). */
  params: unknown;
  location: SourceLocation;
}

export interface Playbook {
  file: string;
  name: string;
  /** Host pattern (a list in the file is joined with ","). */
  hosts: string;
  /** Where `hosts:` was written, for "pattern matches nothing" errors. */
  hostsLocation: SourceLocation;
  cloud?: string;
  /** Batch sizes: counts or "N%"; the last repeats. Absent = one batch of every host. */
  serial?: SerialSetting;
  maxFailPercentage?: number;
  failureBudget?: number | `${number}%`;
  forks: number;
  window?: MaintenanceWindow;
  failureDomains: FailureDomain[];
  /** The order hosts enter the rollout (`rollout_order`). */
  rolloutOrder: 'inventory' | 'room';
  vars: Record<string, unknown>;
  steps: PlaybookStep[];
}

function stepEntry(parsed: ParsedYaml, raw: unknown, i: number, known: string[]): { id: string; params: unknown } | ConfigError {
  const at = locate(parsed, ['steps', i]);
  const field = formatPath(['steps', i]);
  const expected = `expected a step such as "- drain: {...}" (one key: the step id; known steps: ${known.join(', ')})`;
  if (typeof raw === 'string') return { id: raw, params: {} };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return new ConfigError(at, field, `${expected}, got ${describeValue(raw)}`);
  const keys = Object.keys(raw);
  if (keys.length !== 1) {
    const where = keys.length > 1 ? locate(parsed, ['steps', i, keys[1]!], { atKey: true }) : at;
    return new ConfigError(where, field, `${expected}; got ${keys.length} keys (${keys.join(', ')}): write each step as its own list item`);
  }
  const id = keys[0]!;
  return { id, params: (raw as Record<string, unknown>)[id] ?? {} };
}

/** Validates an already-read playbook text (the file name is used in messages only). */
export function parsePlaybook(text: string, file: string, stepSchemas: StepSchemas): Playbook {
  const { parsed, data } = parseYamlOrThrow(text, file);
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError(nodeLocation(parsed, parsed.doc.contents), undefined, `expected a playbook mapping (name:, hosts:, steps: ...), got ${describeValue(data)}`);
  }
  const top = playbookSchema.safeParse(data);
  const errors = top.success ? [] : issuesToConfigErrors(top.error.issues, parsed, data, { schema: playbookSchema });
  const rawVars = (data as Record<string, unknown>)['vars'];
  const interp = new Interpolator(rawVars !== null && typeof rawVars === 'object' && !Array.isArray(rawVars) ? (rawVars as Record<string, unknown>) : {});
  interp.resolveAll();

  const steps: PlaybookStep[] = [];
  const rawSteps = (data as Record<string, unknown>)['steps'];
  const known = Object.keys(stepSchemas);
  if (Array.isArray(rawSteps)) {
    rawSteps.forEach((raw, i) => {
      const entry = stepEntry(parsed, raw, i, known);
      if (entry instanceof ConfigError) return void errors.push(entry);
      const schema = stepSchemas[entry.id];
      const keyPath = typeof raw === 'string' ? ['steps', i] : ['steps', i, entry.id];
      const location = locate(parsed, keyPath, { atKey: true });
      if (!schema) {
        errors.push(new ConfigError(location, formatPath(keyPath), `unknown step "${entry.id}"; expected one of: ${known.join(', ')}`));
        return;
      }
      const rendered = interp.render(entry.params, keyPath);
      if (!rendered.ok) return;
      const result = schema.safeParse(rendered.value);
      if (result.success) steps.push({ id: entry.id, params: result.data, location });
      else errors.push(...issuesToConfigErrors(result.error.issues, parsed, rendered.value, { schema, basePath: keyPath }));
    });
  }
  for (const p of interp.problems) errors.push(new ConfigError(locate(parsed, p.path), formatPath(p.path), p.problem));
  throwCollected(errors.sort((a, b) => (a.location.line ?? 0) - (b.location.line ?? 0) || (a.location.column ?? 0) - (b.location.column ?? 0)));

  const doc = top.data!;
  const hostsPath = nodeAt(parsed, ['hosts']) ? ['hosts'] : [];
  const pb: Playbook = {
    file,
    name: doc.name,
    hosts: Array.isArray(doc.hosts) ? doc.hosts.join(',') : doc.hosts,
    hostsLocation: locate(parsed, hostsPath),
    forks: doc.forks,
    failureDomains: doc.failure_domains,
    rolloutOrder: doc.rollout_order,
    vars: doc.vars,
    steps,
  };
  if (doc.cloud !== undefined) pb.cloud = doc.cloud;
  if (doc.serial !== undefined) pb.serial = doc.serial;
  if (doc.max_fail_percentage !== undefined) pb.maxFailPercentage = doc.max_fail_percentage;
  if (doc.failure_budget !== undefined) pb.failureBudget = doc.failure_budget;
  if (doc.window !== undefined) pb.window = doc.window;
  return pb;
}

/** Reads and validates a playbook; every problem is reported with file:line:column and the field path. */
export async function loadPlaybook(file: string, stepSchemas: StepSchemas): Promise<Playbook> {
  return parsePlaybook(await readConfigFile(file), file, stepSchemas);
}
