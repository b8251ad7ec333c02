// The raw inventory every format parser fills: groups, hosts, memberships and variables, each with where it was written.
import { ConfigError } from '../util/errors.js';
import type { SourceLocation } from '../util/errors.js';

/** Where a value was written, and the directory relative paths in it are resolved against. */
export interface Origin extends SourceLocation {
  baseDir: string;
}

export interface TaggedValue {
  value: unknown;
  origin: Origin;
}

export type TaggedVars = Map<string, TaggedValue>;

export interface GroupDef {
  name: string;
  /** Direct member hosts in the order they were written. */
  hosts: string[];
  children: string[];
  /** Where each child was attached (cycle errors point there). */
  childOrigins: Map<string, Origin>;
  vars: TaggedVars;
  declared: Origin;
}

export interface HostDef {
  name: string;
  vars: TaggedVars;
  declared: Origin;
}

/** group_vars/NAME or host_vars/NAME content from one inventory source's directory. */
export interface DirVars {
  sourceIndex: number;
  name: string;
  vars: TaggedVars;
}

export class InventoryModel {
  readonly groups = new Map<string, GroupDef>();
  readonly hosts = new Map<string, HostDef>();
  readonly groupDirVars: DirVars[] = [];
  readonly hostDirVars: DirVars[] = [];
  readonly errors: ConfigError[] = [];
  readonly sources: Origin[] = [];

  constructor() {
    const builtin: Origin = { file: '(built-in)', baseDir: process.cwd() };
    this.group('all', builtin);
    this.group('ungrouped', builtin);
  }

  error(at: SourceLocation, field: string | undefined, problem: string): void {
    this.errors.push(new ConfigError({ file: at.file, line: at.line, column: at.column }, field, problem));
  }

  group(name: string, at: Origin): GroupDef {
    let g = this.groups.get(name);
    if (!g) {
      g = { name, hosts: [], children: [], childOrigins: new Map(), vars: new Map(), declared: at };
      this.groups.set(name, g);
    }
    return g;
  }

  host(name: string, at: Origin): HostDef {
    let h = this.hosts.get(name);
    if (!h) {
      h = { name, vars: new Map(), declared: at };
      this.hosts.set(name, h);
    }
    return h;
  }

  addHostToGroup(group: string, host: string, at: Origin): HostDef {
    const g = this.group(group, at);
    const h = this.host(host, at);
    if (!g.hosts.includes(host)) g.hosts.push(host);
    return h;
  }

  addChild(parent: string, child: string, at: Origin): void {
    const p = this.group(parent, at);
    this.group(child, at);
    if (child === 'all') {
      this.error(at, `${parent}.children.all`, 'group "all" is the root of every inventory and cannot be a child group');
      return;
    }
    if (!p.children.includes(child)) {
      p.children.push(child);
      p.childOrigins.set(child, at);
    }
  }
}

/** Sets a variable; later writes win, as a later inventory source overrides an earlier one. */
export function setVar(vars: TaggedVars, key: string, value: unknown, origin: Origin): void {
  vars.set(key, { value, origin });
}
