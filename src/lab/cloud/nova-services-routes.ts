// os-services: list with filters, the 2.53 PUT /os-services/{uuid} rules, and the legacy enable/disable actions below 2.53.
import { ApiError, badRequest, notFound } from './api-error.js';
import { isObject } from './http-io.js';
import type { Reply } from './http-io.js';
import type { NovaContext } from './nova-context.js';
import { requireAdmin } from './nova-context.js';
import { serviceView } from './nova-views.js';
import { UUID_RE } from './rng.js';
import { route } from './router.js';
import type { Route } from './router.js';
import { setServiceStatus } from './service-ops.js';
import type { CloudWorld } from './world.js';

function invalid(field: string, value: unknown, why: string): ApiError {
  return badRequest(`Invalid input for field/attribute ${field}. Value: ${JSON.stringify(value)}. ${why}`);
}

function checkProps(body: Record<string, unknown>, allowed: string[]): void {
  const extra = Object.keys(body).filter((k) => !allowed.includes(k));
  if (extra.length > 0) {
    throw badRequest(`Additional properties are not allowed (${extra.map((k) => `'${k}'`).join(', ')} ${extra.length === 1 ? 'was' : 'were'} unexpected)`);
  }
}

function list(world: CloudWorld, ctx: NovaContext): Reply {
  requireAdmin(ctx, 'os_compute_api:os-services:list');
  const binary = ctx.query.get('binary');
  const host = ctx.query.get('host');
  const services = world.services
    .filter((s) => (binary === null || s.binary === binary) && (host === null || s.host === host))
    .map((s) => serviceView(world, s, ctx.mv));
  return { status: 200, body: { services } };
}

function updateV253(world: CloudWorld, ctx: NovaContext, id: string): Reply {
  const body = ctx.body;
  if (!isObject(body)) throw badRequest('The request body must be a JSON object.');
  checkProps(body, ['status', 'disabled_reason', 'forced_down']);
  const { status, disabled_reason: reason, forced_down: forcedDown } = body;
  if (status !== undefined && status !== 'enabled' && status !== 'disabled') {
    throw invalid('status', status, `${JSON.stringify(status)} is not one of ['enabled', 'disabled']`);
  }
  if (reason !== undefined && (typeof reason !== 'string' || reason.length < 1 || reason.length > 255)) {
    throw invalid('disabled_reason', reason, 'must be a string of 1 to 255 characters');
  }
  if (forcedDown !== undefined && typeof forcedDown !== 'boolean') throw invalid('forced_down', forcedDown, 'is not of type boolean');
  if (!UUID_RE.test(id)) throw badRequest(`Invalid uuid ${id}`);
  const svc = world.services.find((s) => s.uuid === id);
  if (!svc) throw notFound(`Service ${id} could not be found.`);
  if (svc.binary !== 'nova-compute') {
    throw badRequest(`Updating a ${svc.binary} service is not supported. Only nova-compute services can be updated.`);
  }
  if (status === 'enabled' && reason !== undefined) throw badRequest("Specifying 'disabled_reason' with status 'enabled' is invalid.");
  if (status === undefined && forcedDown === undefined) {
    throw badRequest("No updates were requested. Fields 'status' or 'forced_down' should be specified.");
  }
  if (status !== undefined) setServiceStatus(world, svc, status, status === 'disabled' ? (reason ?? null) : null, ctx.user ?? '?');
  if (forcedDown !== undefined) svc.forcedDown = forcedDown;
  return { status: 200, body: { service: serviceView(world, svc, ctx.mv) } };
}

function updateLegacy(world: CloudWorld, ctx: NovaContext, action: string): Reply {
  const actions = ['enable', 'disable', 'disable-log-reason', ...(ctx.mv >= 11 ? ['force-down'] : [])];
  if (!actions.includes(action)) throw notFound('Unknown action');
  const body = ctx.body;
  if (!isObject(body)) throw badRequest('The request body must be a JSON object.');
  checkProps(body, action === 'force-down' ? ['host', 'binary', 'forced_down'] : ['host', 'binary', 'disabled_reason']);
  const { host, binary } = body;
  if (typeof host !== 'string' || typeof binary !== 'string') throw badRequest("'host' and 'binary' are required properties");
  const svc = world.services.find((s) => s.host === host && s.binary === binary);
  if (!svc) throw notFound('Unknown service');
  const user = ctx.user ?? '?';
  if (action === 'force-down') {
    if (typeof body.forced_down !== 'boolean') throw invalid('forced_down', body.forced_down, 'is not of type boolean');
    svc.forcedDown = body.forced_down;
    return { status: 200, body: { service: { host, binary, forced_down: svc.forcedDown } } };
  }
  if (action === 'disable-log-reason') {
    const reason = body.disabled_reason;
    if (typeof reason !== 'string' || reason.trim() === '') throw badRequest('Missing disabled reason field');
    if (reason.length > 255) throw invalid('disabled_reason', reason, 'is too long');
    setServiceStatus(world, svc, 'disabled', reason, user);
    return { status: 200, body: { service: { host, binary, status: 'disabled', disabled_reason: reason } } };
  }
  setServiceStatus(world, svc, action === 'enable' ? 'enabled' : 'disabled', null, user);
  return { status: 200, body: { service: { host, binary, status: svc.status } } };
}

export function serviceRoutes(world: CloudWorld): Route<NovaContext>[] {
  return [
    route<NovaContext>('GET', '/os-services', (ctx) => list(world, ctx)),
    route<NovaContext>('PUT', '/os-services/{id}', (ctx) => {
      requireAdmin(ctx, 'os_compute_api:os-services:update');
      const id = ctx.params.id!;
      return ctx.mv >= 53 ? updateV253(world, ctx, id) : updateLegacy(world, ctx, id);
    }),
  ];
}
