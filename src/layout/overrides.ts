// Layout overrides from the inventory (mds_layout and one variable per part): their value syntax, parsed and checked.
import type { ContainerEngine, ContainerRef, LayoutFact, LayoutName } from './names.js';
import { isLayoutName, LAYOUT_NAMES } from './names.js';

/** The inventory variables, one per part of the layout; README "Deployment layouts" documents them. */
export const LAYOUT_VARS = {
  name: 'mds_layout',
  novaConf: 'mds_nova_conf',
  virsh: 'mds_virsh',
  novaCompute: 'mds_nova_compute',
  virtPackages: 'mds_virt_packages',
} as const;

/** What the inventory forces for a host; every part left out is detected (or follows the forced layout). */
export interface LayoutOverrides {
  name?: LayoutName;
  novaConf?: string;
  /** null: virsh on the host. */
  virsh?: ContainerRef | null;
  novaCompute?: LayoutFact['novaCompute'];
  /** null: qemu/libvirt are host packages. */
  virtPackages?: ContainerRef | null;
  /** One line per variable that set a part, e.g. "mds_layout=kolla (inventory hosts.yml:12)", for the layout's basis. */
  basis: string[];
}

const CONTAINER = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const UNIT = /^[A-Za-z0-9][A-Za-z0-9@._:\\-]{0,254}$/;
const ENGINES: readonly ContainerEngine[] = ['docker', 'podman'];

export type Parsed<T> = { ok: true; value: T } | { ok: false; expected: string };

const CONTAINER_SYNTAX = 'docker:<container> or podman:<container> (container names: letters, digits, _ . -)';

function containerRef(value: string): ContainerRef | null {
  const i = value.indexOf(':');
  if (i < 0) return null;
  const engine = value.slice(0, i) as ContainerEngine;
  const container = value.slice(i + 1);
  return ENGINES.includes(engine) && CONTAINER.test(container) ? { engine, container } : null;
}

export function parseLayoutName(value: unknown): Parsed<LayoutName> {
  if (typeof value === 'string' && isLayoutName(value.trim())) return { ok: true, value: value.trim() as LayoutName };
  return { ok: false, expected: `one of ${LAYOUT_NAMES.join(', ')}` };
}

/** An absolute path: quoted into the gather, so only a newline or tab (which would break its line framing) is refused. */
export function parseNovaConfPath(value: unknown): Parsed<string> {
  if (typeof value === 'string' && value.startsWith('/') && !/[\n\r\t\0]/.test(value) && !value.endsWith('/')) return { ok: true, value };
  return { ok: false, expected: 'an absolute path to a file (the nova.conf nova-compute reads)' };
}

/** `host`, or `docker:<container>` / `podman:<container>`: where virsh runs, or where qemu/libvirt are installed. */
export function parseHostOrContainer(value: unknown): Parsed<ContainerRef | null> {
  if (typeof value !== 'string') return { ok: false, expected: `host, ${CONTAINER_SYNTAX}` };
  const v = value.trim();
  if (v === 'host') return { ok: true, value: null };
  const ref = containerRef(v);
  return ref ? { ok: true, value: ref } : { ok: false, expected: `host, ${CONTAINER_SYNTAX}` };
}

/** `systemd:<unit>`, or `docker:<container>` / `podman:<container>` restarted by its engine. */
export function parseNovaComputeRestart(value: unknown): Parsed<LayoutFact['novaCompute']> {
  const expected = `systemd:<unit>, ${CONTAINER_SYNTAX}`;
  if (typeof value !== 'string') return { ok: false, expected };
  const v = value.trim();
  if (v.startsWith('systemd:')) {
    const unit = v.slice('systemd:'.length).replace(/\.service$/, '');
    return UNIT.test(unit) ? { ok: true, value: { kind: 'unit', unit } } : { ok: false, expected };
  }
  const ref = containerRef(v);
  return ref ? { ok: true, value: { kind: 'container', ...ref } } : { ok: false, expected };
}

/** The part's value in the syntax the inventory and the gather use (the inverse of the parsers above). */
export function formatHostOrContainer(ref: ContainerRef | null): string {
  return ref === null ? 'host' : `${ref.engine}:${ref.container}`;
}

export function formatNovaComputeRestart(nc: LayoutFact['novaCompute']): string {
  return nc.kind === 'unit' ? `systemd:${nc.unit}` : `${nc.engine}:${nc.container}`;
}
