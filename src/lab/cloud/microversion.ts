// Nova microversion negotiation: read the request headers, reject out-of-range versions (406), build the echo headers.
import { ApiError } from './api-error.js';
import type { RequestContext } from './http-io.js';

/** Nova's major version is always 2, so a microversion is carried as its minor number (2.53 -> 53). */
export type Mv = number;

export interface MvRange {
  min: Mv;
  max: Mv;
}

export function parseMvConfig(v: string): Mv {
  return Number(v.slice(v.indexOf('.') + 1));
}

function headerValue(h: string | string[] | undefined): string | undefined {
  return Array.isArray(h) ? h.join(',') : h;
}

function requested(ctx: RequestContext): string | undefined {
  const modern = headerValue(ctx.headers['openstack-api-version']);
  if (modern !== undefined) {
    for (const part of modern.split(',')) {
      const [service, version] = part.trim().split(/\s+/);
      if (service?.toLowerCase() === 'compute' && version !== undefined) return version;
    }
  }
  return headerValue(ctx.headers['x-openstack-nova-api-version'])?.trim();
}

/** The microversion a request asks for; none = the minimum, as Nova does. */
export function negotiateLabMicroversion(ctx: RequestContext, range: MvRange): Mv {
  const raw = requested(ctx);
  if (raw === undefined) return range.min;
  if (raw.toLowerCase() === 'latest') return range.max;
  const m = /^(\d+)\.(\d+)$/.exec(raw);
  if (!m) throw new ApiError(400, `API Version String ${raw} is of invalid format. Must be of format MajorNum.MinorNum.`);
  const major = Number(m[1]);
  const minor = Number(m[2]);
  if (major !== 2 || minor < range.min || minor > range.max) {
    throw new ApiError(406, `Version ${raw} is not supported by the API. Minimum is 2.${range.min} and maximum is 2.${range.max}.`);
  }
  return minor;
}

export function mvHeaders(mv: Mv): Record<string, string> {
  return {
    'OpenStack-API-Version': `compute 2.${mv}`,
    'X-OpenStack-Nova-API-Version': `2.${mv}`,
    Vary: 'OpenStack-API-Version, X-OpenStack-Nova-API-Version',
  };
}
