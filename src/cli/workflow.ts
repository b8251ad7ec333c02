// Runs a playbook in plan or apply mode: loads and validates everything first, then connects, runs, reports.
import { Fleet } from '../engine/fleet.js';
import type { PlannedStep } from '../engine/host-runner.js';
import { runFleet } from '../engine/runner.js';
import type { HostFacts } from '../facts/types.js';
import { withServerSnapshot } from '../openstack/server-snapshot.js';
import { loadPlaybook, type Playbook } from '../playbook/index.js';
import { attachConsoleReporter } from '../report/console.js';
import { writeReports } from '../report/index.js';
import type { Report } from '../report/model.js';
import { writeFileAtomic } from '../state/atomic-write.js';
import { StateStore } from '../state/store.js';
import type { DrainParams } from '../steps/drain.js';
import { STEP_BY_ID, stepSchemas } from '../steps/registry.js';
import { guestsParams } from '../steps/guests.js';
import type { UpdatePackagesParams } from '../steps/update-packages.js';
import { verifyParams } from '../steps/verify.js';
import type { CommonOptions, ReportOptions } from './common-options.js';
import { EXIT } from './exit-codes.js';
import { refreshGuestLists } from './guests-refresh.js';
import { COLOUR, PLAIN, reportLines } from './print-report.js';
import { ReportBuilder } from './report-builder.js';
import { buildSavedPlan, driftBetween, fingerprint, loadSavedPlan, PlanDriftError, type HostFingerprint, type SavedPlan } from './saved-plan.js';
import { makeGatherFacts, openSession, packagesToQuery } from './session.js';
import { loadTargets } from './targets.js';

export interface WorkflowOptions extends CommonOptions, ReportOptions {
  serial?: (number | string)[];
  maxFailPercentage?: number;
  out?: string;
  plan?: string;
  yes?: boolean;
}

const NOVA_STEPS = new Set(['drain', 'reboot', 'restore', 'guests']);

export function colourWanted(opts: CommonOptions, stream: NodeJS.WriteStream): boolean {
  return opts.color !== false && !process.env['NO_COLOR'] && stream.isTTY === true;
}

export function exitCodeOf(report: Report, cancelled: boolean): number {
  const s = report.summary;
  if (cancelled) return EXIT.INTERRUPTED;
  if (s.failed > 0) return EXIT.FAILED;
  if (s.unreachable > 0) return EXIT.UNREACHABLE;
  if (report.kind === 'plan' && s.wouldChange > 0) return EXIT.CHANGES;
  if (report.kind === 'sweep' && s.drift > 0) return EXIT.CHANGES;
  return EXIT.OK;
}

function minimumsOf(pb: Playbook): Record<string, Record<string, string>> | undefined {
  const step = pb.steps.find((s) => s.id === 'update-packages' || s.id === 'verify');
  return (step?.params as Partial<UpdatePackagesParams> | undefined)?.minimums;
}

/** A sweep is a plan of the read-only checks only: verify and the guests list, with the playbook's minimums. */
function sweepSteps(playbook: Playbook): PlannedStep[] {
  const minimums = minimumsOf(playbook);
  return [
    { step: STEP_BY_ID.get('verify')!, params: verifyParams.parse(minimums ? { minimums } : {}) },
    { step: STEP_BY_ID.get('guests')!, params: guestsParams.parse({}) },
  ];
}

export interface SweepHooks {
  /** Adds the trend and records the sweep in the history before the report is written; an interrupted sweep is not recorded. */
  beforeWrite(report: Report, interrupted: boolean): Promise<void>;
}

