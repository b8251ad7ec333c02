// Placement's read API for compute nodes: resource providers, inventories, usages, aggregates, a consumer's allocations.
import { ApiError, badRequest, notFound } from './api-error.js';
import type { HostRec } from './model.js';
import { allocationsOf, inventoriesOf, usagesOn } from './placement-model.js';
import type { PlacementContext } from './placement-front.js';
import { route } from './router.js';
import type { Route } from './router.js';
import type { CloudWorld } from './world.js';

/** Placement's default policy (placement/policies): these reads are admin-only. */
function requireAdmin(ctx: PlacementContext, rule: string): void {
  if (!ctx.token.roles.includes('admin')) {
    throw new ApiError(403, `Access was denied to this resource.\n\n Policy does not allow ${rule} to be performed.  `);
  }
}

function providerOf(world: CloudWorld, uuid: string): HostRec {
  const h = [...world.hosts.values()].find((x) => x.hypervisorUuid === uuid);
  if (!h) throw notFound(`No resource provider with uuid ${uuid} found`);
  return h;
}

/** Nova mirrors each host aggregate (availability zones included) into Placement under the aggregate's uuid. */
export function aggregatesOf(world: CloudWorld, h: HostRec): string[] {
  const names = [...(h.az !== 'nova' ? [`az:${h.az}`] : []), ...(h.aggregate ? [`agg:${h.aggregate}`] : [])];
  return names.map((n) => world.aggregateUuid(n));
}

function providerView(world: CloudWorld, h: HostRec, pmv: number): Record<string, unknown> {
  const base = `/placement/resource_providers/${h.hypervisorUuid}`;
  const view: Record<string, unknown> = {
    uuid: h.hypervisorUuid, name: h.hypervisorHostname, generation: world.generation(h.name),
    links: [{ rel: 'self', href: base }, { rel: 'inventories', href: `${base}/inventories` }, { rel: 'usages', href: `${base}/usages` },
      ...(pmv >= 1 ? [{ rel: 'aggregates', href: `${base}/aggregates` }] : [])],
  };
  if (pmv >= 14) Object.assign(view, { parent_provider_uuid: null, root_provider_uuid: h.hypervisorUuid });
  return view;
}

function listProviders(world: CloudWorld, ctx: PlacementContext): Record<string, unknown> {
  requireAdmin(ctx, 'placement:resource_providers:list');
  const q = ctx.query;
  const allowed = ['name', 'uuid', ...(ctx.pmv >= 3 ? ['member_of'] : []), ...(ctx.pmv >= 14 ? ['in_tree'] : [])];
  const extra = [...new Set(q.keys())].filter((k) => !allowed.includes(k));
  if (extra.length > 0) throw badRequest(`Invalid query string parameters: Additional properties are not allowed (${extra.map((k) => `'${k}'`).join(', ')} ${extra.length === 1 ? 'was' : 'were'} unexpected)`);
  const memberOf = q.get('member_of')?.replace(/^in:/, '').split(',') ?? null;
  const providers = [...world.hosts.values()].filter((h) => (q.get('name') === null || h.hypervisorHostname === q.get('name'))
    && (q.get('uuid') === null || h.hypervisorUuid === q.get('uuid'))
    && (q.get('in_tree') === null || h.hypervisorUuid === q.get('in_tree'))
    && (memberOf === null || aggregatesOf(world, h).some((a) => memberOf.includes(a))));
  return { resource_providers: providers.map((h) => providerView(world, h, ctx.pmv)) };
}

export function placementRoutes(world: CloudWorld): Route<PlacementContext>[] {
  return [
    route<PlacementContext>('GET', '/resource_providers', (ctx) => ({ status: 200, body: listProviders(world, ctx) })),
    route<PlacementContext>('GET', '/resource_providers/{uuid}', (ctx) => {
      requireAdmin(ctx, 'placement:resource_providers:show');
      return { status: 200, body: providerView(world, providerOf(world, ctx.params.uuid!), ctx.pmv) };
    }),
    route<PlacementContext>('GET', '/resource_providers/{uuid}/inventories', (ctx) => {
      requireAdmin(ctx, 'placement:resource_providers:inventories:list');
      const h = providerOf(world, ctx.params.uuid!);
      return { status: 200, body: { inventories: inventoriesOf(h), resource_provider_generation: world.generation(h.name) } };
    }),
    route<PlacementContext>('GET', '/resource_providers/{uuid}/usages', (ctx) => {
      requireAdmin(ctx, 'placement:resource_providers:usages');
      const h = providerOf(world, ctx.params.uuid!);
      return { status: 200, body: { usages: usagesOn(world, h.name), resource_provider_generation: world.generation(h.name) } };
    }),
    route<PlacementContext>('GET', '/resource_providers/{uuid}/aggregates', (ctx) => {
      if (ctx.pmv < 1) throw notFound('The resource could not be found.');
      requireAdmin(ctx, 'placement:resource_providers:aggregates:list');
      const h = providerOf(world, ctx.params.uuid!);
      return { status: 200, body: { aggregates: aggregatesOf(world, h), ...(ctx.pmv >= 19 ? { resource_provider_generation: world.generation(h.name) } : {}) } };
    }),
    route<PlacementContext>('GET', '/allocations/{consumer}', (ctx) => {
      requireAdmin(ctx, 'placement:allocations:list');
      const found = allocationsOf(world, ctx.params.consumer!);
      const allocations: Record<string, unknown> = {};
      for (const a of found) {
        const h = world.hosts.get(a.host)!;
        allocations[h.hypervisorUuid] = { generation: world.generation(a.host), resources: a.resources };
      }
      const inst = world.instances.get(ctx.params.consumer!) ?? world.instances.get(world.migrations.find((m) => m.uuid === ctx.params.consumer)?.instanceUuid ?? '');
      const owner = found.length > 0 && ctx.pmv >= 12 && inst ? { project_id: inst.projectId, user_id: inst.userId } : {};
      return { status: 200, body: { allocations, ...owner, ...(found.length > 0 && ctx.pmv >= 28 ? { consumer_generation: 1 } : {}) } };
    }),
  ];
}
