// The JSON HTTP client: retries (idempotent vs POST), typed errors, timeouts and abort, TLS with cacert / insecure.
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { apiMessageOf } from '../../../src/openstack/api-message.js';
import { backoffDelay, retryAfterMs } from '../../../src/util/backoff.js';
import {
  ConflictError, NotFoundError, OpenStackConnectionError, OpenStackHttpError, OpenStackTimeoutError, OpenStackTlsError,
} from '../../../src/openstack/errors.js';
import { HttpClient, type HttpClientOptions } from '../../../src/openstack/http.js';
import { AbortedError } from '../../../src/transport/types.js';
import { json, makeCert, rejection, startStub, type Stub, type TestCert } from './stub-server.js';

const stubs: Stub[] = [];
const clients: HttpClient[] = [];

function client(opts: HttpClientOptions = {}): HttpClient {
  const c = new HttpClient({ backoffBaseMs: 5, backoffMaxMs: 20, ...opts });
  clients.push(c);
  return c;
}

async function stub(...args: Parameters<typeof startStub>): Promise<Stub> {
  const s = await startStub(...args);
  stubs.push(s);
  return s;
}

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(stubs.splice(0).map((s) => s.close()));
});

describe('retries', () => {
  it('retries a GET after 503 and returns the 200', async () => {
    let n = 0;
    const s = await stub((_req, res) => (++n === 1 ? json(res, 503, { error: { message: 'busy' } }) : json(res, 200, { ok: true })));
    const res = await client().request({ method: 'GET', url: `${s.baseUrl}/x` });
    expect(res.body).toEqual({ ok: true });
    expect(s.requests).toHaveLength(2);
  });

  it('treats PUT as idempotent (502, 504, then 200)', async () => {
    const codes = [502, 504, 200];
    const s = await stub((_req, res) => json(res, codes.shift() ?? 500, {}));
    expect((await client().request({ method: 'PUT', url: `${s.baseUrl}/svc`, body: { status: 'enabled' } })).status).toBe(200);
    expect(s.requests).toHaveLength(3);
    expect(s.requests[2]?.body).toEqual({ status: 'enabled' });
  });

  it('gives up after `retries` extra attempts and reports the last status', async () => {
    const s = await stub((_req, res) => json(res, 500, { computeFault: { message: 'boom', code: 500 } }));
    const err = await rejection(client({ retries: 2 }).request({ method: 'GET', url: `${s.baseUrl}/y` }));
    expect(err).toBeInstanceOf(OpenStackHttpError);
    expect((err as OpenStackHttpError).status).toBe(500);
    expect(err.message).toBe('GET /y failed with HTTP 500: boom');
    expect(s.requests).toHaveLength(3);
  });

  it('does not retry a POST on 500 (Nova may already have acted)', async () => {
    const s = await stub((_req, res) => json(res, 500, {}));
    const err = await rejection(client().request({ method: 'POST', url: `${s.baseUrl}/servers/1/action`, body: { 'os-stop': null } }));
    expect((err as OpenStackHttpError).status).toBe(500);
    expect(s.requests).toHaveLength(1);
  });

  it('does not retry a POST whose connection was reset after sending; does retry a GET', async () => {
    const s = await stub((_req, res) => {
      res.socket?.destroy();
    });
    const post = await rejection(client().request({ method: 'POST', url: `${s.baseUrl}/a`, body: {} }));
    expect(post).toBeInstanceOf(OpenStackConnectionError);
    expect((post as OpenStackConnectionError).beforeSend).toBe(false);
    expect(s.requests).toHaveLength(1);
    await rejection(client({ retries: 2 }).request({ method: 'GET', url: `${s.baseUrl}/b` }));
    expect(s.requests).toHaveLength(4);
  });

  it('retries a POST refused before sending, once the server is up', async () => {
    const port = await freePort();
    const c = client({ retries: 1, backoffBaseMs: 400, backoffMaxMs: 400, random: () => 1 });
    const pending = c.request({ method: 'POST', url: `http://127.0.0.1:${port}/servers/1/action`, body: { 'os-start': null } });
    await new Promise((r) => setTimeout(r, 100));
    const s = await stub((_req, res) => json(res, 202, undefined), undefined, port);
    expect((await pending).status).toBe(202);
    expect(s.requests).toHaveLength(1);
  });

  it('marks ECONNREFUSED as not sent', async () => {
    const port = await freePort();
    const err = await rejection(client({ retries: 0 }).request({ method: 'POST', url: `http://127.0.0.1:${port}/a`, body: {} }));
    expect(err).toBeInstanceOf(OpenStackConnectionError);
    expect((err as OpenStackConnectionError).beforeSend).toBe(true);
    expect((err as OpenStackConnectionError).errno).toBe('ECONNREFUSED');
  });
});

