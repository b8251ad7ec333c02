// A tiny method + path-pattern router: `{name}` captures one segment.
import type { Reply, RequestContext } from './http-io.js';

export type Handler<C extends RequestContext = RequestContext> = (ctx: C) => Reply | Promise<Reply>;

export interface Route<C extends RequestContext = RequestContext> {
  method: string;
  re: RegExp;
  keys: string[];
  handler: Handler<C>;
}

export function route<C extends RequestContext = RequestContext>(method: string, pattern: string, handler: Handler<C>): Route<C> {
  const keys: string[] = [];
  const body = pattern.replace(/\/$/, '').split('/').map((seg) => {
    const m = /^\{(\w+)\}$/.exec(seg);
    if (!m) return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    keys.push(m[1]!);
    return '([^/]+)';
  }).join('/');
  return { method, re: new RegExp(`^${body}/?$`), keys, handler };
}

export type RouteMatch<C extends RequestContext> =
  | { route: Route<C>; params: Record<string, string> }
  | { route: undefined; methodMismatch: boolean };

export function matchRoute<C extends RequestContext>(routes: readonly Route<C>[], method: string, path: string): RouteMatch<C> {
  let methodMismatch = false;
  for (const r of routes) {
    const m = r.re.exec(path);
    if (!m) continue;
    if (r.method !== method) {
      methodMismatch = true;
      continue;
    }
    const params: Record<string, string> = {};
    r.keys.forEach((k, i) => { params[k] = decodeURIComponent(m[i + 1]!); });
    return { route: r, params };
  }
  return { route: undefined, methodMismatch };
}
