// The tenants' list: every guest still needing a cold boot across the fleet, grouped by project, for the notice to tenants.
import { compareText } from '../util/compare-text.js';
import type { Palette } from './console-format.js';
import { renderCsv } from './csv.js';
import type { HostStatus, Report } from './model.js';

export interface TenantGuest {
  id: string;
  name: string;
  /** The Nova host (OS-EXT-SRV-ATTR:host) it runs on. */
  novaHost: string;
  /** The inventory host whose check found it. */
  inventoryHost: string;
}

export interface TenantProject {
  /** null when Nova did not say whose the guest is. */
  projectId: string | null;
  guests: TenantGuest[];
}

/** Projects by id (unknown last), guests by name then id: the same order in every output, so lists diff cleanly. */
export function tenantProjects(report: Report): TenantProject[] {
  const byProject = new Map<string | null, TenantGuest[]>();
  for (const h of report.hosts) {
    for (const g of h.guestsNeedingColdBoot) {
      const list = byProject.get(g.projectId) ?? [];
      list.push({ id: g.uuid, name: g.name, novaHost: g.host, inventoryHost: h.name });
      byProject.set(g.projectId, list);
    }
  }
  const projects = [...byProject].map(([projectId, guests]) => ({
    projectId,
    guests: guests.sort((a, b) => compareText(a.name, b.name) || compareText(a.id, b.id)),
  }));
  return projects.sort((a, b) => (a.projectId === null ? 1 : b.projectId === null ? -1 : compareText(a.projectId, b.projectId)));
}

export const GUESTS_CSV_HEADER = ['project_id', 'instance_name', 'instance_id', 'nova_host', 'inventory_host'] as const;

export function renderGuestsCsv(report: Report): string {
  const rows = tenantProjects(report).flatMap((p) => p.guests.map((g) => [p.projectId, g.name, g.id, g.novaHost, g.inventoryHost]));
  return renderCsv(GUESTS_CSV_HEADER, rows);
}

export function renderGuestsJson(report: Report): string {
  const projects = tenantProjects(report);
  const doc = {
    kind: report.kind, runId: report.runId, at: report.finishedAt,
    guests: projects.reduce((n, p) => n + p.guests.length, 0),
    projects,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** A guest name is the tenant's text: control characters would drive the terminal, so such a name is shown quoted. */
function printable(name: string): string {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f\u007f-\u009f]/.test(name) ? JSON.stringify(name) : name;
}

/** At most this many guests are listed one by one unless the whole list is asked for. */
export const SHORT_GUEST_LIST = 10;

/** Hosts that ended with every check run: the only ones whose guests the list can speak for. */
const FINISHED: ReadonlySet<HostStatus> = new Set<HostStatus>(['ok', 'changed', 'would-change', 'drift']);
const UNFINISHED_WORD: Partial<Record<HostStatus, string>> = { skipped: 'not started' };

/** Hosts the list cannot speak for (stopped, refused, unreachable...), e.g. "1 refused, 11 not started"; null when none. */
function unfinishedHosts(report: Report): { count: number; text: string } | null {
  const byStatus = new Map<string, number>();
  for (const h of report.hosts) {
    if (FINISHED.has(h.status)) continue;
    const word = UNFINISHED_WORD[h.status] ?? h.status;
    byStatus.set(word, (byStatus.get(word) ?? 0) + 1);
  }
  const count = [...byStatus.values()].reduce((a, b) => a + b, 0);
  return count === 0 ? null : { count, text: [...byStatus].map(([w, n]) => `${n} ${w}`).join(', ') };
}

/** The console's closing lines: counts per project, and each guest when the list is short or asked for. */
export function tenantLines(report: Report, c: Palette, full: boolean): string[] {
  const projects = tenantProjects(report);
  const total = projects.reduce((n, p) => n + p.guests.length, 0);
  // A run stopped after one refused host checked no guest: "no guest needs a cold boot" would be a claim about hosts
  // nobody looked at, so the list says which hosts it cannot speak for.
  const unfinished = unfinishedHosts(report);
  const caveat = unfinished === null ? [] : [c.yellow(`  ${unfinished.count} host${unfinished.count === 1 ? '' : 's'} did not finish (${unfinished.text}): guests on ${unfinished.count === 1 ? 'it' : 'them'} may be missing from this list`)];
  if (total === 0) return unfinished === null ? [c.green('no guest needs a cold boot')] : [c.yellow('no guest seen needing a cold boot'), ...caveat];
  const out = [c.yellow(`${total} guest${total === 1 ? '' : 's'} in ${projects.length} project${projects.length === 1 ? '' : 's'} need a cold boot (stop and start) to get md-clear:`)];
  const each = full || total <= SHORT_GUEST_LIST;
  for (const p of projects) {
    out.push(`  project ${p.projectId ?? '(not known)'}: ${p.guests.length}`);
    if (each) for (const g of p.guests) out.push(`    ${printable(g.name)} (${g.id}) on ${g.novaHost}`);
  }
  if (!each) out.push(c.dim('  (--list-guests prints each one; --guests-csv/--guests-json write them to a file)'));
  return [...out, ...caveat];
}
