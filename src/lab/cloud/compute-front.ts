// The /compute front door: version documents, token check (401), microversion negotiation (406) and Nova routing.
import { ApiError } from './api-error.js';
import type { Reply, RequestContext } from './http-io.js';
import { mvHeaders, negotiateLabMicroversion } from './microversion.js';
import type { MvRange } from './microversion.js';
import type { NovaContext } from './nova-context.js';
import { matchRoute } from './router.js';
import type { Route } from './router.js';
import type { TokenStore } from './tokens.js';

export const COMPUTE_ROOT = '/compute/v2.1';

function v21Doc(base: string, range: MvRange): Record<string, unknown> {
  return {
    id: 'v2.1',
    status: 'CURRENT',
    version: `2.${range.max}`,
    min_version: `2.${range.min}`,
    updated: '2013-07-23T11:33:21Z',
    links: [{ href: `${base}${COMPUTE_ROOT}/`, rel: 'self' }, { href: 'http://docs.openstack.org/', rel: 'describedby', type: 'text/html' }],
    'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.compute+json;version=2.1' }],
  };
}

export class ComputeFront {
  constructor(private readonly routes: Route<NovaContext>[], private readonly tokens: TokenStore, private readonly range: MvRange) {}

  /** Errors thrown from here carry the headers they should be sent with (the version echo once negotiated). */
  async handle(ctx: RequestContext): Promise<Reply> {
    if (ctx.method === 'GET' && (ctx.path === '/compute' || ctx.path === '/compute/')) {
      const v20 = { id: 'v2.0', status: 'SUPPORTED', version: '', min_version: '', updated: '2011-01-21T11:33:21Z',
        links: [{ href: `${ctx.baseUrl}/compute/v2/`, rel: 'self' }] };
      return { status: 200, body: { versions: [v20, v21Doc(ctx.baseUrl, this.range)] } };
    }
    if (ctx.method === 'GET' && (ctx.path === COMPUTE_ROOT || ctx.path === `${COMPUTE_ROOT}/`)) {
      return { status: 200, body: { version: v21Doc(ctx.baseUrl, this.range) } };
    }
    if (!ctx.path.startsWith(`${COMPUTE_ROOT}/`)) throw new ApiError(404, 'The resource could not be found.');

    const header = ctx.headers['x-auth-token'];
    const lookup = this.tokens.lookup(Array.isArray(header) ? header[0] : header);
    if (!lookup.ok) {
      throw new ApiError(401, 'The request you have made requires authentication.', {
        'WWW-Authenticate': `Keystone uri="${ctx.baseUrl}/identity"`,
      }, 'keystone');
    }
    ctx.user = lookup.info.userName;
    const mv = negotiateLabMicroversion(ctx, this.range);
    const echo = mvHeaders(mv);
    const sub = ctx.path.slice(COMPUTE_ROOT.length);
    const match = matchRoute(this.routes, ctx.method, sub);
    try {
      if (!match.route) {
        throw match.methodMismatch ? new ApiError(405, 'The method specified is not allowed for this resource.') : new ApiError(404, 'The resource could not be found.');
      }
      const nctx: NovaContext = Object.assign(ctx, { params: match.params, mv, token: lookup.info });
      const reply = await match.route.handler(nctx);
      return { ...reply, headers: { ...echo, ...reply.headers } };
    } catch (err) {
      if (err instanceof ApiError) throw new ApiError(err.status, err.message, { ...echo, ...err.headers });
      throw err;
    }
  }
}