describe('errors', () => {
  it('409 is a ConflictError with Nova\'s message', async () => {
    const s = await stub((_req, res) => json(res, 409, { conflictingRequest: { message: "Cannot 'os-migrateLive' instance while it is in vm_state stopped", code: 409 } }, { 'x-openstack-request-id': 'req-1' }));
    const err = await rejection(client().request({ method: 'POST', url: `${s.baseUrl}/servers/abc/action`, body: {} }));
    expect(err).toBeInstanceOf(ConflictError);
    expect(err).toMatchObject({ code: 'E_OPENSTACK_CONFLICT', method: 'POST', path: '/servers/abc/action', status: 409, requestId: 'req-1' });
    expect((err as ConflictError).apiMessage).toMatch(/vm_state stopped/);
  });

  it('404 is a NotFoundError; 400 is a plain OpenStackHttpError', async () => {
    const s = await stub((req, res) => (req.url === '/nf' ? json(res, 404, { itemNotFound: { message: 'gone' } }) : json(res, 400, { badRequest: { message: 'bad' } })));
    expect(await rejection(client().request({ method: 'GET', url: `${s.baseUrl}/nf` }))).toBeInstanceOf(NotFoundError);
    const bad = await rejection(client().request({ method: 'GET', url: `${s.baseUrl}/bad?host=h1` }));
    expect(bad.constructor).toBe(OpenStackHttpError);
    expect(bad.message).toBe('GET /bad?host=h1 failed with HTTP 400: bad');
  });

  it('scrubs registered secrets that a service echoes back', async () => {
    const s = await stub((req, res) => json(res, 400, { error: { message: `bad token ${String(req.headers['x-auth-token'])}` } }));
    const c = client();
    c.addSecret('tok-very-secret');
    const err = await rejection(c.request({ method: 'GET', url: `${s.baseUrl}/z`, headers: { 'X-Auth-Token': 'tok-very-secret' } }));
    expect(err.message).not.toContain('tok-very-secret');
    expect(err.message).toContain('[redacted]');
  });
});

describe('timeouts and abort', () => {
  it('fires the timeout on a server that never answers; a GET is sent again, a POST is not', async () => {
    const s = await stub(() => undefined);
    const err = await rejection(client({ timeoutMs: 150, retries: 2 }).request({ method: 'GET', url: `${s.baseUrl}/slow` }));
    expect(err).toBeInstanceOf(OpenStackTimeoutError);
    expect(err.message).toBe('GET /slow timed out after 150 ms');
    expect(s.requests).toHaveLength(3);
    // The POST may have been applied before the answer was lost: sending it again could act twice.
    const post = await rejection(client({ timeoutMs: 150, retries: 2 }).request({ method: 'POST', url: `${s.baseUrl}/act`, body: {} }));
    expect(post).toBeInstanceOf(OpenStackTimeoutError);
    expect(s.requests).toHaveLength(4);
  });

  it('a GET that timed out once is answered by its retry', async () => {
    let n = 0;
    const s = await stub((_req, res) => {
      if (n++ > 0) json(res, 200, { ok: true });
    });
    const r = await client({ timeoutMs: 150, retries: 2 }).request({ method: 'GET', url: `${s.baseUrl}/flaky` });
    expect(r.body).toEqual({ ok: true });
    expect(s.requests).toHaveLength(2);
  });

  it('fires the timeout on a server that trickles the body', async () => {
    const timers: NodeJS.Timeout[] = [];
    const s = await stub((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      timers.push(setInterval(() => res.write(' '), 30));
    });
    try {
      const err = await rejection(client({ timeoutMs: 200 }).request({ method: 'GET', url: `${s.baseUrl}/trickle` }));
      expect(err).toBeInstanceOf(OpenStackTimeoutError);
    } finally {
      timers.forEach(clearInterval);
    }
  });

  it('aborts on the signal', async () => {
    const s = await stub(() => undefined);
    const ac = new AbortController();
    const p = client().request({ method: 'GET', url: `${s.baseUrl}/hang`, signal: ac.signal });
    setTimeout(() => ac.abort(), 20);
    expect(await rejection(p)).toBeInstanceOf(AbortedError);
  });
});

describe('TLS', () => {
  let cert: TestCert;
  beforeAll(() => {
    cert = makeCert();
  });
  afterAll(() => cert.cleanup());

  it('verifies against cacert', async () => {
    const s = await stub((_req, res) => json(res, 200, { tls: true }), cert);
    expect((await client({ ca: cert.cert }).request({ method: 'GET', url: `${s.baseUrl}/` })).body).toEqual({ tls: true });
  });

  it('fails verification without it, and does not retry', async () => {
    const s = await stub((_req, res) => json(res, 200, {}), cert);
    const err = await rejection(client().request({ method: 'GET', url: `${s.baseUrl}/` }));
    expect(err).toBeInstanceOf(OpenStackTlsError);
    expect(err.message).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY/);
    expect(s.requests).toHaveLength(0);
  });

  it('insecure connects and warns', async () => {
    const s = await stub((_req, res) => json(res, 200, { ok: 1 }), cert);
    const warn = vi.fn();
    const res = await client({ insecure: { warn } }).request({ method: 'GET', url: `${s.baseUrl}/` });
    expect(res.body).toEqual({ ok: 1 });
    expect(warn).toHaveBeenCalledOnce();
    expect(String(warn.mock.calls[0]?.[0])).toMatch(/verification is disabled/);
  });
});

describe('helpers', () => {
  it('backoff grows exponentially, is capped, and jitters within [ceiling/2, ceiling]', () => {
    const p = { baseMs: 100, maxMs: 1000 };
    expect(backoffDelay(0, { ...p, random: () => 0 })).toBe(50);
    expect(backoffDelay(0, { ...p, random: () => 1 })).toBe(100);
    expect(backoffDelay(3, { ...p, random: () => 1 })).toBe(800);
    expect(backoffDelay(10, { ...p, random: () => 1 })).toBe(1000);
    expect(backoffDelay(2, { ...p, random: () => 0.5 })).toBe(300);
  });

  it('Retry-After in seconds, capped; dates ignored', () => {
    expect(retryAfterMs('2', 8000)).toBe(2000);
    expect(retryAfterMs('120', 8000)).toBe(8000);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:00 GMT', 8000)).toBeUndefined();
  });

  it('finds the message in Nova and Keystone error bodies', () => {
    expect(apiMessageOf({ badRequest: { message: 'Invalid input', code: 400 } })).toBe('Invalid input');
    expect(apiMessageOf({ error: { message: 'The request you have made requires authentication.', code: 401, title: 'Unauthorized' } }))
      .toBe('The request you have made requires authentication.');
    expect(apiMessageOf('<html>')).toBeUndefined();
  });
});
