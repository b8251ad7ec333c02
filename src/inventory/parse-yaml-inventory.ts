// Ansible's YAML inventory (all/children/hosts/vars) and the JSON shapes: same tree, or a dynamic script's _meta.hostvars.
import { formatPath, isEmptyNode, mapEntries, nodeLocation, parseYaml, seqItems, toPlain, describeNode } from '../util/yaml-positions.js';
import type { ParsedYaml, PathSegment } from '../util/yaml-positions.js';
import { isMap, isScalar, isSeq } from 'yaml';
import { expandHostPattern, HostRangeError } from './host-range.js';
import { setVar } from './model.js';
import type { InventoryModel, Origin, TaggedVars } from './model.js';

const GROUP_KEYS = ['hosts', 'children', 'vars'];
/** Characters that would make a group impossible to target with a host pattern. */
const BAD_GROUP_CHARS = /[\s,:!&[\]~@*?]/;

interface Ctx {
  parsed: ParsedYaml;
  model: InventoryModel;
  baseDir: string;
  /** JSON (dynamic-inventory style) also allows lists for hosts and children. */
  json: boolean;
}

function at(ctx: Ctx, node: unknown): Origin {
  return { ...nodeLocation(ctx.parsed, node), baseDir: ctx.baseDir };
}

/**
 * A variable's value as Ansible holds it: a `!vault` scalar stays encrypted, shown by ansible-inventory as
 * {"__ansible_vault": ciphertext}; this tool has no vault password, so it keeps the same opaque shape (never the
 * ciphertext as if it were a string: a vaulted ansible_user or ansible_host is then refused as "not a string").
 */
function plainValue(parsed: ParsedYaml, node: unknown): unknown {
  if (isScalar(node) && node.tag === '!vault') return { __ansible_vault: String(node.value) };
  if (!hasVaultTag(node)) return toPlain(parsed, node);
  const entries = mapEntries(parsed, node);
  if (entries) return Object.fromEntries(entries.map((e) => [e.key, plainValue(parsed, e.value)]));
  const items = seqItems(parsed, node);
  if (items) return items.map((i) => plainValue(parsed, i));
  return toPlain(parsed, node);
}

function hasVaultTag(node: unknown): boolean {
  if (isScalar(node)) return node.tag === '!vault';
  if (isMap(node)) return node.items.some((p) => hasVaultTag(p.value));
  if (isSeq(node)) return node.items.some((i) => hasVaultTag(i));
  return false;
}

/** Copies a mapping node's entries into `vars`; reports a non-mapping. Returns false if the node was not usable. */
export function readVarsNode(ctx: Pick<Ctx, 'parsed' | 'model' | 'baseDir'>, node: unknown, keyNode: unknown, path: PathSegment[], vars: TaggedVars): boolean {
  if (isEmptyNode(ctx.parsed, node)) return true;
  const entries = mapEntries(ctx.parsed, node);
  if (!entries) {
    ctx.model.error(nodeLocation(ctx.parsed, node ?? keyNode), formatPath(path) || '(variables)', `expected a mapping of variables (name: value), got ${describeNode(ctx.parsed, node)}`);
    return false;
  }
  for (const e of entries) {
    const origin: Origin = { ...nodeLocation(ctx.parsed, e.value ?? e.keyNode), baseDir: ctx.baseDir };
    if (isEmptyNode(ctx.parsed, e.value)) Object.assign(origin, nodeLocation(ctx.parsed, e.keyNode));
    setVar(vars, e.key, plainValue(ctx.parsed, e.value), origin);
  }
  return true;
}

function addHosts(ctx: Ctx, group: string, pattern: string, keyNode: unknown, path: PathSegment[]): string[] {
  try {
    const { names, port } = expandHostPattern(pattern);
    for (const name of names) {
      const h = ctx.model.addHostToGroup(group, name, at(ctx, keyNode));
      if (port !== undefined) setVar(h.vars, 'ansible_port', port, at(ctx, keyNode));
    }
    return names;
  } catch (err) {
    if (!(err instanceof HostRangeError)) throw err;
    ctx.model.error(nodeLocation(ctx.parsed, keyNode), formatPath(path), err.message);
    return [];
  }
}

