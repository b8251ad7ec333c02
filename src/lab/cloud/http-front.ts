// The node:http request handler: reads the body, applies endpoint faults, dispatches to Keystone, Nova or /_lab, logs the call.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, errorBody } from './api-error.js';
import type { ErrorStyle } from './api-error.js';
import type { ComputeFront } from './compute-front.js';
import type { FaultStore } from './faults.js';
import type { PlacementFront } from './placement-front.js';
import { readJsonBody, sendReply } from './http-io.js';
import type { Reply, RequestContext } from './http-io.js';
import { actionName } from './nova-actions-routes.js';
import type { RequestLog } from './request-log.js';
import { matchRoute } from './router.js';
import type { Route } from './router.js';

export interface FrontDeps {
  baseUrl: () => string;
  keystone: Route[];
  lab: Route[];
  compute: ComputeFront;
  placement: PlacementFront;
  faults: FaultStore;
  log: RequestLog;
  /** Resolves after ms unless the cloud closes first (then rejects), so delay faults never outlive close(). */
  sleep: (ms: number) => Promise<void>;
}

function styleOf(path: string): ErrorStyle {
  if (path.startsWith('/identity')) return 'keystone';
  if (path.startsWith('/_lab')) return 'lab';
  if (path.startsWith('/placement')) return 'placement';
  return 'nova';
}

async function dispatch(deps: FrontDeps, ctx: RequestContext): Promise<Reply> {
  if (ctx.path.startsWith('/compute')) return deps.compute.handle(ctx);
  if (ctx.path === '/placement' || ctx.path.startsWith('/placement/')) return deps.placement.handle(ctx);
  const routes = ctx.path.startsWith('/_lab') ? deps.lab : ctx.path.startsWith('/identity') ? deps.keystone : [];
  const match = matchRoute(routes, ctx.method, ctx.path);
  if (!match.route) throw new ApiError(match.methodMismatch ? 405 : 404, match.methodMismatch ? 'Method not allowed' : 'The resource could not be found.');
  ctx.params = match.params;
  return match.route.handler(ctx);
}

export function createRequestHandler(deps: FrontDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://fake.invalid');
      const method = (req.method ?? 'GET').toUpperCase();
      const style = styleOf(url.pathname);
      const logged = !url.pathname.startsWith('/_lab');
      const ctx: RequestContext = { method, path: url.pathname, query: url.searchParams, headers: req.headers, body: undefined,
        params: {}, baseUrl: deps.baseUrl(), user: null };
      const finish = (reply: Reply | null): void => {
        if (logged) deps.log.add({ time: new Date().toISOString(), method, path: `${url.pathname}${url.search}`, user: ctx.user, status: reply?.status ?? null });
        if (reply) sendReply(res, reply);
      };
      try {
        ctx.body = await readJsonBody(req);
        const fault = logged ? deps.faults.take(method, url.pathname, method === 'POST' ? actionName(ctx.body) : undefined, url.searchParams) : undefined;
        if (fault?.kind === 'hang') return finish(null);
        if (fault?.kind === 'hold') await deps.faults.hold();
        if (fault?.kind === 'delay') await deps.sleep(fault.delayMs ?? 0);
        if (fault?.status !== undefined) {
          return finish({ status: fault.status, body: errorBody(style, fault.status, `Injected fault: HTTP ${fault.status}`) });
        }
        finish(await dispatch(deps, ctx));
      } catch (err) {
        if (err instanceof ApiError) return finish({ status: err.status, body: errorBody(err.style ?? style, err.status, err.message), headers: err.headers });
        if (res.destroyed) return finish(null);
        const message = `Unexpected API Error: ${err instanceof Error ? err.message : String(err)}`;
        finish({ status: 500, body: errorBody(style, 500, message) });
      }
    })();
  };
}
