// clouds.yaml as openstacksdk reads it: file discovery, secure.yaml overlay, one named cloud's password auth, region and TLS.
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument, YAMLError, type Document } from 'yaml';
import { ConfigError, type SourceLocation } from '../util/errors.js';

export type EndpointInterface = 'public' | 'internal' | 'admin';
export type DomainRef = { id: string } | { name: string };

export interface CloudAuth {
  /** As written; may or may not end in /v3. */
  authUrl: string;
  username?: string;
  userId?: string;
  password: string;
  projectName?: string;
  projectId?: string;
  userDomain: DomainRef;
  projectDomain: DomainRef;
}

export interface CloudTls {
  verify: boolean;
  /** Absolute path of a PEM bundle that replaces the system CAs. Ignored when verify is false. */
  cacert?: string;
}

export interface CloudConfig {
  name: string;
  file: string;
  secureFile?: string;
  auth: CloudAuth;
  regionName?: string;
  interface: EndpointInterface;
  tls: CloudTls;
  /** openstacksdk's api_timeout, in ms: how long one API request may take before it fails (and, if idempotent, is sent again). */
  apiTimeoutMs?: number;
}

export interface LoadCloudOptions {
  /** Cloud name; falls back to OS_CLOUD. */
  cloud?: string;
  env?: Record<string, string | undefined>;
  cwd?: string;
  homeDir?: string;
  /** Stands in for /etc/openstack in tests. */
  etcDir?: string;
}

interface YamlSource {
  file: string;
  doc: Document;
  lines: LineCounter;
}

const CLOUDS_FILE = 'clouds.yaml';

/** Where openstacksdk looks, in order; an explicit env file comes first. */
export function searchPath(kind: 'clouds' | 'secure', opts: LoadCloudOptions = {}): string[] {
  const env = opts.env ?? process.env;
  const name = `${kind}.yaml`;
  const configHome = env['XDG_CONFIG_HOME'] || path.join(opts.homeDir ?? os.homedir(), '.config');
  return [
    path.join(opts.cwd ?? process.cwd(), name),
    path.join(configHome, 'openstack', name),
    path.join(opts.etcDir ?? '/etc/openstack', name),
  ];
}

/**
 * Upstream silently skips a missing OS_CLIENT_CONFIG_FILE and falls back to the search path; we refuse, because a typo
 * would then point a tool that disables compute services at whichever other cloud a clouds.yaml happens to name.
 */
function findFile(kind: 'clouds' | 'secure', opts: LoadCloudOptions): string | undefined {
  const env = opts.env ?? process.env;
  const explicit = env[kind === 'clouds' ? 'OS_CLIENT_CONFIG_FILE' : 'OS_CLIENT_SECURE_FILE'];
  if (explicit) {
    const file = path.resolve(opts.cwd ?? process.cwd(), explicit);
    if (!existsSync(file)) {
      const envName = kind === 'clouds' ? 'OS_CLIENT_CONFIG_FILE' : 'OS_CLIENT_SECURE_FILE';
      throw new ConfigError({ file }, envName, 'file does not exist');
    }
    return file;
  }
  return searchPath(kind, opts).find((f) => existsSync(f));
}

function readYaml(file: string): YamlSource {
  let text: string;
  try {
    if (statSync(file).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new ConfigError({ file }, undefined, `cannot read file (${code})`, { cause: err });
  }
  const lines = new LineCounter();
  // prettyErrors off: the pretty form quotes the offending line, which may be the password line.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) throw new ConfigError(locAt({ file, doc, lines }, first), undefined, `invalid YAML (${first.code})`);
  if (doc.contents !== null && !isMap(doc.contents)) throw new ConfigError({ file, line: 1 }, undefined, 'expected a mapping at the top level');
  return { file, doc, lines };
}

function locAt(src: YamlSource, err: YAMLError): SourceLocation {
  const pos = src.lines.linePos(err.pos[0]);
  return { file: src.file, line: pos.line, column: pos.col };
}

/** Position of the key at `keys`, or of the nearest ancestor key that exists (for "missing field" errors). */
function locate(src: YamlSource, keys: string[]): SourceLocation {
  let node: unknown = src.doc.contents;
  let range: [number, number, number] | undefined;
  for (const k of keys) {
    if (!isMap(node)) break;
    const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === k);
    if (pair === undefined) break;
    range = (pair.key as { range?: [number, number, number] }).range ?? range;
    node = pair.value;
  }
  if (range === undefined) return { file: src.file };
  const pos = src.lines.linePos(range[0]);
  return { file: src.file, line: pos.line, column: pos.col };
}