function parseHosts(ctx: Ctx, group: string, node: unknown, keyNode: unknown, path: PathSegment[]): void {
  if (isEmptyNode(ctx.parsed, node)) return;
  const list = ctx.json ? seqItems(ctx.parsed, node) : undefined;
  if (list) {
    list.forEach((item, i) => {
      const name = toPlain(ctx.parsed, item);
      if (typeof name !== 'string') ctx.model.error(nodeLocation(ctx.parsed, item), formatPath([...path, i]), `expected a host name, got ${describeNode(ctx.parsed, item)}`);
      else addHosts(ctx, group, name, item, [...path, i]);
    });
    return;
  }
  // Ansible turns a plain string into a one-entry mapping: `hosts: db-1` is `hosts: {db-1: }`.
  const single = plainString(ctx, node);
  if (single !== undefined) {
    addHosts(ctx, group, single, node, [...path, single]);
    return;
  }
  const entries = mapEntries(ctx.parsed, node);
  if (!entries) {
    ctx.model.error(nodeLocation(ctx.parsed, node ?? keyNode), formatPath(path), `expected a mapping of host names (host: {vars} or host:), got ${describeNode(ctx.parsed, node)}`);
    return;
  }
  for (const e of entries) {
    const hostPath = [...path, e.key];
    if (isScalar(e.keyNode) && typeof e.keyNode.value === 'number') {
      // Ansible: "Host pattern 1234 must be a string. Enclose integers/floats in quotation marks."
      ctx.model.error(nodeLocation(ctx.parsed, e.keyNode), formatPath(hostPath), `host name ${e.key} must be a string: enclose integers and floats in quotation marks ("${e.key}")`);
      continue;
    }
    const names = addHosts(ctx, group, e.key, e.keyNode, hostPath);
    if (names.length === 0 || isEmptyNode(ctx.parsed, e.value)) continue;
    for (const name of names) {
      const h = ctx.model.hosts.get(name);
      if (h && !readVarsNode(ctx, e.value, e.keyNode, hostPath, h.vars)) break;
    }
  }
}

/** A scalar string node's text (Ansible converts a string under hosts/children/vars to {string: None}). */
function plainString(ctx: Ctx, node: unknown): string | undefined {
  if (isEmptyNode(ctx.parsed, node) || mapEntries(ctx.parsed, node) || seqItems(ctx.parsed, node)) return undefined;
  const v = toPlain(ctx.parsed, node);
  return typeof v === 'string' ? v : undefined;
}

function checkGroupName(ctx: Ctx, name: string, keyNode: unknown, path: PathSegment[]): boolean {
  if (name.trim() === '' || BAD_GROUP_CHARS.test(name)) {
    ctx.model.error(nodeLocation(ctx.parsed, keyNode), formatPath(path), `bad group name "${name}": use letters, digits, "_", "-" or "." (no spaces or pattern characters , : ! & [ ] ~ @ * ?)`);
    return false;
  }
  return true;
}

function parseGroup(ctx: Ctx, name: string, node: unknown, keyNode: unknown, path: PathSegment[]): void {
  if (!checkGroupName(ctx, name, keyNode, path)) return;
  const group = ctx.model.group(name, at(ctx, keyNode));
  if (isEmptyNode(ctx.parsed, node)) return;
  const list = ctx.json ? seqItems(ctx.parsed, node) : undefined;
  if (list) {
    parseHosts(ctx, name, node, keyNode, [...path]);
    return;
  }
  const entries = mapEntries(ctx.parsed, node);
  if (!entries) {
    ctx.model.error(nodeLocation(ctx.parsed, node), formatPath(path), `expected a group (a mapping with hosts, children or vars), got ${describeNode(ctx.parsed, node)}`);
    return;
  }
  for (const e of entries) {
    const p = [...path, e.key];
    if (!GROUP_KEYS.includes(e.key)) {
      ctx.model.error(nodeLocation(ctx.parsed, e.keyNode), formatPath(p), `unknown key in group "${name}"; expected one of: ${GROUP_KEYS.join(', ')}`);
    } else if (e.key === 'hosts') {
      parseHosts(ctx, name, e.value, e.keyNode, p);
    } else if (e.key === 'vars') {
      const single = plainString(ctx, e.value);
      // `vars: name` is `vars: {name: }` to Ansible: one variable, null.
      if (single !== undefined) setVar(group.vars, single, null, at(ctx, e.value));
      else readVarsNode(ctx, e.value, e.keyNode, p, group.vars);
    } else {
      parseChildren(ctx, name, e.value, e.keyNode, p);
    }
  }
}

