// The layout overrides among a host's inventory variables (mds_layout, mds_nova_conf, ...), checked where they were set.
import { LAYOUT_VARS, parseHostOrContainer, parseLayoutName, parseNovaComputeRestart, parseNovaConfPath, type LayoutOverrides, type Parsed } from '../layout/overrides.js';
import { ConfigError } from '../util/errors.js';
import type { TaggedValue } from './model.js';

function where(tv: TaggedValue): string {
  return `${tv.origin.file}${tv.origin.line === undefined ? '' : `:${tv.origin.line}`}`;
}

function shown(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : value === null || value === undefined ? 'nothing' : typeof value === 'object' ? 'a mapping or list' : JSON.stringify(value);
}

/** The overrides set for this host (undefined when none); a bad value pushes a ConfigError naming file, line and variable. */
export function layoutOverridesOf(name: string, vars: Map<string, TaggedValue>, errors: ConfigError[]): LayoutOverrides | undefined {
  const out: LayoutOverrides = { basis: [] };
  let any = false;
  const take = <T>(field: string, parse: (v: unknown) => Parsed<T>, set: (v: T) => void): void => {
    const tv = vars.get(field);
    if (tv === undefined) return;
    const r = parse(tv.value);
    if (!r.ok) {
      errors.push(new ConfigError(tv.origin, field, `host ${name}: expected ${r.expected}, got ${shown(tv.value)}`));
      return;
    }
    set(r.value);
    any = true;
    out.basis.push(`${field}=${String(tv.value).trim()} (inventory ${where(tv)})`);
  };
  take(LAYOUT_VARS.name, parseLayoutName, (v) => { out.name = v; });
  take(LAYOUT_VARS.novaConf, parseNovaConfPath, (v) => { out.novaConf = v; });
  take(LAYOUT_VARS.virsh, parseHostOrContainer, (v) => { out.virsh = v; });
  take(LAYOUT_VARS.novaCompute, parseNovaComputeRestart, (v) => { out.novaCompute = v; });
  take(LAYOUT_VARS.virtPackages, parseHostOrContainer, (v) => { out.virtPackages = v; });
  return any ? out : undefined;
}
