// Migrations: GET /os-migrations with filters (+paging from 2.59) and the per-server in-progress API (2.22 force, 2.23 list, 2.24 abort).
import { badRequest, notFound } from './api-error.js';
import type { Reply } from './http-io.js';
import type { MigrationEngine } from './live-migration.js';
import { IN_PROGRESS } from './model.js';
import type { InstanceRec, MigrationRec } from './model.js';
import type { NovaContext } from './nova-context.js';
import { computeUrl, requireAdmin } from './nova-context.js';
import { findServer } from './nova-servers-routes.js';
import { migrationView, serverMigrationView } from './nova-views.js';
import { paginate } from './paging.js';
import { route } from './router.js';
import type { Route } from './router.js';
import type { CloudWorld } from './world.js';

function allowedParams(mv: number): string[] {
  const keys = ['hidden', 'host', 'instance_uuid', 'migration_type', 'source_compute', 'status', 'limit', 'marker', 'changes-since'];
  if (mv >= 66) keys.push('changes-before');
  if (mv >= 80) keys.push('user_id', 'project_id');
  return keys;
}

function listMigrations(world: CloudWorld, ctx: NovaContext): Reply {
  requireAdmin(ctx, 'os_compute_api:os-migrations:index');
  const q = ctx.query;
  if (ctx.mv >= 59) {
    const allowed = allowedParams(ctx.mv);
    const extra = [...new Set(q.keys())].filter((k) => !allowed.includes(k));
    if (extra.length > 0) throw badRequest(`Additional properties are not allowed (${extra.map((k) => `'${k}'`).join(', ')} ${extra.length === 1 ? 'was' : 'were'} unexpected)`);
  }
  const eq = (name: string, value: string | null): boolean => q.get(name) === null || q.get(name) === value;
  let found = world.migrations.filter((m) => eq('instance_uuid', m.instanceUuid) && eq('migration_type', m.migrationType)
    && eq('status', m.status) && eq('source_compute', m.sourceCompute)
    // The conductor writes the requested host as dest_compute when it creates the record (accepted), as the views show it.
    && (q.get('host') === null || m.sourceCompute === q.get('host') || (m.destCompute ?? m.requestedHost) === q.get('host'))
    && (ctx.mv < 80 || (eq('user_id', m.userId) && eq('project_id', m.projectId))));
  const base = computeUrl(ctx);
  if (ctx.mv < 59) return { status: 200, body: { migrations: found.map((m) => migrationView(world, m, ctx.mv, base)) } };
  found = [...found].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id - a.id);
  const page = paginate(found, q, (m) => m.uuid);
  const body: Record<string, unknown> = { migrations: page.items.map((m) => migrationView(world, m, ctx.mv, base)) };
  if (page.nextQuery !== undefined) body.migrations_links = [{ href: `${base}/os-migrations?${page.nextQuery}`, rel: 'next' }];
  return { status: 200, body };
}

function requireMv(ctx: NovaContext, min: number): void {
  // Below its microversion the route does not exist, which Nova reports as a 404.
  if (ctx.mv < min) throw notFound('The resource could not be found.');
}

function inProgress(world: CloudWorld, ctx: NovaContext): { inst: InstanceRec; m: MigrationRec } {
  const inst = findServer(world, ctx, ctx.params.id!);
  const id = Number(ctx.params.mid);
  const m = world.migrations.find((x) => x.id === id && x.instanceUuid === inst.uuid && x.migrationType === 'live-migration');
  if (!m || !IN_PROGRESS.has(m.status)) {
    throw notFound(`In-progress live migration ${ctx.params.mid} is not found for server ${inst.uuid}.`);
  }
  return { inst, m };
}

export function migrationRoutes(world: CloudWorld, engine: MigrationEngine): Route<NovaContext>[] {
  return [
    route<NovaContext>('GET', '/os-migrations', (ctx) => listMigrations(world, ctx)),
    route<NovaContext>('GET', '/servers/{id}/migrations', (ctx) => {
      requireMv(ctx, 23);
      requireAdmin(ctx, 'os_compute_api:servers:migrations:index');
      const inst = findServer(world, ctx, ctx.params.id!);
      const migrations = world.migrations
        .filter((m) => m.instanceUuid === inst.uuid && m.migrationType === 'live-migration' && IN_PROGRESS.has(m.status))
        .map((m) => serverMigrationView(world, m, ctx.mv));
      return { status: 200, body: { migrations } };
    }),
    route<NovaContext>('GET', '/servers/{id}/migrations/{mid}', (ctx) => {
      requireMv(ctx, 23);
      requireAdmin(ctx, 'os_compute_api:servers:migrations:show');
      const { m } = inProgress(world, ctx);
      return { status: 200, body: { migration: serverMigrationView(world, m, ctx.mv) } };
    }),
    route<NovaContext>('DELETE', '/servers/{id}/migrations/{mid}', (ctx) => {
      requireMv(ctx, 24);
      requireAdmin(ctx, 'os_compute_api:servers:migrations:delete');
      engine.abort(findServer(world, ctx, ctx.params.id!), ctx.params.mid!, ctx.mv);
      return { status: 202 };
    }),
    route<NovaContext>('POST', '/servers/{id}/migrations/{mid}/action', (ctx) => {
      requireMv(ctx, 22);
      requireAdmin(ctx, 'os_compute_api:servers:migrations:force_complete');
      const body = ctx.body;
      if (typeof body !== 'object' || body === null || !('force_complete' in body)) throw badRequest('Malformed request body');
      const { inst, m } = inProgress(world, ctx);
      engine.forceComplete(m, inst);
      return { status: 202 };
    }),
  ];
}