function parseChildren(ctx: Ctx, parent: string, node: unknown, keyNode: unknown, path: PathSegment[]): void {
  if (isEmptyNode(ctx.parsed, node)) return;
  const list = ctx.json ? seqItems(ctx.parsed, node) : undefined;
  if (list) {
    list.forEach((item, i) => {
      const child = toPlain(ctx.parsed, item);
      if (typeof child !== 'string') ctx.model.error(nodeLocation(ctx.parsed, item), formatPath([...path, i]), `expected a group name, got ${describeNode(ctx.parsed, item)}`);
      else if (checkGroupName(ctx, child, item, [...path, i])) ctx.model.addChild(parent, child, at(ctx, item));
    });
    return;
  }
  const single = plainString(ctx, node);
  if (single !== undefined) {
    if (checkGroupName(ctx, single, node, [...path, single])) {
      ctx.model.addChild(parent, single, at(ctx, node));
      ctx.model.group(single, at(ctx, node));
    }
    return;
  }
  const entries = mapEntries(ctx.parsed, node);
  if (!entries) {
    ctx.model.error(nodeLocation(ctx.parsed, node ?? keyNode), formatPath(path), `expected a mapping of child groups, got ${describeNode(ctx.parsed, node)}`);
    return;
  }
  for (const e of entries) {
    if (!checkGroupName(ctx, e.key, e.keyNode, [...path, e.key])) continue;
    ctx.model.addChild(parent, e.key, at(ctx, e.keyNode));
    parseGroup(ctx, e.key, e.value, e.keyNode, [...path, e.key]);
  }
}

function parseMeta(ctx: Ctx, node: unknown, keyNode: unknown): void {
  const entries = mapEntries(ctx.parsed, node);
  if (!entries) {
    ctx.model.error(nodeLocation(ctx.parsed, node ?? keyNode), '_meta', `expected a mapping with hostvars, got ${describeNode(ctx.parsed, node)}`);
    return;
  }
  for (const e of entries) {
    if (e.key !== 'hostvars') {
      ctx.model.error(nodeLocation(ctx.parsed, e.keyNode), `_meta.${e.key}`, 'unknown key; expected one of: hostvars');
      continue;
    }
    const hosts = mapEntries(ctx.parsed, e.value);
    if (!hosts) {
      if (!isEmptyNode(ctx.parsed, e.value)) ctx.model.error(nodeLocation(ctx.parsed, e.value), '_meta.hostvars', `expected a mapping of host name to variables, got ${describeNode(ctx.parsed, e.value)}`);
      continue;
    }
    for (const h of hosts) {
      const host = ctx.model.host(h.key, at(ctx, h.keyNode));
      readVarsNode(ctx, h.value, h.keyNode, ['_meta', 'hostvars', h.key], host.vars);
    }
  }
}

/** Fills `model` from one YAML or JSON inventory text; problems are collected in model.errors. */
export function parseYamlInventory(text: string, file: string, baseDir: string, model: InventoryModel): void {
  const json = text.trimStart().startsWith('{');
  // Ansible reads YAML inventories with PyYAML (YAML 1.1: yes/no are booleans); JSON is plain YAML 1.2.
  const { parsed, errors } = parseYaml(text, file, { version: json ? '1.2' : '1.1' });
  if (errors.length > 0) {
    model.errors.push(...errors);
    return;
  }
  const ctx: Ctx = { parsed, model, baseDir, json };
  const root = parsed.doc.contents;
  if (isEmptyNode(parsed, root)) return;
  const entries = mapEntries(parsed, root);
  if (!entries) {
    model.error(nodeLocation(parsed, root), undefined, `expected a mapping of groups at the top (e.g. "all:"), got ${describeNode(parsed, root)}`);
    return;
  }
  for (const e of entries) {
    if (e.key === '_meta' && json) parseMeta(ctx, e.value, e.keyNode);
    else parseGroup(ctx, e.key, e.value, e.keyNode, [e.key]);
  }
}
