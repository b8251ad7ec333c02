// The safety invariants every fault scenario must keep, checked against the lab's Nova state, audit and hosts' nova.conf.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { addListItem, readIni } from '../../src/ini/index.js';
import { cli, FAST_PLAYBOOK, type LabHandle } from './lab.js';
import type { LabStateSnapshot as Snapshot } from '../../src/lab/cloud/index.js';


/** Migration states that mean the move did not happen: Nova's error/failed, and cancelled (aborted). */
const CUT = new Set(['error', 'failed', 'cancelled']);

interface AuditEntry { kind: string; host: string; instances: string[]; detail: string }

export interface Baseline {
  active: Set<string>;
  /** Instances already in ERROR before the scenario: the lab seeds none, but a scenario may. */
  error: Set<string>;
  novaConf: Map<string, string | null>;
  operatorDisabled: Map<string, string>;
}

export function novaConfPath(lab: LabHandle, host: string): string {
  // The host's private /etc is an overlay whose upper dir lives in the lab dir: what the host wrote, seen from outside.
  // A Nova host name NAME.localdomain (nova_host_fqdn, TripleO layouts) is the lab host NAME.
  return join(lab.dir, 'hosts', host.replace(/\.localdomain$/, ''), 'etc-upper', 'nova', 'nova.conf');
}

/** The host's nova.conf as the overlay holds it; null when it is missing or not a regular file. */
export function readNovaConf(lab: LabHandle, host: string): string | null {
  const file = novaConfPath(lab, host);
  return existsSync(file) && statSync(file).isFile() ? readFileSync(file, 'utf8') : null;
}

/** Taken right after the lab starts, before any run: what "original" means for the invariants. */
export async function baseline(lab: LabHandle): Promise<Baseline> {
  const s = await lab.labGet<Snapshot>('state');
  const computes = s.services.filter((v) => v.binary === 'nova-compute');
  return {
    active: new Set(s.instances.filter((i) => i.status === 'ACTIVE').map((i) => i.uuid)),
    error: new Set(s.instances.filter((i) => i.status === 'ERROR').map((i) => i.uuid)),
    // A host whose nova.conf is missing or not a file (the nova_conf fault) has no original: the check below is that it stays so.
    novaConf: new Map(computes.map((v) => [v.host, readNovaConf(lab, v.host)])),
    operatorDisabled: new Map(computes.filter((v) => v.status === 'disabled' && v.disabledReason).map((v) => [v.host, v.disabledReason!])),
  };
}

export interface InvariantOptions {
  /**
   * Instances the scenario itself put in another state, or whose live migration it made fail or hang (so the tool's
   * migration of it ended in error or was aborted), by name or uuid.
   */
  accounted?: string[];
  /** Audit kinds the scenario caused from outside (e.g. migration-interrupted when the lab reboots a target). */
  allowAudit?: string[];
  /** Hosts that are down for good in this scenario: their instances must simply not be on them. */
  deadHosts?: string[];
}

/** Asserts every invariant; returns the Nova state for further scenario checks. */
export async function checkInvariants(lab: LabHandle, base: Baseline, opts: InvariantOptions = {}): Promise<Snapshot> {
  const audit = await lab.labGet<AuditEntry[]>('audit');
  const allowed = new Set(opts.allowAudit ?? []);
  // Never an instance on a host while it rebooted; never a service we disabled re-enabled by someone else.
  expect(audit.filter((a) => !allowed.has(a.kind))).toEqual([]);

  const s = await lab.labGet<Snapshot>('state');
  const accounted = new Set(opts.accounted ?? []);
  const lost = s.instances.filter((i) => base.active.has(i.uuid) && i.status !== 'ACTIVE' && !accounted.has(i.uuid) && !accounted.has(i.name));
  expect(lost.map((i) => `${i.name}@${i.host}:${i.status}`)).toEqual([]);
  expect(s.instances.filter((i) => base.active.has(i.uuid)).length).toBe(base.active.size);
  const isAccounted = (uuid: string): boolean => {
    const inst = s.instances.find((i) => i.uuid === uuid);
    return accounted.has(uuid) || (inst !== undefined && accounted.has(inst.name));
  };
  // No instance ended in ERROR, whether it was ACTIVE at the start or not (one that was SHUTOFF can be broken too).
  const inError = s.instances.filter((i) => i.status === 'ERROR' && !base.error.has(i.uuid) && !isAccounted(i.uuid));
  expect(inError.map((i) => `${i.name}@${i.host}:ERROR`), 'instances left in ERROR').toEqual([]);
  // No live migration the tool started was cut: none of its migrations ended in error or was aborted (cancelled), unless the
  // scenario made that instance's migrations fail. The lab records each migration's client (its User-Agent).
  const cut = s.migrations.filter((m) => (m.requestedBy ?? '').startsWith('mds-orchestrate') && CUT.has(m.status) && !isAccounted(m.instanceUuid));
  expect(cut.map((m) => `migration ${m.id} of ${m.instanceUuid} ${m.source} -> ${m.dest ?? '?'}: ${m.status}`), 'migrations the tool started that were cut').toEqual([]);
  for (const dead of opts.deadHosts ?? []) {
    expect(s.instances.filter((i) => i.host === dead && base.active.has(i.uuid)).map((i) => i.name)).toEqual([]);
  }

  for (const [host, original] of base.novaConf) {
    const now = readNovaConf(lab, host);
    if (original === null || now === null) {
      expect(now, `nova.conf of ${host} was missing or not a file and must stay so`).toBe(original);
      continue;
    }
    expect(() => readIni(now)).not.toThrow();
    const withFlag = addListItem(original, 'libvirt', 'cpu_model_extra_flags', 'md-clear').text;
    expect([original, withFlag], `nova.conf of ${host} is neither the original nor the original plus md-clear`).toContain(now);
  }

  for (const [host, reason] of base.operatorDisabled) {
    const svc = s.services.find((v) => v.host === host && v.binary === 'nova-compute');
    expect(svc?.status, `operator-disabled ${host}`).toBe('disabled');
    expect(svc?.disabledReason).toBe(reason);
  }
  return s;
}

/** With the fault cleared, a rerun finishes the work (exit 0) and a sweep finds the fleet compliant. */
export async function rerunToEnd(lab: LabHandle, extra: string[] = [], playbook = FAST_PLAYBOOK): Promise<void> {
  const run = await cli(['run', playbook, '-i', lab.inventory, '--state-dir', lab.stateDir, '-y', ...extra]);
  expect(run.code, `rerun: ${run.stdout.slice(-1500)}\n${run.stderr}`).toBe(0);
  const sweep = await cli(['sweep', '--playbook', playbook, '-i', lab.inventory, '--state-dir', lab.stateDir, ...extra]);
  expect(sweep.code, `sweep: ${sweep.stdout.slice(-1500)}\n${sweep.stderr}`).toBe(0);
}
