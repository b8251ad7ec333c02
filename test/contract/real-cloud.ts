// Starts the real Keystone and the real Nova (test/contract/*-launcher.py) on loopback, seeds users and the catalog, stops both.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = fileURLToPath(new URL('.', import.meta.url));
/** Where test/contract/prepare.sh unpacks the Debian packages. */
export const CONTRACT_ROOT = process.env['MDS_CONTRACT_ROOT'] ?? '/var/cache/mds-orchestrate/contract';
const PYTHON = '/usr/bin/python3';
const SITE = join(CONTRACT_ROOT, 'usr/lib/python3/dist-packages');
export const COMPUTE_HOSTS = ['compute1', 'compute2', 'compute3'];

/** Why the real cloud cannot start here, or undefined when everything it needs is present. */
export function missingPrerequisite(): string | undefined {
  if (process.platform !== 'linux') return 'the real Nova and Keystone run on Linux only';
  if (!existsSync(PYTHON)) return `${PYTHON} (Debian's python3) is missing`;
  for (const pkg of ['nova/tests/functional/fixtures.py', 'placement/deploy.py', 'keystone/server/wsgi.py', 'wsgi_intercept']) {
    if (!existsSync(join(SITE, pkg))) return `${join(SITE, pkg)} is missing: run 'bash test/contract/prepare.sh' as root`;
  }
  return undefined;
}

export interface Account {
  username: string;
  password: string;
  project: string;
}

export interface RealCloud {
  keystoneUrl: string;
  computeUrl: string;
  placementUrl: string;
  /** A Glance image id served by Nova's GlanceFixture. */
  image: string;
  admin: Account;
  demo: Account;
  /** clouds.yaml with clouds `admin` and `demo`. */
  cloudsYaml: string;
  dir: string;
  /** Milliseconds from the first spawn to a seeded catalog. */
  startMs: number;
  stop(): Promise<void>;
}

interface Launched {
  child: ChildProcess;
  ready: Record<string, unknown>;
}

function tail(file: string, lines = 40): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Spawns a launcher and waits for its one JSON "ready" line; kills it and reports its log on exit or timeout. */
function launch(name: string, args: string[], secrets: Record<string, string>, dir: string, timeoutMs: number, children: ChildProcess[]): Promise<Launched> {
  const log = join(dir, `${name}.stderr`);
  const env: Record<string, string | undefined> = { ...process.env, ...secrets, PYTHONPATH: SITE };
  // A user's own Python home must not shadow Debian's packages; oslotest turns OS_TEST_TIMEOUT into an alarm that would
  // end the long-running "test" that holds Nova up.
  delete env['PYTHONHOME'];
  delete env['OS_TEST_TIMEOUT'];
  const child = spawn(PYTHON, [join(HERE, `${name}.py`), ...args], { stdio: ['pipe', 'pipe', 'pipe'], env });
  children.push(child);
  const errOut = createWriteStream(log);
  child.stderr?.pipe(errOut);
  return new Promise<Launched>((resolve, reject) => {
    let buffered = '';
    const fail = (why: string): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      // Give the stderr pipe a moment to flush into the log before quoting it.
      setTimeout(() => reject(new Error(`${name}: ${why}\n--- ${log} (tail) ---\n${tail(log)}`)), 200);
    };
    const timer = setTimeout(() => fail(`not ready after ${timeoutMs} ms`), timeoutMs);
    child.once('error', (err) => fail(`cannot start ${PYTHON}: ${err.message}`));
    child.once('exit', (code, signal) => fail(`exited before it was ready (code ${code}, signal ${signal})`));
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      buffered += chunk;
      const line = buffered.split('\n').find((l) => l.startsWith('{"ready"'));
      if (line === undefined) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      // Keep draining whatever else it prints, or a full pipe would block the process.
      child.stdout?.removeAllListeners('data');
      child.stdout?.resume();
      resolve({ child, ready: (JSON.parse(line) as { ready: Record<string, unknown> }).ready });
    });
  });
}

