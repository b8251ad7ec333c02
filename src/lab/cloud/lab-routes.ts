// The unauthenticated /_lab control API (loopback lab only): state, audit, faults, operator actions, host reboots, request log.
import { ApiError, badRequest, notFound } from './api-error.js';
import { faultUpdateSchema } from './faults.js';
import type { FaultSnapshot, FaultUpdate } from './faults.js';
import { isObject } from './http-io.js';
import type { AuditRecord } from './model.js';
import type { RequestLogEntry } from './request-log.js';
import { route } from './router.js';
import type { Route } from './router.js';
import type { LabStateSnapshot } from './state-snapshot.js';

/** What the control API needs from the fake cloud. */
export interface LabOps {
  state(): LabStateSnapshot;
  audit(): AuditRecord[];
  faults(): FaultSnapshot;
  setFaults(update: FaultUpdate): void;
  setServiceStatusAs(host: string, status: 'enabled' | 'disabled', user: string, reason: string | null): void;
  hostRebooting(host: string): void;
  hostBooted(host: string, agentRunning?: boolean): void;
  requests(): RequestLogEntry[];
  clearRequests(): void;
}

function hostOr404(fn: () => void): void {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw notFound(err instanceof Error ? err.message : String(err));
  }
}

export function labRoutes(ops: LabOps): Route[] {
  return [
    route('GET', '/_lab/state', () => ({ status: 200, body: ops.state() })),
    route('GET', '/_lab/audit', () => ({ status: 200, body: ops.audit() })),
    route('GET', '/_lab/faults', () => ({ status: 200, body: ops.faults() })),
    route('POST', '/_lab/faults', (ctx) => {
      const parsed = faultUpdateSchema.safeParse(ctx.body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw badRequest(`${issue?.path.map(String).join('.') || 'body'}: ${issue?.message ?? 'invalid'}`);
      }
      ops.setFaults(parsed.data);
      return { status: 200, body: ops.faults() };
    }),
    route('POST', '/_lab/services/{host}/{action}', (ctx) => {
      const action = ctx.params.action;
      if (action !== 'disable' && action !== 'enable') throw notFound(`unknown action ${action ?? ''}`);
      const body = isObject(ctx.body) ? ctx.body : {};
      if (typeof body.user !== 'string' || body.user === '') throw badRequest('body.user (the acting user name) is required');
      const reason = typeof body.reason === 'string' && body.reason !== '' ? body.reason : null;
      hostOr404(() => ops.setServiceStatusAs(ctx.params.host!, action === 'disable' ? 'disabled' : 'enabled', body.user as string, reason));
      return { status: 200, body: ops.state().services.find((s) => s.host === ctx.params.host && s.binary === 'nova-compute') };
    }),
    route('POST', '/_lab/hosts/{host}/rebooting', (ctx) => {
      hostOr404(() => ops.hostRebooting(ctx.params.host!));
      return { status: 204 };
    }),
    route('POST', '/_lab/hosts/{host}/booted', (ctx) => {
      hostOr404(() => ops.hostBooted(ctx.params.host!));
      return { status: 204 };
    }),
    route('GET', '/_lab/requests', () => ({ status: 200, body: ops.requests() })),
    route('DELETE', '/_lab/requests', () => {
      ops.clearRequests();
      return { status: 204 };
    }),
  ];
}
