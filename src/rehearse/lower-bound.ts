// The makespan's lower bound for a fleet: the reboot chain the batch rules force, and the live-migration work the slots allow.
//
// Batches run one after the other (the engine waits for a batch before starting the next), so the bound is a sum over
// batches. In batch b, for the set R of hosts that reboot (a reboot is due, so they are drained first):
//
//   host chain   H_h = U_h + max(ΣM_h / P, max M_h) + B_h
//                U_h: its package update, M_h: the migration time of each instance on it when the batch starts,
//                P: the smaller of drain.parallel_per_host and nova-compute's max_concurrent_live_migrations (the
//                source host queues the rest), B_h: reboot delay + its boot + reboot.stable_for
//   slot work    S_b = min_h U_h + ΣM_b / min(F, P·|R|) + min_h B_h
//                F: drain.parallel_fleet; every instance on a host of R must move at least once, and no migration of
//                the batch starts before the first update ends or ends after the last reboot must begin
//   domain chain D_b = max over failure domains d of (min_h U_h + Σ_{h in d} (max(ΣM_h / P, max M_h) + B_h))
//                with failure_domains set, the hosts of one domain drain and reboot one at a time
//   L_b = max(max_h H_h, S_b, D_b);  hosts that only update contribute U_h;  bound = Σ_b L_b
//
// Capacity enters through the batches: a batch larger than the spare room cannot drain (the capacity check refuses),
// so the serial a fleet can use is capped by its spare capacity, and fewer hosts per batch means a longer chain.
// Left out on purpose (they are what the ratio makespan / bound measures): polling granularity, command and API
// latency, facts gathering, instances that land on a host of the same batch and move twice, slot contention order.

export interface BoundHost {
  name: string;
  batch: number;
  updateMs: number;
  /** null: the host was not rebooted (so not drained). */
  bootChainMs: number | null;
  migrationMs: number[];
  /** The host's failure domain when the playbook locks them (failure_domains), else null. */
  domain?: string | null;
}

export interface BoundBatch {
  index: number;
  boundMs: number;
  chainMs: number;
  slotWorkMs: number;
  domainChainMs: number;
  rebooting: number;
  migrations: number;
}

export interface LowerBound {
  totalMs: number;
  batches: BoundBatch[];
}

export function lowerBound(hosts: BoundHost[], perHost: number, fleetSlots: number): LowerBound {
  const byBatch = new Map<number, BoundHost[]>();
  for (const h of hosts) byBatch.set(h.batch, [...(byBatch.get(h.batch) ?? []), h]);
  const batches: BoundBatch[] = [];
  for (const [index, list] of [...byBatch].sort((a, b) => a[0] - b[0])) {
    let chain = 0;
    for (const h of list) {
      const sum = h.migrationMs.reduce((a, b) => a + b, 0);
      const mig = h.bootChainMs === null ? 0 : Math.max(sum / perHost, Math.max(0, ...h.migrationMs));
      chain = Math.max(chain, h.updateMs + mig + (h.bootChainMs ?? 0));
    }
    const rebooting = list.filter((h) => h.bootChainMs !== null);
    let slotWork = 0;
    let migrations = 0;
    if (rebooting.length) {
      const work = rebooting.reduce((a, h) => a + h.migrationMs.reduce((x, y) => x + y, 0), 0);
      migrations = rebooting.reduce((a, h) => a + h.migrationMs.length, 0);
      slotWork = Math.min(...rebooting.map((h) => h.updateMs)) + work / Math.min(fleetSlots, perHost * rebooting.length)
        + Math.min(...rebooting.map((h) => h.bootChainMs!));
    }
    let domainChain = 0;
    const domains = new Map<string, BoundHost[]>();
    for (const h of rebooting) if (h.domain) domains.set(h.domain, [...(domains.get(h.domain) ?? []), h]);
    for (const group of domains.values()) {
      const serial = group.reduce((a, h) => a + Math.max(h.migrationMs.reduce((x, y) => x + y, 0) / perHost, Math.max(0, ...h.migrationMs)) + h.bootChainMs!, 0);
      domainChain = Math.max(domainChain, Math.min(...group.map((h) => h.updateMs)) + serial);
    }
    batches.push({ index, boundMs: Math.max(chain, slotWork, domainChain), chainMs: chain, slotWorkMs: slotWork, domainChainMs: domainChain, rebooting: rebooting.length, migrations });
  }
  return { totalMs: batches.reduce((a, b) => a + b.boundMs, 0), batches };
}
