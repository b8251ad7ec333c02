// A NovaApi whose per-host server listings come from one fleet-wide listing, for sweeps that change nothing.
import type { NovaApi, Server } from './types.js';

/**
 * A sweep asks for each host's servers once; one paged all-tenants listing answers them all, which costs Nova one
 * request per page instead of one per compute node. Only for runs that move no instance: the listing is not refreshed.
 * Down-cell placeholders (status UNKNOWN, no host) are given to every host, as Nova's own host filter does.
 */
export function withServerSnapshot(nova: NovaApi): NovaApi {
  let snapshot: Promise<Map<string | null, Server[]>> | null = null;
  const byHost = (): Promise<Map<string | null, Server[]>> => {
    snapshot ??= nova.listServers().then(group, (err: unknown) => {
      snapshot = null; // a failed listing is asked again by the next host, not remembered
      throw err;
    });
    return snapshot;
  };
  return {
    listComputeServices: (host) => nova.listComputeServices(host),
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

function group(servers: Server[]): Map<string | null, Server[]> {
  const map = new Map<string | null, Server[]>();
  for (const s of servers) {
    const list = map.get(s.host);
    if (list) list.push(s);
    else map.set(s.host, [s]);
  }
  return map;
}
