// Ansible's INI inventory: [group], [group:vars], [group:children], "host key=value ..." lines and host ranges.
import { expandHostPattern, HostRangeError } from './host-range.js';
import { LexError, parseIniValue, shlexSplit } from './ini-values.js';
import { setVar } from './model.js';
import { UnusableLiteral } from './python-literal.js';
import type { InventoryModel, Origin } from './model.js';

const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:[#;].*)?$/;
const GROUP_NAME = /^([^:\]\s,!&[~@*?]+)\s*(?:[#;].*)?$/;

interface Pending {
  kind: 'vars' | 'children';
  group: string;
  parent?: string;
  at: Origin;
}

/** Fills `model` from one INI inventory text; problems are collected in model.errors. */
export function parseIniInventory(text: string, file: string, baseDir: string, model: InventoryModel): void {
  const lines = text.split(/\r?\n/);
  let group = 'ungrouped';
  let state: 'hosts' | 'vars' | 'children' = 'hosts';
  let section = '(before any section)';
  // Like Ansible: [g:vars] and [p:children] may name a group declared further down, but it must be declared somewhere.
  // Groups an earlier -i source declared count as declared (Ansible checks the whole inventory so far): kayobe
  // declares groups in one source and fills or extends them in the next.
  const declared = new Set<string>(['all', 'ungrouped', ...model.groups.keys()]);
  const pending: Pending[] = [];

  lines.forEach((rawLine, idx) => {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const indent = rawLine.length - rawLine.trimStart().length;
    const origin = (offset = 0): Origin => ({ file, line: idx + 1, column: indent + offset + 1, baseDir });

    const m = SECTION.exec(line);
    if (m) {
      const kind = m[2] ?? 'hosts';
      if (kind !== 'hosts' && kind !== 'vars' && kind !== 'children') {
        model.error(origin(), `[${m[1]}:${kind}]`, `unknown section type "${kind}"; expected [${m[1]}], [${m[1]}:vars] or [${m[1]}:children]`);
        state = 'vars';
        group = '\0invalid';
        return;
      }
      group = m[1]!;
      state = kind;
      section = line.replace(/\s*[#;].*$/, '');
      model.group(group, origin());
      if (kind === 'vars') {
        if (!declared.has(group)) pending.push({ kind: 'vars', group, at: origin() });
      } else {
        declared.add(group);
      }
      return;
    }
    if (line.startsWith('[')) {
      model.error(origin(), 'section', `invalid section header ${JSON.stringify(line)}: expected [group], [group:vars] or [group:children] with no spaces`);
      return;
    }
    if (group === '\0invalid') return;

    if (state === 'vars') {
      const eq = line.indexOf('=');
      if (eq <= 0) {
        model.error(origin(), section, `expected key=value, got ${JSON.stringify(line)}`);
        return;
      }
      const key = line.slice(0, eq).trim();
      const value = typedValue(model, line.slice(eq + 1).trim(), origin(), `${section} ${key}`);
      if (value.ok) setVar(model.group(group, origin()).vars, key, value.value, origin());
      return;
    }
    if (state === 'children') {
      const c = GROUP_NAME.exec(line);
      if (!c) {
        model.error(origin(), section, `expected a group name, got ${JSON.stringify(line)}`);
        return;
      }
      const child = c[1]!;
      model.addChild(group, child, origin());
      if (!declared.has(child)) pending.push({ kind: 'children', group: child, parent: group, at: origin() });
      return;
    }
    parseHostLine(model, line, group, section, origin);
  });

  for (const p of pending) {
    if (declared.has(p.group)) continue;
    if (p.kind === 'vars') model.error(p.at, `[${p.group}:vars]`, `section for undefined group "${p.group}": declare it with [${p.group}] or [${p.group}:children]`);
    else model.error(p.at, `[${p.parent}:children]`, `includes undefined group "${p.group}": declare it with [${p.group}] or [${p.group}:children]`);
  }
}

/** The value as Ansible types it; a literal Ansible cannot use (a set, bytes, complex) is an error at its place. */
function typedValue(model: InventoryModel, raw: string, at: Origin, field: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: parseIniValue(raw) };
  } catch (err) {
    if (!(err instanceof UnusableLiteral)) throw err;
    model.error(at, field, err.message);
    return { ok: false };
  }
}

function parseHostLine(model: InventoryModel, line: string, group: string, section: string, origin: (offset?: number) => Origin): void {
  let tokens;
  try {
    tokens = shlexSplit(line);
  } catch (err) {
    if (!(err instanceof LexError)) throw err;
    model.error(origin(), section, err.message);
    return;
  }
  const [first, ...rest] = tokens;
  if (!first) return;
  let names: string[];
  let port: number | undefined;
  try {
    ({ names, port } = expandHostPattern(first.text));
  } catch (err) {
    if (!(err instanceof HostRangeError)) throw err;
    model.error(origin(first.start), `${section} ${first.text}`, err.message);
    return;
  }
  const vars: Array<[string, unknown, Origin]> = [];
  for (const t of rest) {
    const eq = t.text.indexOf('=');
    if (eq <= 0) {
      model.error(origin(t.start), `${section} ${first.text}`, `expected key=value host variable, got ${JSON.stringify(t.text)}`);
      return;
    }
    const value = typedValue(model, t.text.slice(eq + 1), origin(t.start), `${section} ${first.text} ${t.text.slice(0, eq)}`);
    if (!value.ok) return;
    vars.push([t.text.slice(0, eq), value.value, origin(t.start)]);
  }
  for (const name of names) {
    const h = model.addHostToGroup(group, name, origin(first.start));
    if (port !== undefined) setVar(h.vars, 'ansible_port', port, origin(first.start));
    for (const [k, v, o] of vars) setVar(h.vars, k, v, o);
  }
}
