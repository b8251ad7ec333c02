// Test helper: a tiny HTTP(S) server on 127.0.0.1 that records requests and answers through a handler; plus a throwaway cert.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface Recorded {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

export interface StubContext {
  baseUrl: string;
  requests: Recorded[];
}

export type Handler = (req: Recorded, res: http.ServerResponse, ctx: StubContext) => void | Promise<void>;

export interface Stub extends StubContext {
  port: number;
  close(): Promise<void>;
}

export async function startStub(handler: Handler, tls?: { key: Buffer; cert: Buffer }, port = 0): Promise<Stub> {
  const requests: Recorded[] = [];
  const ctx: StubContext = { baseUrl: '', requests };
  const listener = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        body = text;
      }
      const rec: Recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      requests.push(rec);
      Promise.resolve(handler(rec, res, ctx)).catch((err: unknown) => {
        res.statusCode = 599;
        res.end(String(err));
      });
    });
  };
  const server = tls ? https.createServer({ key: tls.key, cert: tls.cert }, listener) : http.createServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  ctx.baseUrl = `${tls ? 'https' : 'http'}://127.0.0.1:${actual}`;
  return {
    get baseUrl() {
      return ctx.baseUrl;
    },
    requests,
    port: actual,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

export function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(text);
}

export interface TestCert {
  key: Buffer;
  cert: Buffer;
  certPath: string;
  cleanup(): void;
}

/** Self-signed cert for 127.0.0.1, made with the openssl CLI in a temp dir. */
export function makeCert(): TestCert {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'os-tls-'));
  const keyPath = path.join(dir, 'key.pem');
  const certPath = path.join(dir, 'cert.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
  ], { stdio: 'ignore' });
  return { key: readFileSync(keyPath), cert: readFileSync(certPath), certPath, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The error a promise rejects with; fails the test when it resolves. */
export async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}
