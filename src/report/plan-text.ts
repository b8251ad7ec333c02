// Prints a plan or sweep for people: per host and step what would change (with nova.conf diffs), then a fleet summary.
import { changesOf } from '../steps/changes.js';
import type { Palette } from './console-format.js';
import type { HostReport, Report } from './model.js';
import { compactPlanLines, wrap } from './plan-compact.js';

export type PlanView = 'full' | 'compact';

/** Above this many hosts a plan prints the compact view unless --full asks for every host's diff. */
export const COMPACT_ABOVE_HOSTS = 20;

/** The view a plan of `hosts` hosts prints: what --full or --compact asks, else compact above COMPACT_ABOVE_HOSTS. */
export function planView(hosts: number, asked: { full?: boolean; compact?: boolean } = {}): PlanView {
  if (asked.full) return 'full';
  if (asked.compact) return 'compact';
  return hosts > COMPACT_ABOVE_HOSTS ? 'compact' : 'full';
}

function colourDiff(diff: string, c: Palette): string[] {
  return diff.split('\n').filter((l) => l !== '').map((l) => (l.startsWith('+') && !l.startsWith('+++') ? c.green(l) : l.startsWith('-') && !l.startsWith('---') ? c.red(l) : c.dim(l)));
}

function hostLines(h: HostReport, c: Palette, kind: Report['kind']): string[] {
  const tag = h.status === 'failed' || h.status === 'refused' || h.status === 'unknown' || h.status === 'unreachable' ? c.red(h.status) : h.status === 'ok' ? c.green(kind === 'sweep' ? 'compliant' : 'ok') : c.yellow(h.status);
  const out = [`${c.bold(h.name)} ${c.dim(`(${h.address}${h.availabilityZone ? `, ${h.availabilityZone}` : ''})`)}: ${tag}`];
  if (h.facts) out.push(c.dim(`  ${h.facts.os}, kernel ${h.facts.kernelRunning}, mds: ${h.facts.mds ?? '(absent)'}`));
  // The layout decides where nova.conf, virsh and qemu/libvirt were read: shown with what decided it.
  if (h.facts?.layout) out.push(c.dim(`  layout ${h.facts.layout.summary}${h.facts.layout.basis.length ? ` [${h.facts.layout.basis.join('; ')}]` : ''}`));
  else if (h.facts?.layoutUnknown) out.push(c.red(`  layout unknown: ${h.facts.layoutUnknown}`));
  if (h.error) out.push(c.red(`  ! ${h.error}`));
  for (const s of h.steps) {
    if (s.changes.length === 0 && kind === 'sweep') continue;
    const head = s.changes.length ? c.yellow(`  ${s.id}:`) : c.dim(`  ${s.id}: nothing to do`);
    out.push(head);
    for (const ch of s.changes) {
      out.push(`    - ${ch.summary}`);
      for (const edit of changesOf([ch], 'nova-conf-edit')) out.push(...colourDiff(edit.data.diff, c).map((l) => `      ${l}`));
    }
    if (s.changes.length) for (const n of s.notes) out.push(c.dim(`    · ${n}`));
    if (s.error) out.push(c.red(`    ! ${s.error}`));
  }
  if (kind === 'sweep') {
    for (const ch of h.checks.filter((x) => !x.ok)) out.push(c.yellow(`  ✗ ${ch.name}: ${ch.detail}`));
  }
  for (const g of h.guestsNeedingColdBoot) out.push(c.dim(`  guest needs a cold boot: ${g.name} (${g.uuid})${g.projectId ? ` project ${g.projectId}` : ''}`));
  for (const w of h.warnings) out.push(c.yellow(`  warning: ${w}`));
  return out;
}

/** The compact view applies to plans only (a sweep lists hosts); `width` is the compact view's line width. */
export function reportLines(report: Report, c: Palette, view: PlanView = 'full', width = 80): string[] {
  const out: string[] = [];
  if (view === 'compact' && report.kind === 'plan') out.push(...compactPlanLines(report, c, width), '');
  else for (const h of report.hosts) out.push(...hostLines(h, c, report.kind), '');
  const s = report.summary;
  const parts = [
    `${s.hosts} hosts`,
    report.kind === 'plan' ? `${s.wouldChange} would change` : report.kind === 'sweep' ? `${s.ok} compliant, ${s.drift} drift` : `${s.changed} changed`,
    `${s.ok} unchanged`, `${s.failed} failed`, `${s.unreachable} unreachable`, `${s.deferred} deferred`, `${s.refused} refused`, `${s.unknown} unknown`,
    `${s.guestsNeedingColdBoot} guests need a cold boot`,
  ];
  if (report.kind === 'sweep') parts.splice(2, 1);
  const line = `${report.kind} ${report.runId}: ${parts.join(', ')}`;
  // The compact view keeps to its width; the full one is one line per fact, as before.
  out.push(...(view === 'compact' && report.kind === 'plan' ? wrap(line, width, '  ') : [line]).map((l) => c.bold(l)));
  if (s.stoppedBecause) out.push(c.red(`stopped: ${s.stoppedBecause}`));
  return out;
}
