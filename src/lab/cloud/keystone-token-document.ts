// The token document Keystone renders when it issues a token and when it validates one, with the service catalog.
import { keystoneTime } from './model.js';
import type { TokenInfo } from './tokens.js';
import type { CloudWorld } from './world.js';

function catalog(world: CloudWorld, baseUrl: string, projectId: string): unknown[] {
  const region = world.cfg.region;
  const ep = (svc: string, url: string): unknown[] => world.cfg.catalogInterfaces.map((iface) => ({
    id: `${svc}-${iface}`, interface: iface, region, region_id: region, url,
  }));
  return [
    { type: 'identity', name: 'keystone', id: 'svc-identity', endpoints: ep('identity', `${baseUrl}/identity`) },
    // A decoy that a prefix match on "compute" would wrongly pick (real old catalogs carry it).
    { type: 'compute_legacy', name: 'nova_legacy', id: 'svc-compute-legacy', endpoints: ep('compute-legacy', `${baseUrl}/compute/v2/${projectId}`) },
    { type: 'compute', name: 'nova', id: 'svc-compute', endpoints: ep('compute', `${baseUrl}/compute/v2.1`) },
    ...(world.cfg.placement ? [{ type: 'placement', name: 'placement', id: 'svc-placement', endpoints: ep('placement', `${baseUrl}/placement`) }] : []),
  ];
}

/** The token document Keystone returns when it issues a token and when it validates one. */
export function tokenDocument(world: CloudWorld, info: TokenInfo, baseUrl: string, withCatalog: boolean): Record<string, unknown> {
  const domainOf = (id: string): { id: string; name: string } => ({ id, name: world.domains.find((d) => d.id === id)?.name ?? id });
  const user = world.users.find((u) => u.id === info.userId);
  const body: Record<string, unknown> = {
    methods: [info.method],
    user: { id: info.userId, name: info.userName, domain: domainOf(user?.domainId ?? 'default'), password_expires_at: null },
    audit_ids: [info.auditId],
    issued_at: keystoneTime(info.issuedAt),
    expires_at: keystoneTime(info.expiresAt),
  };
  if (info.appCred) body.application_credential = { ...info.appCred, restricted: true };
  const project = info.projectId === null ? undefined : world.projects.find((p) => p.id === info.projectId);
  if (project) {
    body.project = { id: project.id, name: project.name, domain: domainOf(project.domainId) };
    body.is_domain = false;
    body.roles = info.roles.map((r) => ({ id: `role-${r}`, name: r }));
    if (withCatalog) body.catalog = catalog(world, baseUrl, project.id);
  }
  return body;
}
