// `rehearse PLAYBOOK`: the playbook's rollout on a simulated fleet (a lab's, or the real one's with -i) on a virtual clock.
import { writeFile } from 'node:fs/promises';
import type { DurationSettings } from '../../rehearse/durations.js';
import { rehearsalLines } from '../../rehearse/format.js';
import { hostsNotDone } from '../../rehearse/recorder.js';
import { rehearse } from '../../rehearse/rehearse.js';
import { parseDurationMs } from '../../steps/params.js';
import { EXIT } from '../exit-codes.js';
import { UsageError } from '../options.js';
import type { WorkflowOptions } from '../prepare.js';
import { rehearseInventory, seedLines } from '../rehearse-inventory.js';
import { seededHosts } from '../../rehearse/seed-from-plan.js';

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

/** Only the durations given on the command line: they override the playbook's `vars.rehearse`, which overrides the lab's. */
export function durationSettings(opts: Record<string, unknown>): Partial<DurationSettings> {
  const out: Partial<DurationSettings> = {};
  const flags: [string, string, keyof DurationSettings][] = [
    ['boot', '--boot', 'bootMs'], ['migration', '--migration', 'migrationMs'], ['migrationPerGb', '--migration-per-gb', 'migrationPerGbMs'],
    ['update', '--update', 'packageUpdateMs'], ['checkUpdate', '--check-update', 'checkUpdateMs'], ['gather', '--gather', 'gatherMs'],
    ['command', '--command', 'commandMs'], ['connect', '--connect', 'connectMs'], ['api', '--api', 'apiMs'], ['restart', '--restart', 'serviceRestartMs'],
  ];
  for (const [key, flag, field] of flags) {
    const ms = durationOpt(opts, key, flag);
    if (ms !== undefined) (out as Record<string, number>)[field] = ms;
  }
  const spread = fraction(opts['spread'], '--spread', 0.99);
  if (spread !== undefined) out.spread = spread;
  if (opts['seed'] !== undefined) {
    const seed = Number(opts['seed']);
    if (!Number.isInteger(seed)) throw new UsageError(`--seed: expected a whole number, got ${JSON.stringify(opts['seed'])}`);
    out.seed = seed;
  }
  return out;
}

export async function rehearseCommand(playbook: string, opts: Record<string, unknown>): Promise<number> {
  const start = opts['start'] === undefined ? undefined : Date.parse(String(opts['start']));
  if (start !== undefined && Number.isNaN(start)) throw new UsageError(`--start: expected an ISO date and time such as 2026-12-12T22:00:00Z, got ${JSON.stringify(opts['start'])}`);
  if (opts['inventory'] !== undefined) {
    for (const [key, flag] of [['hosts', '--hosts'], ['instances', '--instances'], ['config', '--config'], ['spare', '--spare']] as const) {
      if (opts[key] !== undefined) throw new UsageError(`${flag} and -i exclude each other (the fleet is read from the inventory and its cloud)`);
    }
    const seeded = await rehearseInventory(playbook, opts as unknown as WorkflowOptions, {
      durations: durationSettings(opts),
      ...(opts['serial'] !== undefined ? { serial: opts['serial'] as (number | string)[] | 'auto' } : {}),
      ...(opts['forks'] !== undefined ? { forks: opts['forks'] as number } : {}),
      ...(start !== undefined ? { startMs: start } : {}),
      ...(opts['withPlan'] ? { withPlan: true } : {}),
    });
    if (seeded === null) {
      process.stderr.write('mds-orchestrate: interrupted while reading the fleet: nothing rehearsed\n');
      return EXIT.FAILED;
    }
    const { seed } = seeded;
    const json = { seed: { counts: seed.counts, hosts: seededHosts(seed), leftOut: seed.leftOut, notes: seed.notes, durations: seeded.durationSource }, ...seeded.result };
    await printResult(opts['json'], [...seedLines(seeded), ...rehearsalLines(seeded.result)], json);
    // An ETA that leaves hosts out is not the whole rollout's: the exit says so as well as the text.
    return hostsNotDone(seeded.result.outcome) > 0 || seeded.result.audit.length > 0 || seed.leftOut.length > 0 ? EXIT.FAILED : EXIT.OK;
  }
  // Options that only mean something with a real fleet are refused without one, not silently ignored.
  for (const [key, flag] of [['limit', '--limit'], ['cloud', '--cloud'], ['insecure', '--insecure'], ['knownHosts', '--known-hosts'], ['hostKeyChecking', '--host-key-checking'], ['sshConfig', '--ssh-config'], ['logFile', '--log-file']] as const) {
    if (opts[key] !== undefined) throw new UsageError(`${flag} needs -i INVENTORY (it applies to the real fleet rehearse -i reads)`);
  }
  if (opts['config'] !== undefined && opts['hosts'] !== undefined) throw new UsageError('--hosts and --config exclude each other (the description lists its hosts)');
  const result = await rehearse({
    playbook,
    durations: durationSettings(opts),
    ...(opts['hosts'] !== undefined ? { hosts: opts['hosts'] as number } : {}),
    ...(opts['instances'] !== undefined ? { instances: opts['instances'] as number } : {}),
    ...(opts['config'] !== undefined ? { config: String(opts['config']) } : {}),
    ...(opts['spare'] !== undefined ? { spare: fraction(opts['spare'], '--spare', 0.99)! } : {}),
    ...(opts['serial'] !== undefined ? { serial: opts['serial'] as (number | string)[] | 'auto' } : {}),
    ...(opts['withPlan'] === true ? { knownUndrained: true } : {}),
    ...(opts['forks'] !== undefined ? { forks: opts['forks'] as number } : {}),
    ...(start !== undefined ? { startMs: start } : {}),
  });
  await printResult(opts['json'], rehearsalLines(result), result);
  return hostsNotDone(result.outcome) > 0 || result.audit.length > 0 ? EXIT.FAILED : EXIT.OK;
}

/** The text, or the JSON to stdout ('-') instead, or the text and the JSON to a file. */
async function printResult(json: unknown, lines: string[], data: unknown): Promise<void> {
  if (json === '-') {
    process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
    return;
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  if (typeof json === 'string') {
    await writeFile(json, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
    process.stdout.write(`wrote ${json}\n`);
  }
}
