// The gather's layout section to a LayoutFact, or the reason the layout is unknown (pure; see probe-script.ts for the lines).
import type { ContainerRef, LayoutFact } from './names.js';
import { parseHostOrContainer, parseLayoutName, parseNovaComputeRestart, parseNovaConfPath } from './overrides.js';

export interface LayoutProbes {
  files: Record<string, boolean>;
  /** Per engine: read, absent (not installed), or the exit status of its `ps -a`. */
  engines: Record<string, string>;
  containers: { engine: string; name: string; image: string; status: string }[];
  units: string[];
  unitsUnreadable: boolean;
}

export type LayoutReading =
  | { known: true; layout: LayoutFact; probes: LayoutProbes }
  | { known: false; reason: string; probes: LayoutProbes };

/** Parses the section body; anything missing or malformed in the decision is unknown, never a default. */
export function parseLayoutSection(body: string): LayoutReading {
  const probes: LayoutProbes = { files: {}, engines: {}, containers: [], units: [], unitsUnreadable: false };
  const one = new Map<string, string>();
  const basis: string[] = [];
  let unknown: string | null = null;
  for (const raw of body.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line === '') continue;
    const [key = '', ...rest] = line.split('\t');
    if (key === 'probe' && rest.length === 2) probes.files[rest[0]!] = rest[1] === 'yes';
    else if (key === 'engine' && rest.length === 2) probes.engines[rest[0]!] = rest[1]!;
    else if (key === 'container' && rest.length >= 3) probes.containers.push({ engine: rest[0]!, name: rest[1]!, image: rest[2]!, status: rest.slice(3).join('\t') });
    else if (key === 'unit' && rest.length === 1) probes.units.push(rest[0]!);
    else if (key === 'units-unreadable') probes.unitsUnreadable = true;
    else if (key === 'unknown') unknown = rest.join('\t') || 'the probes did not settle it';
    else if (key === 'basis') basis.push(rest.join('\t'));
    else if (rest.length > 0) one.set(key, rest.join('\t'));
  }
  if (unknown !== null) return { known: false, reason: unknown, probes };
  const bad = (what: string): LayoutReading => ({ known: false, reason: `the gather's layout section ${what}`, probes });

  const name = parseLayoutName(one.get('layout'));
  if (!name.ok) return bad(one.has('layout') ? `names an unknown layout "${one.get('layout')}"` : 'has no decision (output cut short?)');
  const source = one.get('source');
  if (source !== 'detected' && source !== 'inventory') return bad(`has no source`);
  const novaConf = parseNovaConfPath(one.get('nova-conf'));
  if (!novaConf.ok) return bad(`has no nova.conf path`);
  const virsh = parseHostOrContainer(one.get('virsh'));
  if (!virsh.ok) return bad(`says virsh runs at "${one.get('virsh') ?? ''}"`);
  const novaCompute = parseNovaComputeRestart(one.get('nova-compute'));
  if (!novaCompute.ok) return bad(`says nova-compute restarts by "${one.get('nova-compute') ?? ''}"`);
  const vp = parseHostOrContainer(one.get('virt-packages'));
  if (!vp.ok) return bad(`says qemu/libvirt are at "${one.get('virt-packages') ?? ''}"`);
  const image = one.get('image') ?? '';
  const virtPackages: LayoutFact['virtPackages'] = vp.value === null ? { where: 'host' } : { where: 'container', ...(vp.value as ContainerRef), image: image === '' ? null : image };
  return {
    known: true,
    probes,
    layout: { name: name.value, source, novaConf: novaConf.value, virsh: virsh.value, novaCompute: novaCompute.value, virtPackages, basis },
  };
}
