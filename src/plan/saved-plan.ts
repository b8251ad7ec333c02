// The plan file of `plan --out`, and the drift check of `run --plan`: a host whose facts changed since the plan is refused.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { HostFacts } from '../facts/types.js';
import type { Report } from '../report/model.js';
import { RefusedError } from '../steps/errors.js';
import { ConfigError } from '../util/errors.js';

export const PLAN_SCHEMA_VERSION = 1;

/** What must not have changed for a reviewed plan to still hold. */
export interface HostFingerprint {
  kernelRunning: string;
  bootId: string;
  novaConfSha256: string | null;
  packages: Record<string, string[]>;
  /** Instance ids Nova places on the host, sorted; null when Nova was not asked. */
  instances: string[] | null;
}

export interface SavedPlan {
  schemaVersion: typeof PLAN_SCHEMA_VERSION;
  kind: 'mds-orchestrate-plan';
  runId: string;
  playbook: string | null;
  /** SHA-256 of the playbook file the plan was made from; absent in plans written before it was recorded. */
  playbookSha256?: string;
  createdAt: string;
  hosts: Record<string, { fingerprint: HostFingerprint | null; steps: { id: string; changes: string[] }[] }>;
}

/** A host that changed since its plan was reviewed is left untouched: a refusal, like any other safety check's. */
export class PlanDriftError extends RefusedError {
  constructor(host: string, drift: string[]) {
    super(`refused: the host changed since the plan was made (${drift.join('; ')}); make a new plan`, { host });
  }
}

export function fingerprint(facts: HostFacts, instances: string[] | null): HostFingerprint {
  const packages: Record<string, string[]> = {};
  for (const [name, list] of Object.entries(facts.packages)) {
    packages[name] = list.map((p) => `${p.epoch ?? '0'}:${p.version}-${p.release ?? ''}.${p.arch}`).sort();
  }
  return {
    kernelRunning: facts.kernelRunning,
    bootId: facts.bootId,
    novaConfSha256: facts.novaConf === null ? null : createHash('sha256').update(facts.novaConf).digest('hex'),
    packages,
    instances: instances ? [...instances].sort() : null,
  };
}

/**
 * Human lines naming what drifted; empty when the host is as planned. `movedByRun`: instances this run's own drains
 * live-migrated; one of them arriving on a later host is the rollout at work, not drift.
 */
export function driftBetween(planned: HostFingerprint, now: HostFingerprint, movedByRun: ReadonlySet<string> = new Set()): string[] {
  const out: string[] = [];
  if (planned.kernelRunning !== now.kernelRunning) out.push(`running kernel ${planned.kernelRunning} -> ${now.kernelRunning}`);
  else if (planned.bootId !== now.bootId) out.push('the host rebooted');
  if (planned.novaConfSha256 !== now.novaConfSha256) out.push('nova.conf changed');
  const names = new Set([...Object.keys(planned.packages), ...Object.keys(now.packages)]);
  for (const n of names) {
    if ((planned.packages[n] ?? []).join() !== (now.packages[n] ?? []).join()) out.push(`package ${n} changed`);
  }
  if (planned.instances && now.instances) {
    const gone = planned.instances.filter((i) => !now.instances!.includes(i));
    const added = now.instances.filter((i) => !planned.instances!.includes(i) && !movedByRun.has(i));
    if (gone.length || added.length) {
      out.push(`instances changed (${[gone.length ? `gone: ${gone.join(', ')}` : '', added.length ? `new: ${added.join(', ')}` : ''].filter(Boolean).join('; ')})`);
    }
  }
  return out;
}

/** The digest a plan keeps of its playbook: `run --plan` with another playbook (or this one edited) is refused. */
export function playbookDigest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function buildSavedPlan(report: Report, prints: Map<string, HostFingerprint>, playbookSha256?: string): SavedPlan {
  const hosts: SavedPlan['hosts'] = {};
  for (const h of report.hosts) {
    hosts[h.name] = { fingerprint: prints.get(h.name) ?? null, steps: h.steps.map((s) => ({ id: s.id, changes: s.changes.map((c) => c.summary) })) };
  }
  return {
    schemaVersion: PLAN_SCHEMA_VERSION, kind: 'mds-orchestrate-plan', runId: report.runId, playbook: report.playbook,
    ...(playbookSha256 ? { playbookSha256 } : {}), createdAt: report.finishedAt, hosts,
  };
}

export async function loadSavedPlan(path: string): Promise<SavedPlan> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new ConfigError({ file: path }, undefined, `not a readable plan file: ${err instanceof Error ? err.message : String(err)}`);
  }
  const p = parsed as Partial<SavedPlan>;
  if (p.kind !== 'mds-orchestrate-plan' || p.schemaVersion !== PLAN_SCHEMA_VERSION || typeof p.hosts !== 'object' || p.hosts === null) {
    throw new ConfigError({ file: path }, 'kind', `expected a plan written by 'mds-orchestrate plan --out' (schemaVersion ${PLAN_SCHEMA_VERSION})`);
  }
  return p as SavedPlan;
}
