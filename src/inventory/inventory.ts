// loadInventory(): read every -i source, validate before any connection, and answer hosts/groups/pattern queries.
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../util/errors.js';
import type { SourceLocation } from '../util/errors.js';
import { throwCollected } from '../util/yaml-validate.js';
import { toHostSpec } from './connection.js';
import { detectInventoryFormat } from './detect-format.js';
import { groupHosts, hostGroups, reconcile } from './graph.js';
import { expandHostPattern, HostRangeError } from './host-range.js';
import { selectHostNames } from './host-pattern.js';
import type { PatternOptions, PatternUniverse } from './host-pattern.js';
import { InventoryModel } from './model.js';
import { parseIniInventory } from './parse-ini-inventory.js';
import { parseYamlInventory } from './parse-yaml-inventory.js';
import { mergedHostVars } from './precedence.js';
import type { HostSpec } from './types.js';
import { loadVarsDirs } from './vars-dirs.js';

export interface InventoryGroup {
  name: string;
  /** Every host of the group and of its descendants. */
  hosts: string[];
  /** Hosts written in the group itself, in order (what ansible-inventory --list shows as the group's hosts). */
  directHosts: string[];
  children: string[];
  parents: string[];
  depth: number;
  /** The group's own variables from inventory files and group_vars/ (before host-level precedence). */
  vars: Record<string, unknown>;
}

export interface SelectOptions extends PatternOptions {
  /** A --limit pattern; the result is the pattern's hosts that the limit also selects (order kept). */
  limit?: string | readonly string[];
}

/** Ansible ignores these in an inventory directory (INVENTORY_IGNORE_EXTS). */
const IGNORED_IN_DIR = /(\.pyc|\.pyo|\.swp|\.bak|~|\.rpm|\.md|\.txt|\.rst|\.orig|\.ini|\.cfg|\.retry)$/;

export class Inventory implements PatternUniverse {
  readonly groups: ReadonlyMap<string, InventoryGroup>;
  private readonly specs: Map<string, HostSpec>;

  constructor(
    readonly sources: readonly string[],
    specs: HostSpec[],
    groups: Map<string, InventoryGroup>,
    readonly warnings: readonly string[],
    private readonly origins: ReadonlyMap<string, ReadonlyMap<string, SourceLocation>> = new Map(),
  ) {
    this.specs = new Map(specs.map((s) => [s.name, s]));
    this.groups = groups;
  }

  /** Where the value a host ended up with for a variable was written, for checks made after loading (e.g. key files). */
  varOrigin(host: string, name: string): SourceLocation | undefined {
    const o = this.origins.get(host)?.get(name);
    return o === undefined ? undefined : { file: o.file, ...(o.line === undefined ? {} : { line: o.line }), ...(o.column === undefined ? {} : { column: o.column }) };
  }

  hosts(): HostSpec[] {
    return [...this.specs.values()];
  }

  host(name: string): HostSpec | undefined {
    return this.specs.get(name);
  }

  hostNames(): string[] {
    return [...this.specs.keys()];
  }

  groupNames(): string[] {
    return [...this.groups.keys()];
  }

  groupHosts(group: string): string[] {
    return this.groups.get(group)?.hosts ?? [];
  }

  /** Hosts selected by an Ansible host pattern (and --limit); a pattern matching nothing is a ConfigError naming it. */
  select(pattern: string | readonly string[], opts: SelectOptions = {}): HostSpec[] {
    let names = selectHostNames(this, pattern, opts);
    if (opts.limit !== undefined) {
      const limitOpts: PatternOptions = { field: 'limit', ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }), location: { file: '--limit' } };
      const allowed = new Set(selectHostNames(this, opts.limit, limitOpts));
      names = names.filter((n) => allowed.has(n));
      if (names.length === 0) {
        const text = (p: string | readonly string[]): string => (typeof p === 'string' ? p : p.join(','));
        throw new ConfigError(limitOpts.location!, 'limit', `--limit "${text(opts.limit)}" leaves none of the hosts selected by "${text(pattern)}"`);
      }
    }
    return names.map((n) => this.specs.get(n)!);
  }
}

