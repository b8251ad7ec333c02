// Parsing and checking of command-line option values shared by the verbs (each bad value names the option).
import { OrchestratorError } from '../util/errors.js';

export class UsageError extends OrchestratorError {
  constructor(message: string) {
    super('E_USAGE', message);
  }
}

export function intOption(name: string, min: number, max: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value)) throw new UsageError(`${name}: expected a whole number, got ${JSON.stringify(value)}`);
    const n = Number(value);
    if (n < min || n > max) throw new UsageError(`${name}: expected ${min} to ${max}, got ${n}`);
    return n;
  };
}

export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** --serial takes what the playbook's serial takes: "5", "20%", or "1,5,20%". */
export function serialOption(value: string): (number | string)[] {
  const parts = value.split(',').map((p) => p.trim());
  for (const p of parts) {
    if (!/^\d+%?$/.test(p) || /^0+%?$/.test(p)) throw new UsageError(`--serial: expected counts or percentages such as 1,5,20% — got ${JSON.stringify(p)}`);
  }
  return parts.map((p) => (p.endsWith('%') ? p : Number(p)));
}

export function percentOption(name: string) {
  return (value: string): number => {
    const n = Number(value.replace(/%$/, ''));
    if (!Number.isFinite(n) || n < 0 || n > 100) throw new UsageError(`${name}: expected a percentage from 0 to 100, got ${JSON.stringify(value)}`);
    return n;
  };
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export function logLevelOption(value: string): (typeof LOG_LEVELS)[number] {
  if (!(LOG_LEVELS as readonly string[]).includes(value)) throw new UsageError(`--log-level: expected one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(value)}`);
  return value as (typeof LOG_LEVELS)[number];
}

export const HOST_KEY_POLICIES = ['strict', 'accept-new', 'off'] as const;
export function hostKeyPolicyOption(value: string): (typeof HOST_KEY_POLICIES)[number] {
  if (!(HOST_KEY_POLICIES as readonly string[]).includes(value)) throw new UsageError(`--host-key-checking: expected strict, accept-new or off, got ${JSON.stringify(value)}`);
  return value as (typeof HOST_KEY_POLICIES)[number];
}
