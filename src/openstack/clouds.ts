// clouds.yaml and the OS_* environment as openstacksdk reads them: discovery, secure.yaml, password or application credential, region, TLS.
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, YAMLError, type Document } from 'yaml';
import { ConfigError, type SourceLocation } from '../util/errors.js';

export type EndpointInterface = 'public' | 'internal' | 'admin';
export type DomainRef = { id: string } | { name: string };

export interface CloudAuth {
  /** As written; may or may not end in /v3. */
  authUrl: string;
  /** Keystone's identity method: password (the default) or application_credential. */
  method?: 'password' | 'application_credential';
  username?: string;
  userId?: string;
  /** Set for the password method. */
  password?: string;
  /** Application credentials: the id, or the name together with the user (username + user domain, or user_id). */
  applicationCredentialId?: string;
  applicationCredentialName?: string;
  applicationCredentialSecret?: string;
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
  /** Cloud name; falls back to OS_CLOUD, then to the OS_* environment, then to the only cloud of clouds.yaml. */
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

/** How a cloud is read: a clouds.yaml cloud (with secure.yaml) or the OS_* environment; both answer by openstacksdk's keys. */
interface CloudSource {
  get(keys: string[]): Found | undefined;
  where(keys: string[]): SourceLocation;
  field(keys: string[]): string;
}

function yamlSource(sources: YamlSource[], main: YamlSource, name: string): CloudSource {
  const base = ['clouds', name];
  return {
    get: (keys) => lookup(sources, [...base, ...keys]),
    where: (keys) => locate(main, [...base, ...keys]),
    field: (keys) => [...base, ...keys].join('.'),
  };
}

export const ENV_SOURCE = 'environment';

/** OS_FOO is openstacksdk's key `foo`, at the top of the cloud or (moved there by the auth plugin) under `auth`. */
function envSource(env: Record<string, string | undefined>): CloudSource {
  const name = (keys: string[]): string => `OS_${keys[keys.length - 1]!.toUpperCase()}`;
  return {
    get: (keys) => {
      const v = env[name(keys)];
      return v === undefined || v === '' ? undefined : { value: v, loc: { file: ENV_SOURCE } };
    },
    where: () => ({ file: ENV_SOURCE }),
    field: (keys) => name(keys),
  };
}

/**
 * openstacksdk builds a cloud from the environment when any OS_* variable beyond the selectors is set
 * (openstack/config/loader.py _get_os_environ); the oslotest/CI prefixes are not configuration.
 */
export function envDefinesCloud(env: Record<string, string | undefined>): boolean {
  const selectors = new Set(['OS_CLOUD', 'OS_REGION_NAME', 'OS_CLIENT_CONFIG_FILE', 'OS_CLIENT_SECURE_FILE', 'OS_CLOUD_NAME']);
  return Object.keys(env).some((k) => k.startsWith('OS_') && env[k] !== undefined && !selectors.has(k)
    && !k.startsWith('OS_TEST') && !k.startsWith('OS_STD') && !k.startsWith('OS_LOG'));
}

const PASSWORD_TYPES = new Set(['password', 'v3password']);
const APPCRED_TYPES = new Set(['v3applicationcredential', 'applicationcredential', 'application_credential']);

/**
 * The cloud openstacksdk would use: the one named (argument, then OS_CLOUD); else the OS_* environment when it defines
 * one; else the only cloud of clouds.yaml. Returns null when nothing is configured at all (the caller says so).
 */
export function findCloudConfig(opts: LoadCloudOptions = {}): CloudConfig | null {
  const env = opts.env ?? process.env;
  const name = opts.cloud ?? env['OS_CLOUD'];
  if (!name && envDefinesCloud(env)) return buildCloud(env['OS_CLOUD_NAME'] || 'envvars', ENV_SOURCE, undefined, envSource(env), opts);
  const file = findFile('clouds', opts);
  if (file === undefined) {
    if (!name) return null;
    throw new ConfigError({ file: CLOUDS_FILE }, undefined, `no clouds.yaml found (searched ${searchPath('clouds', opts).join(', ')})`);
  }
  const main = readYaml(file);
  const known = cloudNames([main]);
  if (!name && known.length !== 1) return null;
  return loadCloudConfig(opts);
}

/** Loads the named cloud (argument, then OS_CLOUD, then the OS_* environment, then the only one). Every problem is a ConfigError naming file, line and field, never a value. */
export function loadCloudConfig(opts: LoadCloudOptions = {}): CloudConfig {
  const env = opts.env ?? process.env;
  const requested = opts.cloud ?? env['OS_CLOUD'];
  if (!requested && envDefinesCloud(env)) return buildCloud(env['OS_CLOUD_NAME'] || 'envvars', ENV_SOURCE, undefined, envSource(env), opts);
  const file = findFile('clouds', opts);
  if (file === undefined) {
    throw new ConfigError({ file: CLOUDS_FILE }, undefined, `no clouds.yaml found (searched ${searchPath('clouds', opts).join(', ')}) and no OS_AUTH_URL in the environment`);
  }
  const main = readYaml(file);
  const secureFile = findFile('secure', opts);
  const sources = secureFile === undefined ? [main] : [readYaml(secureFile), main];

  const known = cloudNames(sources);
  // openstacksdk uses the only cloud when none is named.
  const name = requested || (cloudNames([main]).length === 1 ? cloudNames([main])[0] : undefined);
  if (!name) throw new ConfigError({ file }, 'clouds', `no cloud selected: pass a cloud name or set OS_CLOUD (defined: ${known.join(', ') || 'none'})`);
  if (!known.includes(name)) throw new ConfigError(locate(main, ['clouds']), `clouds.${name}`, `unknown cloud (defined: ${known.join(', ') || 'none'})`);
  return buildCloud(name, file, secureFile, yamlSource(sources, main, name), opts);
}

function buildCloud(name: string, file: string, secureFile: string | undefined, src: CloudSource, opts: LoadCloudOptions): CloudConfig {
  const env = opts.env ?? process.env;
  const str = (keys: string[]): string | undefined => {
    const found = src.get(keys);
    if (found === undefined) return undefined;
    if (typeof found.value === 'string' || typeof found.value === 'number') return String(found.value);
    throw new ConfigError(found.loc, src.field(keys), 'must be a string');
  };
  /** An auth option: under `auth:` or, as keystoneauth's loader also accepts, at the top of the cloud. */
  const authStr = (key: string): string | undefined => str(['auth', key]) ?? str([key]);
  const authField = (key: string): string[] => (src.get(['auth', key]) === undefined && src.get([key]) !== undefined ? [key] : ['auth', key]);
  const bool = (keys: string[]): boolean | undefined => {
    const found = src.get(keys);
    if (found === undefined) return undefined;
    if (typeof found.value === 'boolean') return found.value;
    if (typeof found.value === 'string' && /^(true|false|1|0|yes|no)$/i.test(found.value)) return /^(true|1|yes)$/i.test(found.value);
    throw new ConfigError(found.loc, src.field(keys), 'must be true or false');
  };
  const required = (key: string, what: string): string => {
    const v = authStr(key);
    if (v === undefined || v === '') throw new ConfigError(src.where(authField(key)), src.field(authField(key)), `missing ${what}`);
    return v;
  };

  const identityVersion = str(['identity_api_version']);
  if (identityVersion !== undefined && !/^3(\.\d+)?$/.test(identityVersion)) {
    throw new ConfigError(src.where(['identity_api_version']), src.field(['identity_api_version']), `Keystone v${identityVersion} is not supported (only v3)`);
  }
  const authType = str(['auth_type']);
  if (authType !== undefined && !PASSWORD_TYPES.has(authType) && !APPCRED_TYPES.has(authType)) {
    throw new ConfigError(src.where(['auth_type']), src.field(['auth_type']),
      `unsupported auth_type '${authType}' (password, v3password or v3applicationcredential)`);
  }
  const appCred = authType !== undefined && APPCRED_TYPES.has(authType);
  if (!appCred && (authStr('application_credential_id') || authStr('application_credential_secret'))) {
    throw new ConfigError(src.where(['auth_type']), src.field(['auth_type']), 'application credential given, but auth_type is not v3applicationcredential');
  }
  const authUrl = required('auth_url', 'Keystone URL');
  const username = authStr('username');
  const userId = authStr('user_id');
  const domain = (kind: 'user' | 'project'): DomainRef => {
    const id = authStr(`${kind}_domain_id`) ?? authStr('default_domain_id');
    if (id) return { id };
    const dname = authStr(`${kind}_domain_name`) ?? authStr('default_domain_name');
    return dname ? { name: dname } : { id: 'default' };
  };
  let auth: CloudAuth;
  if (appCred) {
    const secret = required('application_credential_secret', 'application credential secret');
    const credId = authStr('application_credential_id');
    const credName = authStr('application_credential_name');
    if (!credId && !credName) {
      throw new ConfigError(src.where(authField('application_credential_id')), src.field(authField('application_credential_id')), 'missing application_credential_id or application_credential_name');
    }
    if (!credId && !username && !userId) {
      throw new ConfigError(src.where(authField('username')), src.field(authField('username')), 'an application credential named by name needs its user (username or user_id)');
    }
    auth = {
      authUrl, method: 'application_credential', applicationCredentialSecret: secret, userDomain: domain('user'), projectDomain: domain('project'),
      ...(credId ? { applicationCredentialId: credId } : { applicationCredentialName: credName! }),
      ...(username ? { username } : {}), ...(userId ? { userId } : {}),
    };
  } else {
    const password = required('password', 'password');
    if (!username && !userId) throw new ConfigError(src.where(authField('username')), src.field(authField('username')), 'missing username or user_id');
    const projectName = authStr('project_name') ?? authStr('tenant_name');
    const projectId = authStr('project_id') ?? authStr('tenant_id');
    if (!projectName && !projectId) {
      throw new ConfigError(src.where(authField('project_name')), src.field(authField('project_name')), 'missing project_name or project_id (a project-scoped token is needed)');
    }
    auth = {
      authUrl, password, userDomain: domain('user'), projectDomain: domain('project'),
      ...(username ? { username } : {}), ...(userId ? { userId } : {}),
      ...(projectName ? { projectName } : {}), ...(projectId ? { projectId } : {}),
    };
  }
  const knownRegions = regionNames(src.get(['regions'])?.value) ?? regionNames(str(['region_name'])?.split(','));
  // openstack (OSC) reads OS_REGION_NAME as its --os-region-name default, so it picks the region of a named cloud too.
  const wanted = env['OS_REGION_NAME'] || undefined;
  if (wanted !== undefined && knownRegions !== undefined && knownRegions.length > 0 && !knownRegions.includes(wanted)) {
    throw new ConfigError({ file: ENV_SOURCE }, 'OS_REGION_NAME', `region ${wanted} is not a region of cloud ${name} (valid: ${knownRegions.join(', ')})`);
  }
  const regionName = wanted ?? knownRegions?.[0];
  const timeout = str(['api_timeout']);
  const apiTimeoutSec = timeout === undefined ? undefined : Number(timeout);
  if (apiTimeoutSec !== undefined && !(Number.isFinite(apiTimeoutSec) && apiTimeoutSec > 0 && apiTimeoutSec <= 3600)) {
    throw new ConfigError(src.where(['api_timeout']), src.field(['api_timeout']), `must be a number of seconds between 0 and 3600 (got '${timeout}')`);
  }
  const ifaceKeys = src.get(['interface']) !== undefined ? ['interface'] : ['endpoint_type'];
  return {
    name, file, auth,
    ...(secureFile === undefined ? {} : { secureFile }),
    ...(regionName ? { regionName } : {}),
    ...(apiTimeoutSec === undefined ? {} : { apiTimeoutMs: Math.round(apiTimeoutSec * 1000) }),
    interface: endpointInterface(str(ifaceKeys), src.where(ifaceKeys), src.field(ifaceKeys)),
    tls: tlsOf(bool(['verify']), bool(['insecure']), str(['cacert']), src.where(['cacert']), src.field(['cacert']), opts.cwd ?? process.cwd()),
  };
}

function regionNames(raw: unknown): string[] | undefined {
  // A YAML sequence arrives as a node; plain arrays come from split region_name.
  const value: unknown = isSeq(raw) ? raw.toJSON() : raw;
  if (!Array.isArray(value)) return undefined;
  const names = value.flatMap((r: unknown) => {
    if (typeof r === 'string') return [r.trim()];
    if (r !== null && typeof r === 'object' && typeof (r as { name?: unknown }).name === 'string') return [(r as { name: string }).name];
    return [];
  }).filter((n) => n !== '');
  return names.length > 0 ? names : undefined;
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
