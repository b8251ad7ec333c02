// Parsing and checking of command-line option values shared by the verbs (each bad value names the option).
import { parseDurationMs } from '../util/duration.js';
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
export function serialOption(value: string): (number | string)[] | 'auto' {
  if (value.trim() === 'auto') return 'auto';
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

/**
 * --state-dir: an empty value would resolve to the working directory, a state directory no cron job or other run shares
 * (and status would read whatever is there): a usage error, as a missing value is.
 */
export function stateDirOption(value: string): string {
  if (value.trim() === '') throw new UsageError(`--state-dir: expected a directory, got ${JSON.stringify(value)}`);
  return value;
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

/** Cron fields of a --schedule: 5 is minute-level; 6 or 7 (croner's seconds, and a year) can fire every second. */
export function cronFields(expr: string): number {
  return expr.trim().startsWith('@') ? 5 : expr.trim().split(/\s+/).length;
}

/** --schedule: checked for its form here; the expression itself by croner when the sweep starts. */
export function cronOption(value: string): string {
  const n = cronFields(value);
  if (n < 5 || n > 7) throw new UsageError(`--schedule: ${JSON.stringify(value)} is not a cron expression of 5 fields (minute hour day-of-month month day-of-week): it has ${n}`);
  return value;
}

/** "90d", "12w", "36h", "30m" (or what parseDurationMs takes) → milliseconds; for ages, so days and weeks too. */
export function durationOption(name: string) {
  return (value: string): number => {
    const m = /^\s*(\d+)\s*(d|w)\s*$/.exec(value);
    const ms = m ? Number(m[1]) * (m[2] === 'w' ? 7 : 1) * 86_400_000 : parseDurationMs(value);
    if (ms === null || ms <= 0) throw new UsageError(`${name}: expected an age such as 90d, 12w or 36h, got ${JSON.stringify(value)}`);
    return ms;
  };
}
