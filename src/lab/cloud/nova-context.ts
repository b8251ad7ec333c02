// What every Nova handler receives: the request, its negotiated microversion and the caller's token; policy helpers.
import { forbidden } from './api-error.js';
import type { RequestContext } from './http-io.js';
import type { Mv } from './microversion.js';
import type { TokenInfo } from './tokens.js';

export interface NovaContext extends RequestContext {
  mv: Mv;
  token: TokenInfo;
}

export function isAdmin(ctx: NovaContext): boolean {
  return ctx.token.roles.includes('admin');
}

/** Nova's default policy for the admin APIs used by host maintenance. */
export function requireAdmin(ctx: NovaContext, rule: string): void {
  if (!isAdmin(ctx)) throw forbidden(rule);
}

/** Nova's truthy spellings for boolean query parameters (all_tenants); value-less means true. */
export function queryFlag(q: URLSearchParams, name: string): boolean {
  if (!q.has(name)) return false;
  const v = (q.get(name) ?? '').toLowerCase();
  return v === '' || ['1', 't', 'true', 'on', 'y', 'yes'].includes(v);
}

export function computeUrl(ctx: RequestContext): string {
  return `${ctx.baseUrl}/compute/v2.1`;
}