async function loadSource(source: string, model: InventoryModel): Promise<void> {
  const st = await stat(source).catch(() => undefined);
  if (!st) {
    // Like `ansible -i web1,web2,`: a comma-separated host list instead of a file.
    if (source.includes(',')) return loadHostList(source, model);
    model.error({ file: source }, undefined, 'inventory source not found (expected a YAML, INI or JSON file, a directory, or a host list "a,b,")');
    return;
  }
  if (st.isDirectory()) {
    const entries = (await readdir(source, { withFileTypes: true })).filter((e) => e.isFile() && !e.name.startsWith('.') && !IGNORED_IN_DIR.test(e.name));
    for (const e of entries.map((x) => x.name).sort()) await loadFile(path.join(source, e), source, model);
    model.sources.push({ file: source, baseDir: path.resolve(source) });
    return;
  }
  await loadFile(source, path.dirname(source), model);
  model.sources.push({ file: source, baseDir: path.resolve(path.dirname(source)) });
}

async function loadFile(file: string, dir: string, model: InventoryModel): Promise<void> {
  const text = await readFile(file, 'utf8');
  const baseDir = path.resolve(dir);
  if (detectInventoryFormat(file, text) === 'yaml') parseYamlInventory(text, file, baseDir, model);
  else parseIniInventory(text, file, baseDir, model);
}

function loadHostList(list: string, model: InventoryModel): void {
  const at = { file: '(host list)', line: 1, baseDir: process.cwd() };
  for (const item of list.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    try {
      const { names, port } = expandHostPattern(item);
      for (const n of names) {
        const h = model.addHostToGroup('ungrouped', n, at);
        if (port !== undefined) h.vars.set('ansible_port', { value: port, origin: at });
      }
    } catch (err) {
      if (!(err instanceof HostRangeError)) throw err;
      model.error(at, item, err.message);
    }
  }
}


/** Reads and merges inventory sources (later sources override earlier ones); every problem is reported at once. */
export async function loadInventory(paths: readonly string[]): Promise<Inventory> {
  if (paths.length === 0) throw new ConfigError({ file: '(command line)' }, 'inventory', 'no inventory given (expected -i FILE)');
  const model = new InventoryModel();
  for (const p of paths) await loadSource(p, model);
  throwCollected(model.errors);
  // group_vars/host_vars are read after every source, for every group and host of the whole inventory (Ansible's
  // vars plugins run then), so a later source's groups get an earlier source's group_vars too.
  const unread: string[] = [];
  for (const [i, src] of model.sources.entries()) {
    for (const e of await loadVarsDirs(src.baseDir, i, model)) unread.push(`${path.join(src.baseDir, e)} matches no ${e.startsWith('group_vars') ? 'group' : 'host'} in the inventory`);
  }
  throwCollected(model.errors);
  if (model.hosts.size === 0) {
    const where: SourceLocation = { file: paths.join(', '), line: 1, column: 1 };
    throw new ConfigError(where, 'hosts', 'the inventory defines no hosts (expected at least one host under a group\'s "hosts:")');
  }
  const graph = reconcile(model);
  const specs: HostSpec[] = [];
  const origins = new Map<string, Map<string, SourceLocation>>();
  for (const name of model.hosts.keys()) {
    const groups = hostGroups(model, graph, name);
    const vars = mergedHostVars(model, graph, name, groups);
    const spec = toHostSpec(name, groups, vars, model.errors);
    if (spec) specs.push(spec);
    origins.set(name, new Map([...vars].map(([k, tv]) => [k, tv.origin])));
  }
  throwCollected(model.errors);
  const groups = new Map<string, InventoryGroup>();
  for (const g of model.groups.values()) {
    const vars: Record<string, unknown> = {};
    for (const [k, v] of g.vars) vars[k] = v.value;
    for (const dv of model.groupDirVars) if (dv.name === g.name) for (const [k, v] of dv.vars) vars[k] = v.value;
    groups.set(g.name, { name: g.name, hosts: groupHosts(model, g.name), directHosts: g.name === 'all' ? [] : [...g.hosts], children: [...g.children], parents: graph.parents.get(g.name) ?? [], depth: graph.depth.get(g.name) ?? 0, vars });
  }
  return new Inventory([...paths], specs, groups, unread, origins);
}
