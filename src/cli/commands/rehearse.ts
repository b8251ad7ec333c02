// `rehearse PLAYBOOK`: the playbook's rollout on a simulated fleet and virtual clock; prints makespan, batches, capacity.
import { writeFile } from 'node:fs/promises';
import { LAB_DURATIONS, type DurationSettings } from '../../rehearse/durations.js';
import { rehearsalLines } from '../../rehearse/format.js';
import { rehearse } from '../../rehearse/rehearse.js';
import { parseDurationMs } from '../../steps/params.js';
import { EXIT } from '../exit-codes.js';
import { UsageError } from '../options.js';

function durationOpt(opts: Record<string, unknown>, key: string, flag: string): number | undefined {
  const v = opts[key];
  if (v === undefined) return undefined;
  const ms = parseDurationMs(String(v));
  if (ms === null) throw new UsageError(`${flag}: expected a duration such as 30s, 5m or 250ms, got ${JSON.stringify(v)}`);
  return ms;
}

function fraction(value: unknown, flag: string, max: number): number | undefined {
  if (value === undefined) return undefined;
  const s = String(value);
  const n = s.endsWith('%') ? Number(s.slice(0, -1)) / 100 : Number(s);
  if (!Number.isFinite(n) || n < 0 || n > max) throw new UsageError(`${flag}: expected a fraction such as 0.1 or a percentage such as 10%, got ${JSON.stringify(s)}`);
  return n;
}

export function durationSettings(opts: Record<string, unknown>): DurationSettings {
  const d = (key: string, flag: string, dflt: number): number => durationOpt(opts, key, flag) ?? dflt;
  const seed = opts['seed'] === undefined ? LAB_DURATIONS.seed : Number(opts['seed']);
  if (!Number.isInteger(seed)) throw new UsageError(`--seed: expected a whole number, got ${JSON.stringify(opts['seed'])}`);
  return {
    bootMs: durationOpt(opts, 'boot', '--boot') ?? null,
    migrationMs: durationOpt(opts, 'migration', '--migration') ?? null,
    migrationPerGbMs: d('migrationPerGb', '--migration-per-gb', LAB_DURATIONS.migrationPerGbMs),
    packageUpdateMs: d('update', '--update', LAB_DURATIONS.packageUpdateMs),
    checkUpdateMs: d('checkUpdate', '--check-update', LAB_DURATIONS.checkUpdateMs),
    gatherMs: d('gather', '--gather', LAB_DURATIONS.gatherMs),
    commandMs: d('command', '--command', LAB_DURATIONS.commandMs),
    connectMs: d('connect', '--connect', LAB_DURATIONS.connectMs),
    apiMs: d('api', '--api', LAB_DURATIONS.apiMs),
    serviceRestartMs: d('restart', '--restart', LAB_DURATIONS.serviceRestartMs),
    spread: fraction(opts['spread'], '--spread', 0.99) ?? LAB_DURATIONS.spread,
    seed,
  };
}

export async function rehearseCommand(playbook: string, opts: Record<string, unknown>): Promise<number> {
  if (opts['inventory'] !== undefined) {
    // Seeding the simulation from a real fleet (hosts, instances, flavors, capacity; read-only) is the next step.
    throw new UsageError('rehearse -i INVENTORY (seeding from the real fleet and its cloud) is not implemented yet: use --hosts/--instances or --config');
  }
  if (opts['config'] !== undefined && opts['hosts'] !== undefined) throw new UsageError('--hosts and --config exclude each other (the description lists its hosts)');
  const start = opts['start'] === undefined ? undefined : Date.parse(String(opts['start']));
  if (start !== undefined && Number.isNaN(start)) throw new UsageError(`--start: expected an ISO date and time such as 2026-12-12T22:00:00Z, got ${JSON.stringify(opts['start'])}`);
  const result = await rehearse({
    playbook,
    durations: durationSettings(opts),
    ...(opts['hosts'] !== undefined ? { hosts: opts['hosts'] as number } : {}),
    ...(opts['instances'] !== undefined ? { instances: opts['instances'] as number } : {}),
    ...(opts['config'] !== undefined ? { config: String(opts['config']) } : {}),
    ...(opts['spare'] !== undefined ? { spare: fraction(opts['spare'], '--spare', 0.99)! } : {}),
    ...(opts['serial'] !== undefined ? { serial: opts['serial'] as (number | string)[] } : {}),
    ...(opts['forks'] !== undefined ? { forks: opts['forks'] as number } : {}),
    ...(start !== undefined ? { startMs: start } : {}),
  });
  const json = opts['json'];
  if (json === '-') process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else {
    process.stdout.write(`${rehearsalLines(result).join('\n')}\n`);
    if (typeof json === 'string') {
      await writeFile(json, `${JSON.stringify(result, null, 2)}\n`, { mode: 0o600 });
      process.stdout.write(`wrote ${json}\n`);
    }
  }
  return result.outcome.failed + result.outcome.unreachable + result.outcome.notStarted > 0 || result.audit.length > 0 ? EXIT.FAILED : EXIT.OK;
}