export async function executePlaybook(mode: 'apply' | 'plan', playbookPath: string, opts: WorkflowOptions, sweep?: SweepHooks): Promise<number> {
  const playbook = await loadPlaybook(playbookPath, stepSchemas());
  const targets = await loadTargets(opts, playbook.hosts, playbook.hostsLocation);
  const saved: SavedPlan | null = opts.plan ? await loadSavedPlan(opts.plan) : null;
  const steps: PlannedStep[] = sweep ? sweepSteps(playbook) : playbook.steps.map((s) => ({ step: STEP_BY_ID.get(s.id)!, params: s.params }));
  const drainParams = playbook.steps.find((s) => s.id === 'drain')?.params as DrainParams | undefined;
  // A sweep reads Nova only to name guests; it works without a cloud too.
  const needNova = sweep ? true : playbook.steps.some((s) => NOVA_STEPS.has(s.id));

  const session = await openSession(opts, {
    settings: targets.settings, cloud: playbook.cloud, needNova, lock: mode === 'apply',
    onWarning: (m) => process.stderr.write(`warning: ${m}\n`),
  });
  if (needNova && !session.nova && !sweep) {
    await session.close();
    throw new Error('this playbook talks to Nova (drain, reboot, restore, guests) but no cloud is configured: use --cloud, the playbook\'s cloud:, OS_CLOUD with a clouds.yaml, or the OS_* variables of an openrc');
  }
  try {
    const kind = sweep ? 'sweep' : mode === 'plan' ? 'plan' : 'run';
    const builder = new ReportBuilder(kind, session.runId, playbookPath, targets.hosts);
    builder.listen(session.events);
    const prints = new Map<string, HostFingerprint>();
    const gather = makeGatherFacts(packagesToQuery(minimumsOf(playbook)), (h, f) => builder.recordFacts(h, f));
    // Only a host's first gather is compared with the plan: later gathers see the changes this run made itself.
    const fingerprinted = new Set<string>();
    const movedByRun = new Set<string>();
    if (saved) {
      session.events.on('step-end', (e) => {
        if (e.step !== 'drain') return;
        for (const c of e.diff?.changes ?? []) {
          const id = (c.data as { serverId?: unknown } | undefined)?.serverId;
          if (typeof id === 'string') movedByRun.add(id);
        }
      });
    }
    const gatherFacts: typeof gather = async (transport, host, signal) => {
      const facts: HostFacts = await gather(transport, host, signal);
      if (((mode === 'plan' && !sweep) || saved) && !fingerprinted.has(host.name)) {
        fingerprinted.add(host.name);
        const ids = session.nova ? (await session.nova.listServers({ host: host.novaHost })).map((s) => s.id) : null;
        const now = fingerprint(facts, ids);
        if (mode === 'plan') prints.set(host.name, now);
        if (saved) {
          const planned = saved.hosts[host.name]?.fingerprint;
          if (!planned) throw new PlanDriftError(host.name, ['the host is not in the plan']);
          const drift = driftBetween(planned, now, movedByRun);
          if (drift.length) throw new PlanDriftError(host.name, drift);
        }
      }
      return facts;
    };
    const colour = colourWanted(opts, process.stdout);
    // A plan prints its own per-host report at the end; on a pipe the progress lines would only say it twice.
    const reporter = mode === 'plan' && !process.stdout.isTTY ? null : attachConsoleReporter(session.events, { stream: process.stdout, colour });
    const summary = await runFleet({
      runId: session.runId, hosts: targets.hosts, steps, mode,
      forks: opts.forks ?? playbook.forks,
      // A sweep changes nothing: rolling batches would only serialise it, and one unreachable host must not stop the others.
      ...(!sweep && (opts.serial ?? playbook.serial) ? { serial: (opts.serial ?? playbook.serial) as never } : {}),
      maxFailPercentage: sweep ? null : opts.maxFailPercentage ?? playbook.maxFailPercentage ?? null,
      failureBudget: sweep ? null : playbook.failureBudget ?? null,
      transportFactory: session.transportFactory, gatherFacts,
      nova: sweep && session.nova ? withServerSnapshot(session.nova) : session.nova,
      fleet: new Fleet({
        migrationSlots: drainParams?.parallel_fleet ?? 10,
        failureDomainKeys: playbook.failureDomains,
        ...(playbook.window ? { window: playbook.window } : {}),
      }),
      state: await StateStore.open(opts.stateDir),
      playbook: playbookPath, logger: session.logger, events: session.events, cancel: session.cancel,
    });
    reporter?.close();
    const report = builder.finish();
    if (mode === 'apply' && !sweep && session.nova && summary.cancel === null && steps.some((s) => s.step.id === 'guests')) {
      await refreshGuestLists(report, {
        hosts: targets.hosts, transportFactory: session.transportFactory, gatherFacts: gather, nova: session.nova,
        forks: opts.forks ?? playbook.forks, signal: session.cancel.hard,
        warn: (host, message) => {
          session.logger.warn({ host }, message);
          report.hosts.find((h) => h.name === host)?.warnings.push(message);
        },
      });
    }
    const interrupted = summary.cancel !== null;
    if (sweep) await sweep.beforeWrite(report, interrupted);
    if (mode === 'plan') process.stdout.write(`\n${reportLines(report, colour ? COLOUR : PLAIN).join('\n')}\n`);
    // An interrupted sweep shows the hosts it never reached as not compliant: keep the last complete sweep's files
    // (a textfile of zeros on every `systemctl stop` would page someone).
    const written = sweep && interrupted ? []
      : await writeReports(report, { json: opts.json, junit: opts.junit, html: opts.html, markdown: opts.markdown, prometheus: opts.prometheus });
    if (mode === 'plan' && !sweep && opts.out) {
      // A saved plan vouches for every host in it; one cut short would send `run --plan` off with holes in it.
      if (interrupted) process.stdout.write(`plan interrupted: ${opts.out} not written\n`);
      else {
        await writeFileAtomic(opts.out, `${JSON.stringify(buildSavedPlan(report, prints), null, 2)}\n`);
        written.push(opts.out);
      }
    }
    for (const w of written) process.stdout.write(`wrote ${w}\n`);
    process.stdout.write(`log: ${session.logPath}\n`);
    return exitCodeOf(report, interrupted);
  } finally {
    await session.close();
  }
}


