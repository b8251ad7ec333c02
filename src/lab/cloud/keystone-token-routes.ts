// Keystone v3 calls made with a token: validate and revoke a token (GET/DELETE /v3/auth/tokens) and create an application
// credential for oneself, with Keystone's default policies (an admin or the token's own user; a credential only for oneself).
import { randomBytes, randomUUID } from 'node:crypto';
import { ApiError, badRequest } from './api-error.js';
import { isObject } from './http-io.js';
import type { Reply, RequestContext } from './http-io.js';
import { tokenDocument } from './keystone-token-document.js';
import { route } from './router.js';
import type { Route } from './router.js';
import type { TokenInfo, TokenStore } from './tokens.js';
import type { CloudWorld } from './world.js';

const UNAUTHORIZED = 'The request you have made requires authentication.';

function header(ctx: RequestContext, name: string): string | undefined {
  const v = ctx.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function caller(tokens: TokenStore, ctx: RequestContext): TokenInfo {
  const found = tokens.lookup(header(ctx, 'x-auth-token'));
  if (!found.ok) throw new ApiError(401, UNAUTHORIZED);
  ctx.user = found.info.userName;
  return found.info;
}

/** identity:validate_token / revoke_token: an admin (or service) may act on any token, anyone on their own. */
function subject(tokens: TokenStore, ctx: RequestContext, who: TokenInfo, action: string): { token: string; info: TokenInfo } {
  const token = header(ctx, 'x-subject-token');
  const found = tokens.lookup(token);
  if (token === undefined || !found.ok) throw new ApiError(404, `Could not find token: ${token ?? ''}.`);
  if (!who.roles.includes('admin') && found.info.userId !== who.userId) {
    throw new ApiError(403, `You are not authorized to perform the requested action: identity:${action}.`);
  }
  return { token, info: found.info };
}

function createAppCred(world: CloudWorld, tokens: TokenStore, ctx: RequestContext): Reply {
  const who = caller(tokens, ctx);
  const userId = ctx.params.user_id!;
  if (who.userId !== userId) throw new ApiError(403, 'You are not authorized to perform the requested action: identity:create_application_credential.');
  if (who.appCred) throw new ApiError(403, 'Using method \'application_credential\' is not allowed for managing additional application credentials.');
  const project = world.projects.find((p) => p.id === who.projectId);
  if (!project) throw new ApiError(401, 'A project-scoped token is required to create an application credential.');
  const ref = isObject(ctx.body) ? ctx.body.application_credential : undefined;
  if (!isObject(ref) || typeof ref.name !== 'string' || ref.name === '') throw badRequest("Invalid input for field 'application_credential/name': a name is required");
  const user = world.users.find((u) => u.id === userId)!;
  if (user.applicationCredentials.some((c) => c.name === ref.name)) throw new ApiError(409, 'Conflict occurred attempting to store application_credential - Duplicate entry.');
  const asked = Array.isArray(ref.roles) ? ref.roles.map((r) => (isObject(r) ? String(r.name ?? r.id ?? '') : '').replace(/^role-/, '')) : who.roles;
  const missing = asked.filter((r) => !who.roles.includes(r));
  if (missing.length > 0) throw badRequest(`Invalid input: the user does not hold the roles ${missing.join(', ')} on the project`);
  const cred = {
    id: randomUUID().replace(/-/g, ''), name: ref.name,
    secret: typeof ref.secret === 'string' && ref.secret !== '' ? ref.secret : randomBytes(48).toString('base64url'),
    projectName: project.name, roles: asked,
  };
  user.applicationCredentials.push(cred);
  return {
    status: 201,
    body: {
      application_credential: {
        id: cred.id, name: cred.name, secret: cred.secret, description: typeof ref.description === 'string' ? ref.description : null,
        user_id: userId, project_id: project.id, expires_at: null, unrestricted: false, access_rules: [],
        roles: cred.roles.map((r) => ({ id: `role-${r}`, name: r, domain_id: null })),
        links: { self: `${ctx.baseUrl}/identity/v3/users/${userId}/application_credentials/${cred.id}` },
      },
    },
  };
}

export function keystoneTokenRoutes(world: CloudWorld, tokens: TokenStore): Route[] {
  return [
    route('GET', '/identity/v3/auth/tokens', (ctx) => {
      const { info } = subject(tokens, ctx, caller(tokens, ctx), 'validate_token');
      return { status: 200, body: { token: tokenDocument(world, info, ctx.baseUrl, !ctx.query.has('nocatalog')) }, headers: { 'X-Subject-Token': header(ctx, 'x-subject-token')! } };
    }),
    route('DELETE', '/identity/v3/auth/tokens', (ctx) => {
      const { token } = subject(tokens, ctx, caller(tokens, ctx), 'revoke_token');
      tokens.revoke(token);
      return { status: 204 };
    }),
    route('POST', '/identity/v3/users/{user_id}/application_credentials', (ctx) => createAppCred(world, tokens, ctx)),
  ];
}