/** Closes stdin (the launchers exit on EOF), then SIGKILLs whatever is still running after 5 s. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stdin?.end();
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

interface KsAnswer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

async function ks(url: string, method: string, path: string, token?: string, body?: unknown): Promise<KsAnswer> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token === undefined ? {} : { 'X-Auth-Token': token }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`Keystone ${method} ${path}: HTTP ${res.status} ${text}`);
  return { status: res.status, headers: res.headers, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

export async function passwordToken(keystoneUrl: string, a: Account): Promise<string> {
  const res = await ks(keystoneUrl, 'POST', '/v3/auth/tokens', undefined, {
    auth: {
      identity: { methods: ['password'], password: { user: { name: a.username, domain: { id: 'default' }, password: a.password } } },
      scope: { project: { name: a.project, domain: { id: 'default' } } },
    },
  });
  const token = res.headers.get('x-subject-token');
  if (token === null) throw new Error('Keystone issued no X-Subject-Token');
  return token;
}

/** Projects `service` and `demo`; user `nova` (admin in `service`: auth_token validates with it) and `demo` (member). */
async function seedAccounts(url: string, adminToken: string, novaPassword: string, demo: Account): Promise<void> {
  const roles = (await ks(url, 'GET', '/v3/roles', adminToken)).body['roles'] as { id: string; name: string }[];
  const role = (name: string): string => {
    const found = roles.find((r) => r.name === name);
    if (found === undefined) throw new Error(`keystone-manage bootstrap created no '${name}' role`);
    return found.id;
  };
  const grant = async (projectName: string, user: string, password: string, roleName: string): Promise<void> => {
    const project = (await ks(url, 'POST', '/v3/projects', adminToken, { project: { name: projectName, domain_id: 'default' } })).body['project'] as { id: string };
    const u = (await ks(url, 'POST', '/v3/users', adminToken, { user: { name: user, domain_id: 'default', password } })).body['user'] as { id: string };
    await ks(url, 'PUT', `/v3/projects/${project.id}/users/${u.id}/roles/${role(roleName)}`, adminToken);
  };
  await grant('service', 'nova', novaPassword, 'admin');
  await grant(demo.project, demo.username, demo.password, 'member');
}

async function seedCatalog(url: string, adminToken: string, entries: { type: string; name: string; url: string }[]): Promise<void> {
  for (const e of entries) {
    const svc = (await ks(url, 'POST', '/v3/services', adminToken, { service: { type: e.type, name: e.name } })).body['service'] as { id: string };
    for (const iface of ['public', 'internal']) {
      await ks(url, 'POST', '/v3/endpoints', adminToken, { endpoint: { service_id: svc.id, interface: iface, url: e.url, region_id: 'RegionOne' } });
    }
  }
}

export function cloudsYaml(keystoneUrl: string, accounts: Record<string, Account>): string {
  const lines = ['clouds:'];
  for (const [name, a] of Object.entries(accounts)) {
    lines.push(
      `  ${name}:`, '    region_name: RegionOne', '    auth:', `      auth_url: ${keystoneUrl}`,
      `      username: ${a.username}`, `      password: ${a.password}`, `      project_name: ${a.project}`,
      '      user_domain_name: Default', '      project_domain_name: Default',
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Starts Keystone, then Nova (which validates tokens against it), then registers Nova and Placement in the catalog. */
export async function startRealCloud(): Promise<RealCloud> {
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'mds-contract-'));
  const children: ChildProcess[] = [];
  const secret = (): string => `pw-${Math.random().toString(36).slice(2, 12)}`;
  const admin: Account = { username: 'admin', password: secret(), project: 'admin' };
  const demo: Account = { username: 'demo', password: secret(), project: 'demo' };
  const novaPassword = secret();
  const stop = async (): Promise<void> => {
    await Promise.all(children.map(stopChild));
    if (!process.env['MDS_CONTRACT_KEEP']) rmSync(dir, { recursive: true, force: true });
  };
  try {
    const keystone = await launch('keystone-launcher', [dir], { CONTRACT_ADMIN_PASSWORD: admin.password }, dir, 120_000, children);
    const keystoneUrl = String(keystone.ready['url']);
    const adminToken = await passwordToken(keystoneUrl, admin);
    await seedAccounts(keystoneUrl, adminToken, novaPassword, demo);
    const nova = await launch('nova-launcher', [dir, keystoneUrl, ...COMPUTE_HOSTS], { CONTRACT_NOVA_PASSWORD: novaPassword }, dir, 120_000, children);
    const computeUrl = String(nova.ready['compute']);
    const placementUrl = String(nova.ready['placement']);
    await seedCatalog(keystoneUrl, adminToken, [
      { type: 'compute', name: 'nova', url: computeUrl },
      { type: 'placement', name: 'placement', url: placementUrl },
    ]);
    const cloudsFile = join(dir, 'clouds.yaml');
    writeFileSync(cloudsFile, cloudsYaml(keystoneUrl, { admin, demo }), { mode: 0o600 });
    return {
      keystoneUrl, computeUrl, placementUrl, image: String(nova.ready['image']), admin, demo,
      cloudsYaml: cloudsFile, dir, startMs: Date.now() - started, stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
