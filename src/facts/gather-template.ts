// The gather script built once per run and layout, then stamped with each host's own random marker nonce.
import { randomBytes } from 'node:crypto';
import { buildGatherCommand, type GatherOptions } from './gather-command.js';
import { MARKER_PREFIX } from './sections.js';

/** A run's gather script with the nonce left out: `stamp()` gives one host's script, with a fresh nonce unless told one. */
export interface GatherTemplate {
  stamp(nonce?: string): string;
}

/**
 * The script is the same for every host of a run but for its nonce, and building it (a dozen sections of quoted shell)
 * cost more per host than parsing the answer. It is built once with a random placeholder nonce and cut where the
 * placeholder stands; each host's script joins the pieces with its own random nonce, so file contents still cannot
 * forge a marker. The cut is checked: the placeholder must stand in every marker and nowhere else.
 */
export function gatherTemplate(opts: Omit<GatherOptions, 'nonce'>): GatherTemplate {
  const placeholder = randomNonce();
  const pieces = buildGatherCommand({ ...opts, nonce: placeholder }).split(placeholder);
  const markers = pieces.slice(0, -1).filter((p) => p.endsWith(MARKER_PREFIX)).length;
  if (markers !== pieces.length - 1) throw new Error('gather template: the placeholder nonce appears outside the markers');
  return {
    stamp(nonce = randomNonce()): string {
      if (!/^[a-z0-9]+$/.test(nonce)) throw new Error(`gather nonce must be [a-z0-9]+, got ${JSON.stringify(nonce)}`);
      return pieces.join(nonce);
    },
  };
}

/** The default nonce, as buildGatherCommand draws it. */
function randomNonce(): string {
  return randomBytes(8).toString('hex');
}

/**
 * One template per distinct layout override (most fleets: one for the whole run). Bounded, so an inventory giving
 * every host its own nova.conf path builds per host as before instead of keeping thousands of scripts.
 */
export function gatherTemplates(base: Omit<GatherOptions, 'nonce' | 'layout'>, max = 32): (layout: GatherOptions['layout']) => GatherTemplate {
  const cache = new Map<string, GatherTemplate>();
  return (layout) => {
    const key = layout ? JSON.stringify(layout) : '';
    let t = cache.get(key);
    if (t === undefined) {
      t = gatherTemplate(layout ? { ...base, layout } : base);
      if (cache.size < max) cache.set(key, t);
    }
    return t;
  };
}