interface Found {
  value: unknown;
  loc: SourceLocation;
}

/** secure.yaml wins over clouds.yaml, field by field (openstacksdk merges it on top). */
function lookup(sources: YamlSource[], keys: string[]): Found | undefined {
  for (const src of sources) {
    const value = src.doc.getIn(keys) as unknown;
    if (value !== undefined && value !== null) return { value, loc: locate(src, keys) };
  }
  return undefined;
}

function cloudNames(sources: YamlSource[]): string[] {
  const names = new Set<string>();
  for (const src of sources) {
    const clouds = src.doc.get('clouds');
    if (isMap(clouds)) for (const item of clouds.items) names.add(String((item.key as { value?: unknown }).value ?? item.key));
  }
  return [...names].sort();
}

/** Loads the named cloud (argument, then OS_CLOUD). Every problem is a ConfigError naming file, line and field, never a value. */
export function loadCloudConfig(opts: LoadCloudOptions = {}): CloudConfig {
  const env = opts.env ?? process.env;
  const file = findFile('clouds', opts);
  if (file === undefined) {
    throw new ConfigError({ file: CLOUDS_FILE }, undefined, `no clouds.yaml found (searched ${searchPath('clouds', opts).join(', ')})`);
  }
  const main = readYaml(file);
  const secureFile = findFile('secure', opts);
  const sources = secureFile === undefined ? [main] : [readYaml(secureFile), main];

  const name = opts.cloud ?? env['OS_CLOUD'];
  const known = cloudNames(sources);
  if (!name) throw new ConfigError({ file }, 'clouds', `no cloud selected: pass a cloud name or set OS_CLOUD (defined: ${known.join(', ') || 'none'})`);
  if (!known.includes(name)) throw new ConfigError(locate(main, ['clouds']), `clouds.${name}`, `unknown cloud (defined: ${known.join(', ') || 'none'})`);

  const base = ['clouds', name];
  const where = (keys: string[]): SourceLocation => locate(main, [...base, ...keys]);
  const fieldName = (keys: string[]): string => [...base, ...keys].join('.');
  const str = (keys: string[]): string | undefined => {
    const found = lookup(sources, [...base, ...keys]);
    if (found === undefined) return undefined;
    if (typeof found.value === 'string' || typeof found.value === 'number') return String(found.value);
    throw new ConfigError(found.loc, fieldName(keys), 'must be a string');
  };
  const bool = (keys: string[]): boolean | undefined => {
    const found = lookup(sources, [...base, ...keys]);
    if (found === undefined) return undefined;
    if (typeof found.value === 'boolean') return found.value;
    if (typeof found.value === 'string' && /^(true|false)$/i.test(found.value)) return found.value.toLowerCase() === 'true';
    throw new ConfigError(found.loc, fieldName(keys), 'must be true or false');
  };
  const required = (keys: string[], what: string): string => {
    const v = str(keys);
    if (v === undefined || v === '') throw new ConfigError(where(keys), fieldName(keys), `missing ${what}`);
    return v;
  };

  const authType = str(['auth_type']);
  if (authType !== undefined && authType !== 'password' && authType !== 'v3password') {
    throw new ConfigError(where(['auth_type']), fieldName(['auth_type']), `unsupported auth_type '${authType}' (only password)`);
  }
  const authUrl = required(['auth', 'auth_url'], 'Keystone URL');
  const password = required(['auth', 'password'], 'password');
  const username = str(['auth', 'username']);
  const userId = str(['auth', 'user_id']);
  if (!username && !userId) throw new ConfigError(where(['auth']), fieldName(['auth', 'username']), 'missing username or user_id');
  const projectName = str(['auth', 'project_name']) ?? str(['auth', 'tenant_name']);
  const projectId = str(['auth', 'project_id']) ?? str(['auth', 'tenant_id']);
  if (!projectName && !projectId) {
    throw new ConfigError(where(['auth']), fieldName(['auth', 'project_name']), 'missing project_name or project_id (a project-scoped token is needed)');
  }
  const domain = (kind: 'user' | 'project'): DomainRef => {
    const id = str(['auth', `${kind}_domain_id`]) ?? str(['auth', 'default_domain_id']);
    if (id) return { id };
    const dname = str(['auth', `${kind}_domain_name`]) ?? str(['auth', 'default_domain_name']);
    return dname ? { name: dname } : { id: 'default' };
  };

  const auth: CloudAuth = {
    authUrl, password, userDomain: domain('user'), projectDomain: domain('project'),
    ...(username ? { username } : {}), ...(userId ? { userId } : {}),
    ...(projectName ? { projectName } : {}), ...(projectId ? { projectId } : {}),
  };
  const regionName = str(['region_name']) ?? firstRegion(lookup(sources, [...base, 'regions'])?.value);
  const timeout = str(['api_timeout']);
  const apiTimeoutSec = timeout === undefined ? undefined : Number(timeout);
  if (apiTimeoutSec !== undefined && !(Number.isFinite(apiTimeoutSec) && apiTimeoutSec > 0 && apiTimeoutSec <= 3600)) {
    throw new ConfigError(where(['api_timeout']), fieldName(['api_timeout']), `must be a number of seconds between 0 and 3600 (got '${timeout}')`);
  }
  return {
    name, file, auth,
    ...(secureFile === undefined ? {} : { secureFile }),
    ...(regionName ? { regionName } : {}),
    ...(apiTimeoutSec === undefined ? {} : { apiTimeoutMs: Math.round(apiTimeoutSec * 1000) }),
    interface: endpointInterface(str(['interface']) ?? str(['endpoint_type']), where(['interface']), fieldName(['interface'])),
    tls: tlsOf(bool(['verify']), bool(['insecure']), str(['cacert']), where(['cacert']), fieldName(['cacert']), opts.cwd ?? process.cwd()),
  };
}

