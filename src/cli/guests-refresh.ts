// After an apply run: lists again the guests needing a cold boot on finished hosts, since later drains live-migrate guests onto them.
import { Semaphore } from '../engine/semaphore.js';
import type { HostFacts } from '../facts/types.js';
import type { HostSpec } from '../inventory/types.js';
import type { NovaApi } from '../openstack/types.js';
import type { GuestReport, Report } from '../report/model.js';
import { guestsNeedingColdBoot } from '../steps/guests.js';
import type { Transport } from '../transport/types.js';
import { errorMessage } from '../util/errors.js';

export interface GuestsRefreshDeps {
  hosts: HostSpec[];
  transportFactory: (host: HostSpec) => Transport;
  gatherFacts: (transport: Transport, host: HostSpec, signal: AbortSignal) => Promise<HostFacts>;
  nova: NovaApi;
  forks: number;
  signal: AbortSignal;
  warn: (host: string, message: string) => void;
}

/**
 * A host's guests step runs when that host ends, but a live migration keeps the guest's CPU: guests drained later from
 * unfixed hosts land on hosts already done and still lack md-clear. Without this pass the run report would miss them.
 * A host that cannot be read keeps the list its own guests step made (and gets a warning).
 */
export async function refreshGuestLists(report: Report, deps: GuestsRefreshDeps): Promise<void> {
  const specs = new Map(deps.hosts.map((h) => [h.name, h]));
  const slots = new Semaphore(Math.max(1, deps.forks));
  const done = report.hosts.filter((h) => (h.status === 'ok' || h.status === 'changed') && h.steps.some((s) => s.id === 'guests'));
  await Promise.all(done.map(async (h) => {
    const spec = specs.get(h.name);
    if (!spec) return;
    let release: (() => void) | null = null;
    let transport: Transport | null = null;
    try {
      release = await slots.acquire(deps.signal);
      transport = deps.transportFactory(spec);
      await transport.connect(deps.signal);
      const facts = await deps.gatherFacts(transport, spec, deps.signal);
      // A guest list virsh did not give is no list: the host keeps the one its own guests step made.
      if (facts.evidence.guests.state === 'unreadable') throw new Error(facts.evidence.guests.reason);
      const servers = await deps.nova.listServers({ host: spec.novaHost });
      h.guestsNeedingColdBoot = guestsNeedingColdBoot(facts, spec.novaHost, servers)
        .map((g): GuestReport => ({ uuid: g.uuid, name: g.name, host: g.host, projectId: g.projectId }));
    } catch (err) {
      deps.warn(h.name, `could not list the guests again after the run: ${errorMessage(err)}`);
    } finally {
      await transport?.close().catch(() => {});
      release?.();
    }
  }));
  report.summary.guestsNeedingColdBoot = report.hosts.reduce((n, h) => n + h.guestsNeedingColdBoot.length, 0);
}
