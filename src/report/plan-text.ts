// Prints a plan or sweep for people: per host and step what would change (with nova.conf diffs), then a fleet summary.
import { changesOf } from '../steps/changes.js';
import type { Palette } from './console-format.js';
import type { HostReport, Report } from './model.js';

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

export function reportLines(report: Report, c: Palette): string[] {
  const out: string[] = [];
  for (const h of report.hosts) out.push(...hostLines(h, c, report.kind), '');
  const s = report.summary;
  const parts = [
    `${s.hosts} hosts`,
    report.kind === 'plan' ? `${s.wouldChange} would change` : report.kind === 'sweep' ? `${s.ok} compliant, ${s.drift} drift` : `${s.changed} changed`,
    `${s.ok} unchanged`, `${s.failed} failed`, `${s.unreachable} unreachable`, `${s.deferred} deferred`, `${s.refused} refused`, `${s.unknown} unknown`,
    `${s.guestsNeedingColdBoot} guests need a cold boot`,
  ];
  if (report.kind === 'sweep') parts.splice(2, 1);
  out.push(c.bold(`${report.kind} ${report.runId}: ${parts.join(', ')}`));
  if (s.stoppedBecause) out.push(c.red(`stopped: ${s.stoppedBecause}`));
  return out;
}
