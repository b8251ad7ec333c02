// HTTP errors the fake cloud answers with, rendered in Nova's fault shape or Keystone's error shape.

export type ErrorStyle = 'nova' | 'keystone' | 'placement' | 'lab';

export class ApiError extends Error {
  readonly code = 'E_FAKE_CLOUD_HTTP';
  /** style overrides the path's usual error shape (Nova's 401 comes from keystonemiddleware, in Keystone's shape). */
  constructor(readonly status: number, message: string, readonly headers: Record<string, string> = {}, readonly style?: ErrorStyle) {
    super(message);
    this.name = 'ApiError';
  }
}

// nova/api/openstack/wsgi.py Fault._fault_names; anything else is a computeFault.
const NOVA_FAULT_NAMES: Record<number, string> = {
  400: 'badRequest', 401: 'unauthorized', 403: 'forbidden', 404: 'itemNotFound', 405: 'badMethod', 409: 'conflictingRequest',
  413: 'overLimit', 415: 'badMediaType', 429: 'overLimit', 501: 'notImplemented', 503: 'serviceUnavailable',
};

const KEYSTONE_TITLES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function errorBody(style: ErrorStyle, status: number, message: string): unknown {
  if (style === 'nova') return { [NOVA_FAULT_NAMES[status] ?? 'computeFault']: { code: status, message } };
  if (style === 'keystone') return { error: { code: status, message, title: KEYSTONE_TITLES[status] ?? 'Error' } };
  // placement/handlers: webob errors rendered by placement's json_error_formatter.
  if (style === 'placement') {
    return { errors: [{ status, title: KEYSTONE_TITLES[status] ?? 'Error', detail: message, code: 'placement.undefined_code', request_id: 'req-lab' }] };
  }
  return { error: message };
}

export const badRequest = (message: string): ApiError => new ApiError(400, message);
export const notFound = (message: string): ApiError => new ApiError(404, message);
export const conflict = (message: string): ApiError => new ApiError(409, message);
export const forbidden = (rule: string): ApiError => new ApiError(403, `Policy doesn't allow ${rule} to be performed.`);
