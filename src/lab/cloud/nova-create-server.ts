// POST /servers: Nova's create (schema checks per microversion, 202 with the new id) and a short build, as the contract suite
// and any test that boots guests through the API need; the scheduler places it as Nova's filters and RAM weigher would.
import { randomBytes, randomUUID } from 'node:crypto';
import { badRequest } from './api-error.js';
import { isObject } from './http-io.js';
import type { Reply } from './http-io.js';
import { novaTime } from './model.js';
import type { InstanceRec } from './model.js';
import type { NovaContext } from './nova-context.js';
import { computeUrl } from './nova-context.js';
import type { PowerActions } from './power.js';
import { route } from './router.js';
import type { Route } from './router.js';
import { chooseBootHost } from './scheduler.js';
import type { CloudWorld } from './world.js';

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** Nova's jsonschema wording ("Invalid input for field/attribute ..."), which clients show as is. */
function invalid(field: string, value: unknown, why: string): Error {
  return badRequest(`Invalid input for field/attribute ${field}. Value: ${JSON.stringify(value)}. ${why}`);
}

interface CreateRequest {
  name: string;
  flavorRef: string;
  imageRef: string;
  az: string | null;
}

function parseCreate(body: unknown, mv: number): CreateRequest {
  if (!isObject(body) || !isObject(body.server)) throw invalid('server', body, "'server' is a required property");
  const s = body.server;
  if (typeof s.name !== 'string' || s.name.trim() === '' || s.name.length > 255) throw invalid('name', s.name, 'a non-empty string of at most 255 characters is required');
  if (typeof s.flavorRef !== 'string' && typeof s.flavorRef !== 'number') throw invalid('flavorRef', s.flavorRef, "'flavorRef' is a required property");
  // 2.37 made networks required ("auto", "none" or a list); before it a missing key meant "auto".
  if (mv >= 37 && s.networks === undefined) throw invalid('server', s, "'networks' is a required property");
  if (s.networks !== undefined && s.networks !== 'auto' && s.networks !== 'none' && !Array.isArray(s.networks)) {
    throw invalid('networks', s.networks, "'networks' must be 'auto', 'none' or a list");
  }
  if (typeof s.imageRef !== 'string' || !UUID.test(s.imageRef)) throw badRequest('Invalid imageRef provided.');
  const az = s.availability_zone;
  if (az !== undefined && typeof az !== 'string') throw invalid('availability_zone', az, 'must be a string');
  return { name: s.name, flavorRef: String(s.flavorRef), imageRef: s.imageRef, az: az ?? null };
}

function createServer(world: CloudWorld, power: PowerActions, ctx: NovaContext): Reply {
  const req = parseCreate(ctx.body, ctx.mv);
  const flavor = world.flavors.find((f) => f.id === req.flavorRef);
  if (!flavor) throw badRequest(`Flavor ${req.flavorRef} could not be found.`);
  if (req.az !== null && ![...world.hosts.values()].some((h) => h.az === req.az)) {
    throw badRequest('The requested availability zone is not available');
  }
  if (ctx.token.projectId === null) throw badRequest('A project-scoped token is required to create a server.');
  const host = chooseBootHost(world, flavor, req.az);
  const stamp = novaTime(world.now());
  const inst: InstanceRec = {
    uuid: randomUUID(), name: req.name, projectId: ctx.token.projectId, userId: ctx.token.userId, flavorId: flavor.id,
    // No valid host: Nova still answers 202; the instance goes to ERROR in cell0 with no host. The lab keeps it on no host.
    host: host ?? '', vmState: 'building', taskState: host === null ? null : 'spawning', powerState: 0, mdClear: false,
    createdAt: stamp, updatedAt: stamp, seq: world.nextSeq(), requestedAz: req.az,
  };
  world.instances.set(inst.uuid, inst);
  world.bumpGeneration(inst.host === '' ? null : inst.host);
  if (host === null) world.setInstance(inst, 'error', null, 0);
  else power.build(inst);
  const base = computeUrl(ctx);
  return {
    status: 202,
    headers: { Location: `${base}/servers/${inst.uuid}` },
    body: {
      server: {
        id: inst.uuid, links: [{ href: `${base}/servers/${inst.uuid}`, rel: 'self' }], 'OS-DCF:diskConfig': 'MANUAL',
        security_groups: [{ name: 'default' }], adminPass: randomBytes(9).toString('base64url'),
      },
    },
  };
}

export function createServerRoutes(world: CloudWorld, power: PowerActions): Route<NovaContext>[] {
  return [route<NovaContext>('POST', '/servers', (ctx) => createServer(world, power, ctx))];
}
