// POST /servers/{id}/action: os-migrateLive (schema per microversion, 409 on busy/wrong state), os-stop and os-start.
import { badRequest, conflict } from './api-error.js';
import { isObject } from './http-io.js';
import type { Reply } from './http-io.js';
import type { MigrationEngine } from './live-migration.js';
import { parseMigrateLive } from './migrate-live-schema.js';
import type { NovaContext } from './nova-context.js';
import { requireAdmin } from './nova-context.js';
import { findServer } from './nova-servers-routes.js';
import type { PowerActions } from './power.js';
import { route } from './router.js';
import type { Route } from './router.js';
import type { CloudWorld } from './world.js';

export function actionName(body: unknown): string | undefined {
  if (!isObject(body)) return undefined;
  const keys = Object.keys(body);
  return keys.length === 1 ? keys[0] : undefined;
}

function migrateLive(world: CloudWorld, engine: MigrationEngine, ctx: NovaContext, value: unknown): Reply {
  requireAdmin(ctx, 'os_compute_api:os-migrate-server:migrate_live');
  const args = parseMigrateLive(value, ctx.mv);
  const inst = findServer(world, ctx, ctx.params.id!);
  if (inst.taskState !== null) {
    throw conflict(`Cannot 'os-migrateLive' instance ${inst.uuid} while it is in task_state ${inst.taskState}`);
  }
  if (inst.vmState !== 'active' && inst.vmState !== 'paused') {
    throw conflict(`Cannot 'os-migrateLive' instance ${inst.uuid} while it is in vm_state ${inst.vmState}`);
  }
  if (args.host !== null && !world.hosts.has(args.host)) throw badRequest(`Compute host ${args.host} could not be found.`);
  const source = world.computeService(inst.host);
  if (source && !world.isUp(source)) throw conflict(`Compute service of ${inst.host} is unavailable at this time.`);
  engine.start(inst, { host: args.host, forced: args.forced, synchronousPrecheck: ctx.mv < 34 }, ctx.token, userAgent(ctx));
  return { status: 202 };
}

/** The caller's User-Agent, recorded on the migration so the lab can say whose migration was cut. */
function userAgent(ctx: NovaContext): string | null {
  const ua = ctx.headers['user-agent'];
  return typeof ua === 'string' && ua !== '' ? ua : null;
}

export function actionRoutes(world: CloudWorld, engine: MigrationEngine, power: PowerActions): Route<NovaContext>[] {
  return [
    route<NovaContext>('POST', '/servers/{id}/action', (ctx) => {
      const name = actionName(ctx.body);
      if (name === undefined) throw badRequest('Malformed request body');
      const value = (ctx.body as Record<string, unknown>)[name];
      switch (name) {
        case 'os-migrateLive':
          return migrateLive(world, engine, ctx, value);
        case 'os-stop':
          power.stop(findServer(world, ctx, ctx.params.id!));
          return { status: 202 };
        case 'os-start':
          power.start(findServer(world, ctx, ctx.params.id!));
          return { status: 202 };
        default:
          throw badRequest(`There is no such action: ${name}`);
      }
    }),
  ];
}
