// Servers: GET /servers[/detail] with all_tenants, host and status filters and paging, and GET /servers/{id}.
import { notFound } from './api-error.js';
import type { Reply } from './http-io.js';
import type { InstanceRec } from './model.js';
import type { NovaContext } from './nova-context.js';
import { computeUrl, isAdmin, queryFlag, requireAdmin } from './nova-context.js';
import { serverStatus, serverView } from './nova-views.js';
import { paginate } from './paging.js';
import { route } from './router.js';
import type { Route } from './router.js';
import type { CloudWorld } from './world.js';

export function findServer(world: CloudWorld, ctx: NovaContext, id: string): InstanceRec {
  const inst = world.instances.get(id);
  // Another project's server is invisible to non-admins, exactly as if it did not exist.
  if (!inst || (!isAdmin(ctx) && inst.projectId !== ctx.token.projectId)) throw notFound(`Instance ${id} could not be found.`);
  return inst;
}

function visible(world: CloudWorld, ctx: NovaContext, detail: boolean): InstanceRec[] {
  const q = ctx.query;
  const admin = isAdmin(ctx);
  // all_tenants is checked against its own policy (servers.py _get_servers): a non-admin gets 403, not its own project.
  const allTenants = queryFlag(q, 'all_tenants');
  if (allTenants) requireAdmin(ctx, `os_compute_api:servers:${detail ? 'detail' : 'index'}:get_all_tenants`);
  // host and node are admin-only filters; Nova silently drops them for everyone else.
  const project = allTenants ? q.get('project_id') ?? q.get('tenant_id') : ctx.token.projectId;
  const host = admin ? q.get('host') : null;
  const node = admin ? q.get('node') : null;
  const status = q.get('status')?.toUpperCase() ?? null;
  const vmState = q.get('vm_state');
  return [...world.instances.values()]
    .filter((i) => project === null || i.projectId === project)
    .filter((i) => host === null || i.host === host)
    .filter((i) => node === null || world.hosts.get(i.host)?.hypervisorHostname === node)
    .filter((i) => status === null || serverStatus(i) === status)
    .filter((i) => vmState === null || i.vmState === vmState)
    // Nova's default order: created_at desc, then id desc.
    .sort((a, b) => b.seq - a.seq);
}

function listServers(world: CloudWorld, ctx: NovaContext, detail: boolean): Reply {
  const base = computeUrl(ctx);
  const page = paginate(visible(world, ctx, detail), ctx.query, (i) => i.uuid);
  const admin = isAdmin(ctx);
  const servers = page.items.map((i) => detail
    ? serverView(world, i, ctx.mv, admin, base)
    : { id: i.uuid, name: i.name, links: [{ href: `${base}/servers/${i.uuid}`, rel: 'self' }] });
  const body: Record<string, unknown> = { servers };
  if (page.nextQuery !== undefined) {
    body.servers_links = [{ href: `${base}/servers${detail ? '/detail' : ''}?${page.nextQuery}`, rel: 'next' }];
  }
  return { status: 200, body };
}

export function serverRoutes(world: CloudWorld): Route<NovaContext>[] {
  return [
    route<NovaContext>('GET', '/servers/detail', (ctx) => listServers(world, ctx, true)),
    route<NovaContext>('GET', '/servers', (ctx) => listServers(world, ctx, false)),
    route<NovaContext>('GET', '/servers/{id}', (ctx) => {
      const inst = findServer(world, ctx, ctx.params.id!);
      return { status: 200, body: { server: serverView(world, inst, ctx.mv, isAdmin(ctx), computeUrl(ctx)) } };
    }),
  ];
}
