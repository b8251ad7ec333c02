// `hosts [PATTERN]`: what an inventory and a pattern select, like `ansible PATTERN --list-hosts`, and what each resolves to.
import type { HostSpec } from '../../inventory/types.js';
import type { CommonOptions } from '../common-options.js';
import { EXIT } from '../exit-codes.js';
import { loadTargets } from '../targets.js';

/** What a host resolves to: how the tool reaches it and what Nova calls it. Never its variables (they may hold secrets). */
export interface ResolvedHost {
  name: string;
  address: string;
  port: number;
  user: string;
  become: boolean;
  novaHost: string;
  /** Who names it: the inventory (nova_host, canonical_hostname), or the host itself by Nova's rule, known only after its facts. */
  novaHostFrom: 'nova_host' | 'canonical_hostname' | 'host';
  groups: string[];
  /**
   * The deployment layout the inventory forces (null: detected in the gather, as `plan` and reports show), and the
   * inventory variables that set it or any of its parts, with where they were set.
   */
  layout: { name: string | null; overrides: string[] };
}

export function resolvedHost(h: HostSpec): ResolvedHost {
  const from = h.novaHostFrom === 'nova_host' || h.novaHostFrom === 'canonical_hostname' ? h.novaHostFrom : 'host';
  return {
    name: h.name, address: h.address, port: h.port, user: h.user, become: h.become, novaHost: h.novaHost, novaHostFrom: from,
    groups: h.groups.filter((g) => g !== 'all'), layout: { name: h.layout?.name ?? null, overrides: [...(h.layout?.basis ?? [])] },
  };
}

/** The LAYOUT column: the forced layout, or "detected" (at the gather); "+N parts" when single parts are set too. */
function layoutCell(l: ResolvedHost['layout']): string {
  const parts = l.overrides.filter((o) => !o.startsWith('mds_layout=')).length;
  return `${l.name ?? 'detected'}${parts ? ` (+${parts} set)` : ''}`;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n');
}

export async function hostsCommand(pattern: string, opts: Record<string, unknown>): Promise<number> {
  const o = opts as unknown as Pick<CommonOptions, 'inventory' | 'limit' | 'sshConfig'> & { json?: boolean };
  // A pattern or limit that selects nothing is a usage error (exit 4), as for every verb; the message names the argument,
  // not --limit, which the operator may not have given.
  const { hosts } = await loadTargets({ ...o, stateDir: '', logLevel: 'info' }, pattern, { file: 'PATTERN' });
  const resolved = hosts.map(resolvedHost);
  if (o.json) {
    process.stdout.write(`${JSON.stringify({ pattern, limit: o.limit ?? null, hosts: resolved }, null, 2)}\n`);
    return EXIT.OK;
  }
  process.stdout.write(`  hosts (${resolved.length}):\n`);
  const rows = [['HOST', 'ADDRESS', 'PORT', 'USER', 'BECOME', 'NOVA HOST', 'LAYOUT'],
    ...resolved.map((h) => [h.name, h.address, String(h.port), h.user, h.become ? 'yes' : 'no', h.novaHostFrom === 'host' ? `${h.novaHost}*` : h.novaHost, layoutCell(h.layout)])];
  process.stdout.write(`${table(rows).split('\n').map((l) => `    ${l}`).join('\n')}\n`);
  // This verb contacts nothing, so a name the host decides is shown as the inventory name it stands in for.
  if (resolved.some((h) => h.novaHostFrom === 'host')) {
    process.stdout.write("  * decided on the host by Nova's rule (nova.conf's [DEFAULT] host, else the host's own name); set nova_host to fix it here\n");
  }
  return EXIT.OK;
}
