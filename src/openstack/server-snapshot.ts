// A NovaApi whose per-host server and compute-service listings come from one fleet-wide listing each, for sweeps that change nothing.
import type { ComputeService, NovaApi, Server } from './types.js';

/** One fleet-wide listing, grouped by host, asked for once; a failed listing is asked again by the next host, not remembered. */
function snapshotOf<T extends { host: string | null }>(list: () => Promise<T[]>): () => Promise<Map<string | null, T[]>> {
  let snapshot: Promise<Map<string | null, T[]>> | null = null;
  return () => {
    snapshot ??= list().then(group, (err: unknown) => {
      snapshot = null;
      throw err;
    });
    return snapshot;
  };
}

/**
 * A sweep asks for each host's servers once; one paged all-tenants listing answers them all, which costs Nova one
 * request per page instead of one per compute node. Only for runs that move no instance: the listing is not refreshed.
 * Down-cell placeholders (status UNKNOWN, no host) are given to every host, as Nova's own host filter does.
 * The same holds for each host's nova-compute service (the restore step's liveness look): one `GET /os-services`
 * answers the fleet, where a request per host cost the controller more CPU than anything else a sweep does per host
 * beyond its SSH session (and the control plane one request per compute node). A host's services are those whose
 * `host` is exactly its name, which is what every caller kept of a `?host=` listing.
 */
export function withServerSnapshot(nova: NovaApi): NovaApi {
  const byHost = snapshotOf<Server>(() => nova.listServers());
  const servicesByHost = snapshotOf<ComputeService>(() => nova.listComputeServices());
  return {
    async listComputeServices(host) {
      if (host === undefined) return nova.listComputeServices();
      return [...((await servicesByHost()).get(host) ?? [])];
    },
    setServiceStatus: (id, status, reason) => nova.setServiceStatus(id, status, reason),
    async listServers(filter = {}) {
      if (filter.host === undefined) return nova.listServers(filter);
      const map = await byHost();
      const placeholders = (map.get(null) ?? []).filter((s) => s.status === 'UNKNOWN');
      return [...(map.get(filter.host) ?? []), ...placeholders];
    },
    getServer: (id) => nova.getServer(id),
    listHypervisors: () => nova.listHypervisors(),
    liveMigrate: (id, target) => nova.liveMigrate(id, target),
    listMigrations: (filter) => nova.listMigrations(filter),
    abortLiveMigration: (id, mid) => nova.abortLiveMigration(id, mid),
    stopServer: (id) => nova.stopServer(id),
    startServer: (id) => nova.startServer(id),
  };
}

function group<T extends { host: string | null }>(items: T[]): Map<string | null, T[]> {
  const map = new Map<string | null, T[]>();
  for (const s of items) {
    const list = map.get(s.host);
    if (list) list.push(s);
    else map.set(s.host, [s]);
  }
  return map;
}
