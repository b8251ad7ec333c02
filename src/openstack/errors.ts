// Typed failures of the OpenStack client: HTTP status errors (409 as ConflictError), timeouts, connection and TLS failures.
import { OrchestratorError, type ErrorContext } from '../util/errors.js';

/** Where a failed call went: method and path only (never headers, so never a token). */
export interface RequestInfo {
  method: string;
  path: string;
}

/** A response with a status >= 400 that was not retried (or ran out of retries). */
export class OpenStackHttpError extends OrchestratorError {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** The message from the service's error body (Nova's `{"badRequest": {"message": ...}}`, Keystone's `{"error": ...}`). */
  readonly apiMessage: string | undefined;
  readonly requestId: string | undefined;

  constructor(info: RequestInfo & { status: number; apiMessage?: string; requestId?: string }, ctx: ErrorContext = {}, code = 'E_OPENSTACK_HTTP') {
    const detail = info.apiMessage ? `: ${info.apiMessage}` : '';
    const req = info.requestId ? ` (request ${info.requestId})` : '';
    super(code, `${info.method} ${info.path} failed with HTTP ${info.status}${detail}${req}`, ctx);
    this.method = info.method;
    this.path = info.path;
    this.status = info.status;
    this.apiMessage = info.apiMessage;
    this.requestId = info.requestId;
  }
}

/** HTTP 409: the resource is in a state that forbids the action (e.g. live-migrating a SHUTOFF instance). */
export class ConflictError extends OpenStackHttpError {
  constructor(info: RequestInfo & { status: number; apiMessage?: string; requestId?: string }, ctx: ErrorContext = {}) {
    super(info, ctx, 'E_OPENSTACK_CONFLICT');
  }
}

/** HTTP 404: the server, service or migration does not exist (any more). */
export class NotFoundError extends OpenStackHttpError {
  constructor(info: RequestInfo & { status: number; apiMessage?: string; requestId?: string }, ctx: ErrorContext = {}) {
    super(info, ctx, 'E_OPENSTACK_NOT_FOUND');
  }
}

/** Keystone refused the credentials, or a token stayed invalid after one re-authentication. */
export class OpenStackAuthError extends OpenStackHttpError {
  constructor(info: RequestInfo & { status: number; apiMessage?: string; requestId?: string }, ctx: ErrorContext = {}) {
    super(info, ctx, 'E_OPENSTACK_AUTH');
  }
}

/** No response within the per-request timeout; the request was torn down. */
export class OpenStackTimeoutError extends OrchestratorError {
  readonly method: string;
  readonly path: string;
  constructor(info: RequestInfo & { timeoutMs: number }, ctx: ErrorContext = {}) {
    super('E_OPENSTACK_TIMEOUT', `${info.method} ${info.path} timed out after ${info.timeoutMs} ms`, ctx);
    this.method = info.method;
    this.path = info.path;
  }
}

/** The connection failed (refused, reset, unreachable). `beforeSend` is true when no byte of the request can have arrived. */
export class OpenStackConnectionError extends OrchestratorError {
  readonly method: string;
  readonly path: string;
  readonly errno: string | undefined;
  readonly beforeSend: boolean;
  constructor(info: RequestInfo & { errno?: string; beforeSend: boolean; detail: string }, ctx: ErrorContext = {}) {
    super('E_OPENSTACK_CONNECTION', `${info.method} ${info.path} failed: ${info.detail}`, ctx);
    this.method = info.method;
    this.path = info.path;
    this.errno = info.errno;
    this.beforeSend = info.beforeSend;
  }
}

/** The server's certificate could not be verified (unknown CA, wrong name, expired). Never retried. */
export class OpenStackTlsError extends OrchestratorError {
  constructor(info: RequestInfo & { detail: string }, ctx: ErrorContext = {}) {
    super('E_OPENSTACK_TLS', `${info.method} ${info.path}: TLS verification failed: ${info.detail} (set cacert in clouds.yaml)`, ctx);
  }
}

/** The cloud answered, but not in a way this client can use (no compute endpoint, unsupported microversion range, odd body). */
export class OpenStackProtocolError extends OrchestratorError {
  constructor(message: string, ctx: ErrorContext = {}) {
    super('E_OPENSTACK_PROTOCOL', message, ctx);
  }
}

/** The catalog has no endpoint of the wanted type at all (for optional services such as Placement). */
export class NoEndpointError extends OpenStackProtocolError {
  readonly serviceType: string;
  constructor(serviceType: string, message: string) {
    super(message);
    this.serviceType = serviceType;
  }
}
