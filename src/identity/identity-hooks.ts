// The hooks that run on each host right after its first facts, before any step: Nova's name for the host by Nova's rule,
// whether Nova runs nova-compute there, whether the box is the host meant, and (plan, run) whose lease is on it.
import { hostname as controllerName } from 'node:os';
import { localUser } from '../util/local-user.js';
import type { HostIdentity, RunHooks } from '../engine/host-runner.js';
import type { HostFacts } from '../facts/types.js';
import type { HostSpec } from '../inventory/types.js';
import { novaHostByRule } from '../openstack/nova-host-rule.js';
import type { Hypervisor, NovaApi } from '../openstack/types.js';
import { RefusedError, UnknownEvidenceError } from '../steps/errors.js';
import type { Transport } from '../transport/types.js';
import { identityMessage, identityMismatches, IdentityMismatchError } from './identity-check.js';
import { describeLease, judgeLease, LEASE_PATH, type Lease } from './lease.js';
import { readLease, releaseLease, writeLease } from './lease-remote.js';

export interface IdentityHookOptions {
  nova: NovaApi | null;
  /** run takes and releases leases; plan only looks; a sweep changes nothing and takes no part in leases. */
  verb: 'plan' | 'run' | 'sweep';
  runId: string;
  stateDir: string;
  /** A run recorded in this state directory. */
  isOwnRun(runId: string): boolean;
  /** --adopt-lease: the run id of another controller's lease (and disables) this run takes over. */
  adopt?: string | undefined;
  warn(host: string, message: string): void;
}

const notCompute = (host: HostSpec, name: string, basis: string, verb: IdentityHookOptions['verb']): string =>
  `${host.name} is not a nova-compute host: Nova has no nova-compute service named '${name}' (${basis}); ` +
  `${verb === 'sweep' ? 'not checked' : 'nothing was changed on it'}. Select only compute nodes (the playbook's hosts:, or -l), ` +
  'or set nova_host to the name Nova knows it by (`openstack compute service list --service nova-compute`)';

export function identityHooks(o: IdentityHookOptions): RunHooks {
  // Nova's names found on the hosts this run: two inventory entries that turn out to be one Nova host are one box's work twice.
  const claimed = new Map<string, string>();
  // Hypervisor names do not change during a run: one listing serves every host.
  let hypervisors: Promise<Hypervisor[]> | null = null;
  const hypervisorOf = async (nova: NovaApi, novaHost: string): Promise<Hypervisor | undefined> => {
    hypervisors ??= nova.listHypervisors();
    return (await hypervisors).find((h) => h.serviceHost === novaHost);
  };

  async function identify(host: HostSpec, facts: HostFacts): Promise<HostIdentity | void> {
    const own = facts.hostname.trim();
    if (own === '') throw new UnknownEvidenceError(['hostname'], `${host.name}: the host's own name (uname -n) could not be read, so it cannot be told from another host`);
    const reachedAt = `${host.address}:${host.port}`;
    if (!o.nova) {
      // Without a cloud (a sweep may run without one) only the inventory name can be compared.
      const mismatches = identityMismatches({ own, inventoryName: host.name, reachedAt, novaHost: own, novaBasis: '' });
      if (mismatches.length) throw new IdentityMismatchError(identityMessage({ own, inventoryName: host.name, reachedAt, novaHost: own, novaBasis: '' }, mismatches), { host: host.name });
      return;
    }
    const rule = novaHostByRule(host, facts);
    if (rule.name === null) {
      throw new UnknownEvidenceError(['nova-conf'], `Nova's name for ${host.name} is unknown: ${rule.basis}`,
        'make the nova.conf nova-compute reads readable (ansible_become), or set nova_host (TripleO: canonical_hostname) in the inventory');
    }
    const services = (await o.nova.listComputeServices(rule.name)).filter((s) => s.binary === 'nova-compute' && s.host === rule.name);
    if (services.length === 0 && rule.provisional) {
      throw new UnknownEvidenceError(['nova-conf'], `Nova's name for ${host.name} is unknown: Nova has no nova-compute service named '${rule.name}', and ${rule.basis.replace(/^the host's own name \((.*)\)$/, '$1')}`,
        'make the nova.conf nova-compute reads readable (ansible_become), or set nova_host (TripleO: canonical_hostname) in the inventory');
    }
    if (services.length === 0) throw new RefusedError(notCompute(host, rule.name, rule.basis, o.verb));
    const hyp = await hypervisorOf(o.nova, rule.name);
    const evidence = { own, inventoryName: host.name, reachedAt, novaHost: rule.name, novaBasis: rule.basis, hypervisorHostname: hyp?.hostname ?? null };
    const mismatches = identityMismatches(evidence);
    if (mismatches.length) throw new IdentityMismatchError(identityMessage(evidence, mismatches), { host: host.name });
    const other = claimed.get(rule.name);
    if (other !== undefined && other !== host.name) {
      throw new RefusedError(`${host.name} is Nova's host '${rule.name}' (${rule.basis}), and so is ${other} in this run: two inventory entries for one compute node; nothing was changed on it. Keep one entry`);
    }
    claimed.set(rule.name, host.name);
    return { novaHost: rule.name, basis: rule.basis };
  }

  async function checkLease(host: HostSpec, transport: Transport, signal: AbortSignal): Promise<void> {
    const verdict = judgeLease(await readLease(transport), { runId: o.runId, isOwnRun: o.isOwnRun, adopt: o.adopt });
    if (verdict.kind === 'corrupt') {
      throw new RefusedError(`${host.name} carries a lease file this tool cannot read (${LEASE_PATH}), so it cannot tell whether another controller works on it; nothing was changed. If none does, remove the file and run again`);
    }
    if (verdict.kind === 'foreign') {
      throw new RefusedError(`${host.name} is leased by ${describeLease(verdict.lease)}, which is not a run recorded in this state directory: another controller works on it (or did, and stopped). Nothing was changed. Let that run finish (its restore releases the lease), or, if that controller is gone, take the host over with --adopt-lease ${verdict.lease.runId}`);
    }
    if (o.verb !== 'run') return;
    if (verdict.kind === 'adopted') o.warn(host.name, `adopting the lease of ${describeLease(verdict.lease)} (--adopt-lease)`);
    const lease: Lease = {
      version: 1, runId: o.runId, controller: controllerName(), user: localUser().name, stateDir: o.stateDir, host: host.name,
      takenAt: new Date().toISOString(),
    };
    // Written before any step runs, so before the drain: a crash after this leaves a lease of a run of this state
    // directory, which the rerun renews.
    await writeLease(transport, lease, signal);
  }

  return {
    firstFacts: async (host, facts, signal, transport) => {
      const found = await identify(host, facts);
      if (o.verb !== 'sweep') await checkLease(host, transport, signal);
      return found;
    },
    // The lease is released once the host is done (restore, the last step, left it in service or as an operator had it);
    // a host that failed, was refused or stopped keeps it until a rerun of this state directory finishes it.
    ...(o.verb === 'run' ? {
      hostEnd: async (host: HostSpec, result: string, transport: Transport | null, signal: AbortSignal) => {
        if (transport === null || (result !== 'ok' && result !== 'changed')) return;
        await releaseLease(transport, o.runId, signal);
      },
    } : {}),
  };
}
