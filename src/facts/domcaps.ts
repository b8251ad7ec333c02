// `virsh domcapabilities` XML to DomCapabilities (CPU modes only), read with fast-xml-parser.
import { XMLParser } from 'fast-xml-parser';
import type { CpuFeature, DomCapabilities } from './types.js';
import { GatherError } from './errors.js';
import { memoByText } from './memo.js';

type Node = Record<string, unknown>;

const ARRAY_TAGS = new Set(['mode', 'model', 'feature', 'blockers', 'enum', 'value']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  // Model names such as "486" must stay strings.
  parseTagValue: false,
  parseAttributeValue: false,
  alwaysCreateTextNode: true,
  textNodeName: '#text',
  isArray: (name) => ARRAY_TAGS.has(name),
});

const WELL_FRAMED = /^\s*(?:<\?xml[^>]*\?>\s*)?<domainCapabilities[\s>][^]*<\/domainCapabilities>\s*$/;

/**
 * The <cpu> element alone, parsed and validated: the rest of the document (devices, features: most of its bytes on
 * recent libvirt) is never read, and parsing it cost more than the rest of a sweep's per-host work. Null when the
 * document is not plainly framed, so the whole-document path can say what is wrong with it.
 */
function cpuElement(xml: string): Node | undefined | null {
  if (!WELL_FRAMED.test(xml)) return null;
  const open = /<cpu[\s>/]/.exec(xml);
  if (!open) return undefined;
  const close = xml.indexOf('</cpu>', open.index);
  if (close < 0) return null;
  let doc: Node;
  try {
    doc = parser.parse(xml.slice(open.index, close + '</cpu>'.length), true) as Node;
  } catch (err) {
    throw new GatherError('virsh domcapabilities did not print valid XML', { cause: err });
  }
  return doc['cpu'] as Node | undefined;
}

function cpuOfWholeDocument(xml: string): Node | undefined {
  let doc: Node;
  try {
    doc = parser.parse(xml, true) as Node;
  } catch (err) {
    throw new GatherError('virsh domcapabilities did not print valid XML', { cause: err });
  }
  const root = doc['domainCapabilities'];
  if (typeof root !== 'object' || root === null) throw new GatherError('virsh domcapabilities output has no <domainCapabilities> element');
  return (root as Node)['cpu'] as Node | undefined;
}

function nodes(v: unknown): Node[] {
  return Array.isArray(v) ? v.filter((x): x is Node => typeof x === 'object' && x !== null) : [];
}
function attr(n: Node, name: string): string | null {
  const v = n[`@_${name}`];
  return typeof v === 'string' ? v : null;
}
function text(n: Node | undefined): string | null {
  const v = n?.['#text'];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
}

/**
 * Reads the <cpu> modes. Only <feature> elements that are direct children of <mode name='host-model'> count as
 * host-model features: <blockers> (libvirt 8.9+, under the custom mode) name features a custom model LACKS, so a
 * feature named only there (md-clear in the qemu 11 DiamondRapids blockers) is not offered by the host.
 * Throws GatherError when the text is not domainCapabilities XML.
 */
export function parseDomCapabilities(xml: string): DomCapabilities {
  return parsedDocuments(xml);
}

/**
 * Hosts of one hardware and software generation print the same document, so a fleet has a handful of distinct
 * ones; each is parsed once. Parsing is the largest piece of our per-host CPU in a sweep, mostly the parser's
 * JIT warm-up, which a fleet of a few hundred hosts never gets past. Results are frozen because they are shared.
 */
const parsedDocuments = memoByText((xml: string) => parseUncached(xml), (xml) => xml);

function parseUncached(xml: string): DomCapabilities {
  const sliced = cpuElement(xml);
  const cpu = sliced === null ? cpuOfWholeDocument(xml) : sliced;
  const modes = typeof cpu === 'object' && cpu !== null ? nodes((cpu as Node)['mode']) : [];
  const mode = (name: string) => modes.find((m) => attr(m, 'name') === name);
  const supported = (m: Node | undefined) => m !== undefined && attr(m, 'supported') === 'yes';

  const hm = mode('host-model');
  let hostModel: DomCapabilities['hostModel'] = null;
  if (hm && supported(hm)) {
    const features: CpuFeature[] = nodes(hm['feature'])
      .map((f) => ({ name: attr(f, 'name') ?? '', policy: attr(f, 'policy') ?? 'require' }))
      .filter((f) => f.name !== '');
    hostModel = { model: text(nodes(hm['model'])[0]), vendor: text(hm['vendor'] as Node | undefined), features };
  }
  const custom = mode('custom');
  const customModels = supported(custom)
    ? nodes(custom?.['model']).flatMap((m) => {
        const name = text(m);
        if (name === null) return [];
        const u = attr(m, 'usable');
        const usable: 'yes' | 'no' | 'unknown' = u === 'yes' || u === 'no' ? u : 'unknown';
        return [{ name, usable }];
      })
    : [];
  return { hostModel, hostPassthroughSupported: supported(mode('host-passthrough')), customModels };
}
