// The compact plan for large fleets: hosts grouped by what would change (names folded), then one line per host needing attention.
import { changePhrase } from '../steps/change-phrases.js';
import type { Change } from '../steps/changes.js';
import { fit, visibleLength, type Palette } from './console-format.js';
import { foldedList, shortHostName } from './fold-hosts.js';
import type { HostReport, Report } from './model.js';

export interface PlanGroup {
  /** What the hosts would change, counts summed over the group ("update kernel; live-migrate 12 instances; reboot"). */
  what: string;
  hosts: string[];
}

export interface PlanGroups {
  groups: PlanGroup[];
  /** Planned hosts with nothing to change. */
  unchanged: string[];
  /** Hosts that could not be planned or were refused, unknown, deferred, skipped: each needs its own line. */
  attention: HostReport[];
}

interface Part {
  verb: string;
  objects: string[];
  counted?: { one: string; many: string; n: number };
}

function partsOf(changes: readonly Change[]): Part[] {
  const parts = new Map<string, Part>();
  for (const ch of changes) {
    const p = changePhrase(ch);
    let part = parts.get(p.verb);
    if (!part) {
      part = { verb: p.verb, objects: [], ...(p.counted ? { counted: { ...p.counted, n: 0 } } : {}) };
      parts.set(p.verb, part);
    }
    if (p.object !== undefined && !part.objects.includes(p.object)) part.objects.push(p.object);
    if (part.counted) part.counted.n++;
  }
  return [...parts.values()];
}

/** The group key leaves counts out: hosts differ in how many instances they carry, not in what is done to them. */
function keyOf(parts: readonly Part[]): string {
  return parts.map((p) => `${p.verb}${p.objects.length ? ` ${p.objects.join(', ')}` : ''}${p.counted ? ' #' : ''}`).join('; ');
}

function textOf(parts: readonly Part[]): string {
  return parts.map((p) => {
    if (p.counted) return `${p.verb} ${p.counted.n.toLocaleString('en-US')} ${p.counted.n === 1 ? p.counted.one : p.counted.many}`;
    return `${p.verb}${p.objects.length ? ` ${p.objects.join(', ')}` : ''}`;
  }).join('; ');
}

export function groupPlan(report: Report): PlanGroups {
  const byKey = new Map<string, { parts: Part[]; hosts: string[] }>();
  const unchanged: string[] = [];
  const attention: HostReport[] = [];
  for (const h of report.hosts) {
    if (h.status === 'ok') {
      unchanged.push(h.name);
      continue;
    }
    if (h.status !== 'would-change') {
      attention.push(h);
      continue;
    }
    const parts = partsOf(h.steps.flatMap((s) => s.changes));
    const key = keyOf(parts);
    const group = byKey.get(key);
    if (!group) {
      byKey.set(key, { parts, hosts: [h.name] });
      continue;
    }
    group.hosts.push(h.name);
    for (let i = 0; i < parts.length; i++) {
      const into = group.parts[i]!.counted;
      if (into) into.n += parts[i]!.counted?.n ?? 0;
    }
  }
  const groups = [...byKey.values()].map((g) => ({ what: textOf(g.parts), hosts: g.hosts })).sort((a, b) => b.hosts.length - a.hosts.length);
  return { groups, unchanged, attention };
}

/** Word-wraps `text` to `width` columns, keeping its leading spaces; continuation lines start with `indent`. */
export function wrap(text: string, width: number, indent: string): string[] {
  const lead = /^ */.exec(text)![0];
  const lines: string[] = [];
  let line = lead;
  for (const word of text.slice(lead.length).split(' ')) {
    const room = width - (lines.length ? indent.length : 0);
    if (line.trim() && visibleLength(line) + 1 + visibleLength(word) > room) {
      lines.push(line);
      line = word;
    } else line = line.trim() ? `${line} ${word}` : `${line}${word}`;
  }
  if (line.trim()) lines.push(line);
  return lines.map((l, i) => (i === 0 ? l : `${indent}${l}`));
}

const count = (n: number): string => `${n.toLocaleString('en-US')} host${n === 1 ? '' : 's'}`;

/** The compact view: every line fits `width` columns (80 by default). */
export function compactPlanLines(report: Report, c: Palette, width = 80): string[] {
  const { groups, unchanged, attention } = groupPlan(report);
  const head = Math.max(8, ...groups.map((g) => count(g.hosts.length).length), count(unchanged.length).length) + 4;
  const indent = ' '.repeat(head);
  const out: string[] = [];
  if (groups.length) out.push(c.bold('Would change:'));
  for (const g of groups) {
    const [first, ...rest] = wrap(g.what, width - head, '');
    out.push(`  ${count(g.hosts.length).padStart(head - 4)}  ${c.yellow(first ?? '')}`, ...rest.map((l) => `${indent}${c.yellow(l)}`));
    out.push(c.dim(`${indent}${foldedList(g.hosts, width - head)}`));
  }
  if (unchanged.length) {
    out.push(c.bold('Nothing to do:'), `  ${count(unchanged.length).padStart(head - 4)}  ${c.dim(foldedList(unchanged, width - head))}`);
  }
  if (attention.length) {
    out.push(c.bold(`Needs attention (${count(attention.length)}):`));
    const nameWidth = Math.min(28, Math.max(...attention.map((h) => h.name.length)));
    for (const h of attention) {
      const step = h.steps.find((s) => s.error && s.status !== 'skipped');
      const why = h.error ?? step?.error ?? '';
      const line = `  ${shortHostName(h.name, nameWidth).padEnd(nameWidth)}  ${h.status.padEnd(11)}  ${step && why ? `${step.id}: ` : ''}${why}`;
      out.push(fit(line, width).replace(h.status, c.red(h.status)));
    }
  }
  const warned = report.hosts.filter((h) => h.warnings.length).length;
  const guests = report.hosts.reduce((n, h) => n + h.guestsNeedingColdBoot.length, 0);
  const extra = [warned ? `${count(warned)} with warnings` : '', guests ? `${guests} guests need a cold boot` : ''].filter(Boolean).join(', ');
  // The hint is cut by nothing: when it does not fit beside the counts, it takes a line of its own.
  const hint = 'per-host detail: plan --full, or the --json/--markdown report';
  const both = `${extra ? `${extra}; ` : ''}${hint}`;
  if (both.length <= width || !extra) out.push(c.dim(fit(both, width)));
  else out.push(c.dim(fit(`${extra};`, width)), c.dim(fit(hint, width)));
  return out;
}
