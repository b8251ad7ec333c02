// Test harness for the fake cloud: start it on 127.0.0.1, call it over real HTTP, log in, and poll for async outcomes.
import { afterEach } from 'vitest';
import { createFakeCloud } from '../../../../src/lab/cloud/index.js';
import type { FakeCloud, FakeCloudConfig, FakeCloudHooks } from '../../../../src/lab/cloud/index.js';

export const TOOL = { name: 'mds-orchestrate', password: 'tool-pw-123' };
export const OPERATOR = { name: 'operator', password: 'op-pw-456' };
export const MEMBER = { name: 'alice', password: 'alice-pw-789' };

export function baseConfig(extra: Partial<FakeCloudConfig> = {}): FakeCloudConfig {
  return {
    hosts: [
      { name: 'cmp-a', vcpus: 8, ramMb: 16384 },
      { name: 'cmp-b', vcpus: 8, ramMb: 16384 },
      { name: 'cmp-c', vcpus: 8, ramMb: 16384 },
    ],
    users: [
      { name: TOOL.name, password: TOOL.password, projects: ['admin'], roles: ['admin'] },
      { name: OPERATOR.name, password: OPERATOR.password, projects: ['admin'], roles: ['admin'] },
      { name: MEMBER.name, password: MEMBER.password, projects: ['demo'], roles: ['member'] },
    ],
    flavors: [{ name: 'small', vcpus: 2, ramMb: 4096 }, { name: 'big', vcpus: 6, ramMb: 12288 }],
    instances: [],
    migrationMs: 40,
    powerActionMs: 5,
    seed: 7,
    // 1:1 and nothing reserved keep these tests' arithmetic obvious; placement.test.ts uses Nova's defaults.
    cpuAllocationRatio: 1,
    reservedHostMemoryMb: 0,
    ...extra,
  };
}

const started: FakeCloud[] = [];
afterEach(async () => {
  while (started.length > 0) await started.pop()!.close();
});

export async function startCloud(config: FakeCloudConfig, hooks: FakeCloudHooks = {}): Promise<FakeCloud> {
  const cloud = createFakeCloud(config, hooks);
  started.push(cloud);
  await cloud.listen(0, '127.0.0.1');
  return cloud;
}

export interface CallResult {
  status: number;
  headers: Headers;
  body: any;
}

export interface CallOptions {
  token?: string;
  mv?: string;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export async function call(cloud: FakeCloud, method: string, path: string, opts: CallOptions = {}): Promise<CallResult> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers['X-Auth-Token'] = opts.token;
  if (opts.mv) headers['OpenStack-API-Version'] = `compute ${opts.mv}`;
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  const url = path.startsWith('http') ? path : `${cloud.url}${path}`;
  const res = await fetch(url, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body), signal: opts.signal });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text === '' ? undefined : JSON.parse(text) };
}

export function passwordAuth(user: { name: string; password: string }, project = 'admin'): unknown {
  return {
    auth: {
      identity: { methods: ['password'], password: { user: { name: user.name, domain: { name: 'Default' }, password: user.password } } },
      scope: { project: { name: project, domain: { id: 'default' } } },
    },
  };
}

export async function login(cloud: FakeCloud, user = TOOL, project = 'admin'): Promise<string> {
  const res = await call(cloud, 'POST', '/identity/v3/auth/tokens', { body: passwordAuth(user, project) });
  if (res.status !== 201) throw new Error(`login failed: ${res.status}`);
  return res.headers.get('x-subject-token')!;
}

/** Polls until check() returns a value other than undefined; fails after a generous deadline (a hang guard, not a speed assertion). */
export async function waitFor<T>(check: () => T | undefined | Promise<T | undefined>, what: string, deadlineMs = 10_000): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function instanceByName(cloud: FakeCloud, name: string) {
  const inst = cloud.state().instances.find((i) => i.name === name);
  if (!inst) throw new Error(`no instance ${name}`);
  return inst;
}
