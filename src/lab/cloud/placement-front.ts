// The /placement front door: root version document, token check, `OpenStack-API-Version: placement 1.x`, admin policy.
import { ApiError } from './api-error.js';
import type { Reply, RequestContext } from './http-io.js';
import { matchRoute } from './router.js';
import type { Route } from './router.js';
import type { TokenInfo, TokenStore } from './tokens.js';
import type { CloudWorld } from './world.js';

export const PLACEMENT_MIN = 0;
/** Placement 1.39 is Yoga's and Zed's maximum. */
export const PLACEMENT_MAX = 39;

export interface PlacementContext extends RequestContext {
  /** The minor of the negotiated 1.x. */
  pmv: number;
  token: TokenInfo;
}

function negotiate(ctx: RequestContext): number {
  const raw = ctx.headers['openstack-api-version'];
  const header = Array.isArray(raw) ? raw.join(',') : raw;
  if (header === undefined) return PLACEMENT_MIN;
  for (const part of header.split(',')) {
    const [service, version] = part.trim().split(/\s+/);
    if (service?.toLowerCase() !== 'placement' || version === undefined) continue;
    if (version === 'latest') return PLACEMENT_MAX;
    const m = /^1\.(\d+)$/.exec(version);
    if (!m) throw new ApiError(400, `invalid version string: ${version}`);
    const minor = Number(m[1]);
    if (minor > PLACEMENT_MAX) throw new ApiError(406, `Unacceptable version header: ${version}`);
    return minor;
  }
  return PLACEMENT_MIN;
}

export class PlacementFront {
  constructor(private readonly world: CloudWorld, private readonly routes: Route<PlacementContext>[], private readonly tokens: TokenStore) {}

  async handle(ctx: RequestContext): Promise<Reply> {
    if (!this.world.cfg.placement) throw new ApiError(404, 'The resource could not be found.');
    const sub = ctx.path.slice('/placement'.length) || '/';
    if (ctx.method === 'GET' && sub === '/') {
      return { status: 200, body: { versions: [{ id: 'v1.0', max_version: `1.${PLACEMENT_MAX}`, min_version: '1.0', status: 'CURRENT',
        links: [{ href: '', rel: 'self' }] }] } };
    }
    const header = ctx.headers['x-auth-token'];
    const lookup = this.tokens.lookup(Array.isArray(header) ? header[0] : header);
    if (!lookup.ok) {
      throw new ApiError(401, 'The request you have made requires authentication.', { 'WWW-Authenticate': `Keystone uri="${ctx.baseUrl}/identity"` }, 'keystone');
    }
    ctx.user = lookup.info.userName;
    const pmv = negotiate(ctx);
    const echo = { 'OpenStack-API-Version': `placement 1.${pmv}`, Vary: 'openstack-api-version' };
    try {
      const match = matchRoute(this.routes, ctx.method, sub);
      if (!match.route) throw new ApiError(match.methodMismatch ? 405 : 404, match.methodMismatch ? 'The method specified is not allowed for this resource.' : 'The resource could not be found.');
      const pctx: PlacementContext = Object.assign(ctx, { params: match.params, pmv, token: lookup.info });
      const reply = await match.route.handler(pctx);
      return { ...reply, headers: { ...echo, ...reply.headers } };
    } catch (err) {
      if (err instanceof ApiError) throw new ApiError(err.status, err.message, { ...echo, ...err.headers }, err.style);
      throw err;
    }
  }
}
