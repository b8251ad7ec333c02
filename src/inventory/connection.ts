// Connection variables (ansible_host, ansible_port, ...) type-checked into a HostSpec; errors point where the value was set.
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../util/errors.js';
import type { HostSpec } from './types.js';
import type { TaggedValue } from './model.js';
import { layoutOverridesOf } from './layout-vars.js';
import { localUser } from '../util/local-user.js';

const TRUE = new Set(['y', 'yes', 'on', '1', 'true', 't']);
const FALSE = new Set(['n', 'no', 'off', '0', 'false', 'f']);

/** Ansible's boolean(): true/false, 1/0, and the strings yes/no, on/off, y/n, t/f, true/false, 1/0 (any case). */
export function ansibleBool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value === 1 ? true : value === 0 ? false : undefined;
  if (typeof value === 'string') {
    const s = value.trim().toLowerCase();
    if (TRUE.has(s)) return true;
    if (FALSE.has(s)) return false;
  }
  return undefined;
}

function show(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (typeof value === 'object') return Array.isArray(value) ? 'a list' : 'a mapping';
  return JSON.stringify(value);
}

/** First variable set among names (current name first, then the legacy ansible_ssh_* alias). */
function pick(vars: Map<string, TaggedValue>, ...names: string[]): [string, TaggedValue] | undefined {
  for (const n of names) {
    const v = vars.get(n);
    if (v !== undefined) return [n, v];
  }
  return undefined;
}

export function expandHome(p: string): string {
  if (p === '~') return os.homedir();
  if (p.startsWith('~/')) return path.join(os.homedir(), p.slice(2));
  return p;
}

/** Builds the HostSpec; pushes a ConfigError per bad variable and returns undefined if any was bad. */
export function toHostSpec(name: string, groups: string[], vars: Map<string, TaggedValue>, errors: ConfigError[]): HostSpec | undefined {
  const before = errors.length;
  const bad = (field: string, tv: TaggedValue, expected: string): void => {
    errors.push(new ConfigError(tv.origin, field, `host ${name}: expected ${expected}, got ${show(tv.value)}`));
  };
  const str = (field: string, tv: TaggedValue, what: string): string | undefined => {
    if (typeof tv.value === 'string' && tv.value.trim() !== '' && !/\s/.test(tv.value.trim())) return tv.value.trim();
    bad(field, tv, what);
    return undefined;
  };

  let address = name;
  const host = pick(vars, 'ansible_host', 'ansible_ssh_host');
  if (host) address = str(host[0], host[1], 'a host name or IP address (a string without spaces)') ?? name;

  let port = 22;
  const p = pick(vars, 'ansible_port', 'ansible_ssh_port');
  if (p) {
    const raw = p[1].value;
    const n = typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : raw;
    if (typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 65535) port = n;
    else bad(p[0], p[1], 'a port number (whole number 1..65535)');
  }

  // Like ssh and Ansible: with no user anywhere, log in as the user running the tool (ssh_config may still set one).
  let user = localUser().name;
  const u = pick(vars, 'ansible_user', 'ansible_ssh_user');
  if (u) user = str(u[0], u[1], 'a user name (a string without spaces)') ?? user;

  let privateKeyFile: string | undefined;
  const k = pick(vars, 'ansible_ssh_private_key_file', 'ansible_private_key_file');
  if (k) {
    const file = str(k[0], k[1], 'a path to a private key file (a string)');
    // Relative key paths are relative to the inventory that named them, not to wherever the tool was started.
    if (file !== undefined) privateKeyFile = path.resolve(k[1].origin.baseDir, expandHome(file));
  }

  let become = false;
  const b = pick(vars, 'ansible_become');
  if (b) {
    const v = ansibleBool(b[1].value);
    if (v === undefined) bad(b[0], b[1], 'a boolean (true/false, yes/no, on/off, 1/0)');
    else become = v;
  }

  // Nova's name for the host as far as the inventory says it: nova_host (an override), else TripleO's canonical_hostname;
  // with neither, the inventory name stands in until the gather applies Nova's own rule (src/openstack/nova-host-rule.ts).
  let novaHost = name;
  let novaHostFrom: HostSpec['novaHostFrom'] = 'name';
  const nh = vars.get('nova_host');
  const ch = vars.get('canonical_hostname');
  if (nh) {
    const v = str('nova_host', nh, "Nova's compute host name (a string without spaces)");
    if (v !== undefined) { novaHost = v; novaHostFrom = 'nova_host'; }
  } else if (ch) {
    const v = str('canonical_hostname', ch, 'the host name TripleO gives Nova (a string without spaces)');
    if (v !== undefined) { novaHost = v; novaHostFrom = 'canonical_hostname'; }
  }

  const layout = layoutOverridesOf(name, vars, errors);

  if (errors.length > before) return undefined;
  const plain: Record<string, unknown> = {};
  for (const [key, tv] of vars) plain[key] = tv.value;
  plain['inventory_hostname'] = name;
  const spec: HostSpec = { name, address, port, user, become, novaHost, novaHostFrom, groups, vars: plain };
  if (privateKeyFile !== undefined) spec.privateKeyFile = privateKeyFile;
  if (layout !== undefined) spec.layout = layout;
  const at = (tv: TaggedValue) => ({ file: tv.origin.file, ...(tv.origin.line === undefined ? {} : { line: tv.origin.line }), ...(tv.origin.column === undefined ? {} : { column: tv.origin.column }) });
  if (u || b) spec.origins = { ...(u ? { user: at(u[1]) } : {}), ...(b ? { become: at(b[1]) } : {}) };
  return spec;
}