function firstRegion(value: unknown): string | undefined {
  if (!Array.isArray(value)) return undefined;
  const first: unknown = value[0];
  if (typeof first === 'string') return first;
  if (first !== null && typeof first === 'object' && typeof (first as { name?: unknown }).name === 'string') return (first as { name: string }).name;
  return undefined;
}

function endpointInterface(raw: string | undefined, loc: SourceLocation, field: string): EndpointInterface {
  if (raw === undefined) return 'public';
  const v = raw.replace(/URL$/, '');
  if (v === 'public' || v === 'internal' || v === 'admin') return v;
  throw new ConfigError(loc, field, `must be public, internal or admin (got '${raw}')`);
}

function tlsOf(verify: boolean | undefined, insecure: boolean | undefined, cacert: string | undefined, loc: SourceLocation, field: string, cwd: string): CloudTls {
  // `verify: false` wins over cacert; `insecure` is the deprecated inverse, consulted only when verify is absent.
  const on = verify ?? !(insecure ?? false);
  if (!on || cacert === undefined) return { verify: on };
  const abs = path.resolve(cwd, cacert);
  try {
    if (!statSync(abs).isFile()) throw Object.assign(new Error('not a file'), { code: 'ENOTFILE' });
    accessSync(abs, constants.R_OK);
  } catch (err) {
    throw new ConfigError(loc, field, `cannot read CA bundle ${abs} (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { cause: err });
  }
  return { verify: true, cacert: abs };
}
