// Stage 1 of every verb: read and check all input (playbook, inventory, saved plan, cloud) before any lock, log or connection.
import { readFile } from 'node:fs/promises';
import type { CloudConfig } from '../openstack/clouds.js';
import { checkPlanCovers, checkPlanPlaybook } from '../plan/plan-coverage.js';
import { loadSavedPlan, playbookDigest, type SavedPlan } from '../plan/saved-plan.js';
import { loadPlaybook, type Playbook } from '../playbook/index.js';
import { plannedSteps, stepSchemas, stepsNeedingNova, sweepSteps, type PlannedStep } from '../steps/registry.js';
import { ConfigError } from '../util/errors.js';
import { requireCloudForAuto } from '../plan/rollout-shape.js';
import { resolveCloud } from './cloud.js';
import { checkComputeTargets } from './compute-targets.js';
import { prepareConnections, type Connections } from './connections.js';
import type { CommonOptions, ReportOptions } from './common-options.js';
import { loadTargets, type Targets } from './targets.js';

export interface WorkflowOptions extends CommonOptions, ReportOptions {
  serial?: (number | string)[] | 'auto';
  maxFailPercentage?: number;
  out?: string;
  plan?: string;
  /** plan: every host's diff, or the compact view, whatever the fleet's size. */
  full?: boolean;
  compact?: boolean;
  yes?: boolean;
}

export interface Prepared {
  playbookPath: string;
  playbook: Playbook;
  /** What a saved plan records of the playbook, and `run --plan` compares. */
  playbookSha256: string;
  targets: Targets;
  /** The playbook's steps, and the steps this verb runs (a sweep runs the read-only ones). */
  playbookSteps: PlannedStep[];
  steps: PlannedStep[];
  cloud: CloudConfig | null;
  saved: SavedPlan | null;
  connections: Connections;
}

/** A plan or run needs a cloud when one of its steps talks to Nova: said here, naming the step, before anything starts. */
function requireCloud(steps: readonly PlannedStep[], cloud: CloudConfig | null, playbook: Playbook): void {
  const needing = stepsNeedingNova(steps);
  if (needing.length === 0 || cloud) return;
  const at = playbook.steps.find((s) => s.id === needing[0])?.location ?? { file: playbook.file };
  throw new ConfigError(at, 'cloud', `steps ${needing.join(', ')} talk to Nova but no cloud is configured: use --cloud, the playbook's cloud:, OS_CLOUD with a clouds.yaml, or the OS_* variables of an openrc`);
}

export async function preparePlaybook(playbookPath: string, opts: WorkflowOptions, verb: 'plan' | 'run' | 'sweep'): Promise<Prepared> {
  const playbook = await loadPlaybook(playbookPath, stepSchemas());
  const targets = await loadTargets(opts, playbook.hosts, playbook.hostsLocation);
  const saved = opts.plan ? await loadSavedPlan(opts.plan) : null;
  const playbookSha256 = playbookDigest(await readFile(playbookPath, 'utf8'));
  // A plan of another playbook, or one that does not vouch for every selected host, is refused here, not host by host in
  // the middle of the rollout.
  if (saved && opts.plan) {
    checkPlanPlaybook(saved, opts.plan, playbookPath, playbookSha256);
    checkPlanCovers(saved, opts.plan, targets.hosts);
  }
  const playbookSteps = plannedSteps(playbook.steps);
  const steps = verb === 'sweep' ? sweepSteps(playbookSteps) : playbookSteps;
  // Nova is opened only for steps that talk to it; a sweep reads it only to name guests, and works without a cloud too.
  const cloud = verb === 'sweep' || stepsNeedingNova(steps).length ? resolveCloud(opts, playbook.cloud, targets.settings) : null;
  if (verb !== 'sweep') requireCloud(steps, cloud, playbook);
  if (verb !== 'sweep') requireCloudForAuto(opts.serial ?? playbook.serial, cloud !== null, playbook.file);
  const connections = await prepareConnections(opts, targets.settings, cloud);
  // Credentials and rights are checked here, the last input checked, so a wrong password exits 4 before any host is contacted;
  // so is the selection: a host Nova does not run nova-compute on is never updated or rebooted.
  try {
    await connections.preflight();
    if (verb !== 'sweep' && connections.nova && stepsNeedingNova(steps).length) await checkComputeTargets(connections.nova, targets.inventory, targets.hosts);
  } catch (err) {
    connections.close();
    throw err;
  }
  return { playbookPath, playbook, playbookSha256, targets, playbookSteps, steps, cloud, saved, connections };
}
