// Keystone v3 of the fake cloud: version documents and project-scoped password authentication with a service catalog.
import { ApiError, badRequest } from './api-error.js';
import { isObject } from './http-io.js';
import type { Reply, RequestContext } from './http-io.js';
import type { AppCredRec, ProjectRec, UserRec } from './model.js';
import { keystoneTokenRoutes } from './keystone-token-routes.js';
import { route } from './router.js';
import type { Route } from './router.js';
import { tokenDocument } from './keystone-token-document.js';
import type { TokenStore } from './tokens.js';
import type { CloudWorld } from './world.js';

const UNAUTHORIZED = 'The request you have made requires authentication.';

function versionDoc(baseUrl: string): unknown {
  return {
    id: 'v3.14', status: 'stable', updated: '2020-04-07T00:00:00Z',
    links: [{ rel: 'self', href: `${baseUrl}/identity/v3/` }],
    'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' }],
  };
}

function findDomain(world: CloudWorld, ref: unknown): string | undefined {
  if (!isObject(ref)) return undefined;
  if (typeof ref.id === 'string') return world.domains.find((d) => d.id === ref.id)?.id;
  if (typeof ref.name === 'string') return world.domains.find((d) => d.name === ref.name)?.id;
  return undefined;
}

function findUser(world: CloudWorld, ref: Record<string, unknown>): UserRec | undefined {
  if (typeof ref.id === 'string') return world.users.find((u) => u.id === ref.id);
  if (typeof ref.name !== 'string') throw badRequest("Invalid input for field 'identity/password/user': 'id' or 'name' is required");
  if (!isObject(ref.domain)) throw badRequest("Invalid input for field 'identity/password/user': a user name needs a domain");
  const domainId = findDomain(world, ref.domain);
  return world.users.find((u) => u.name === ref.name && u.domainId === domainId);
}

function findProject(world: CloudWorld, ref: unknown): ProjectRec | undefined {
  if (!isObject(ref)) throw badRequest("Invalid input for field 'scope/project'");
  if (typeof ref.id === 'string') return world.projects.find((p) => p.id === ref.id);
  if (typeof ref.name !== 'string' || !isObject(ref.domain)) throw badRequest("Invalid input for field 'scope/project': name needs a domain");
  const domainId = findDomain(world, ref.domain);
  return world.projects.find((p) => p.name === ref.name && p.domainId === domainId);
}

interface Authenticated {
  user: UserRec;
  method: 'password' | 'application_credential';
  project: ProjectRec | null;
  roles: string[];
  appCred?: AppCredRec;
}

function passwordIdentity(world: CloudWorld, auth: Record<string, unknown>, identity: Record<string, unknown>): Authenticated {
  if (!isObject(identity.password)) throw badRequest("Invalid input for field 'identity/password': expected an object");
  const ref = identity.password.user;
  if (!isObject(ref) || typeof ref.password !== 'string') throw badRequest("Invalid input for field 'identity/password/user/password'");
  const user = findUser(world, ref);
  // One message for unknown user and wrong password, like Keystone, so names cannot be probed.
  if (!user || user.password !== ref.password) throw new ApiError(401, UNAUTHORIZED);
  let project: ProjectRec | null = null;
  if (auth.scope !== undefined) {
    if (!isObject(auth.scope) || auth.scope.project === undefined) throw new ApiError(401, UNAUTHORIZED);
    const p = findProject(world, auth.scope.project);
    if (!p || !user.projects.includes(p.name)) throw new ApiError(401, UNAUTHORIZED);
    project = p;
  }
  return { user, method: 'password', project, roles: project ? user.roles : [] };
}

/** keystone/auth/plugins/application_credential.py: by id, or by name with its user; the scope is the credential's own. */
function appCredIdentity(world: CloudWorld, auth: Record<string, unknown>, identity: Record<string, unknown>): Authenticated {
  const ref = identity.application_credential;
  if (!isObject(ref) || typeof ref.secret !== 'string') throw badRequest("Invalid input for field 'identity/application_credential/secret'");
  let found: { user: UserRec; cred: AppCredRec } | undefined;
  if (typeof ref.id === 'string') {
    for (const user of world.users) {
      const cred = user.applicationCredentials.find((c) => c.id === ref.id);
      if (cred) found = { user, cred };
    }
  } else if (typeof ref.name === 'string' && isObject(ref.user)) {
    const user = findUser(world, ref.user);
    const cred = user?.applicationCredentials.find((c) => c.name === ref.name);
    if (user && cred) found = { user, cred };
  } else {
    throw badRequest("Invalid input for field 'identity/application_credential': 'id', or 'name' and 'user', is required");
  }
  if (!found || found.cred.secret !== ref.secret) throw new ApiError(401, UNAUTHORIZED);
  if (auth.scope !== undefined) throw new ApiError(401, 'The request you have made requires authentication. Application credentials cannot request a scope.');
  const project = world.projects.find((p) => p.name === found.cred.projectName) ?? null;
  return { user: found.user, method: 'application_credential', project, roles: found.cred.roles, appCred: found.cred };
}

function authenticate(world: CloudWorld, tokens: TokenStore, ctx: RequestContext): Reply {
  const auth = isObject(ctx.body) ? ctx.body.auth : undefined;
  if (!isObject(auth) || !isObject(auth.identity)) throw badRequest("Expecting to find identity in auth. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.");
  const identity = auth.identity;
  const methods = Array.isArray(identity.methods) ? identity.methods : [];
  let who: Authenticated;
  if (methods.includes('application_credential')) who = appCredIdentity(world, auth, identity);
  else if (methods.includes('password')) who = passwordIdentity(world, auth, identity);
  else throw new ApiError(401, UNAUTHORIZED);
  const { user, project, roles } = who;
  ctx.user = user.name;

  const how = who.appCred ? { method: who.method, appCred: { id: who.appCred.id, name: who.appCred.name } } : { method: who.method };
  const { token, info } = tokens.issue(user, project?.id ?? null, roles, world.tokenTtlMs, how);
  const body = tokenDocument(world, info, ctx.baseUrl, !ctx.query.has('nocatalog'));
  return { status: 201, body: { token: body }, headers: { 'X-Subject-Token': token, Vary: 'X-Auth-Token' } };
}

export function keystoneRoutes(world: CloudWorld, tokens: TokenStore): Route[] {
  return [
    route('GET', '/identity', (ctx) => ({ status: 300, body: { versions: { values: [versionDoc(ctx.baseUrl)] } } })),
    route('GET', '/identity/v3', (ctx) => ({ status: 200, body: { version: versionDoc(ctx.baseUrl) } })),
    route('POST', '/identity/v3/auth/tokens', (ctx) => authenticate(world, tokens, ctx)),
    ...keystoneTokenRoutes(world, tokens),
  ];
}
