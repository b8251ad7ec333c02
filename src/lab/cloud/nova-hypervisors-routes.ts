// os-hypervisors: list and detail, capacity fields below 2.88, paging from 2.33.
import type { Reply } from './http-io.js';
import type { NovaContext } from './nova-context.js';
import { computeUrl, requireAdmin } from './nova-context.js';
import { hypervisorView } from './nova-views.js';
import { paginate } from './paging.js';
import { route } from './router.js';
import type { Route } from './router.js';
import type { CloudWorld } from './world.js';

function list(world: CloudWorld, ctx: NovaContext, detail: boolean): Reply {
  requireAdmin(ctx, `os_compute_api:os-hypervisors:${detail ? 'detail' : 'list'}`);
  const hosts = [...world.hosts.values()];
  const idOf = (h: (typeof hosts)[number]): string => (ctx.mv >= 53 ? h.hypervisorUuid : String(h.hypervisorIntId));
  const page = ctx.mv >= 33 ? paginate(hosts, ctx.query, idOf) : { items: hosts, nextQuery: undefined };
  const hypervisors = page.items.map((h) => {
    const full = hypervisorView(world, h, ctx.mv);
    return detail ? full : { id: full.id, hypervisor_hostname: full.hypervisor_hostname, state: full.state, status: full.status };
  });
  const body: Record<string, unknown> = { hypervisors };
  if (page.nextQuery !== undefined) {
    body.hypervisors_links = [{ href: `${computeUrl(ctx)}/os-hypervisors${detail ? '/detail' : ''}?${page.nextQuery}`, rel: 'next' }];
  }
  return { status: 200, body };
}

export function hypervisorRoutes(world: CloudWorld): Route<NovaContext>[] {
  return [
    route<NovaContext>('GET', '/os-hypervisors/detail', (ctx) => list(world, ctx, true)),
    route<NovaContext>('GET', '/os-hypervisors', (ctx) => list(world, ctx, false)),
  ];
}
