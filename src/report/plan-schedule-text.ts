// Prints the batch schedule of a plan: batch i/N with its hosts folded, failure domains that serialise, and the window.
import type { Schedule, ScheduledBatch } from '../plan/schedule.js';
import { fit, type Palette } from './console-format.js';
import { foldedList } from './fold-hosts.js';
import { wrap } from './plan-compact.js';

/** Batches shown one by one; a longer schedule shows its first ones and its last, the middle summed. */
const SHOWN_BATCHES = 12;

function batchLines(b: ScheduledBatch, of: number, width: number, changing: ReadonlySet<string> | null, sizeWidth: number): string[] {
  const label = `batch ${b.index + 1}/${of}`.padEnd(`batch ${of}/${of}`.length);
  const size = `${String(b.hosts.length).padStart(sizeWidth)} host${b.hosts.length === 1 ? '' : 's'}`;
  const due = changing ? `, ${b.hosts.filter((h) => changing.has(h)).length} to change` : '';
  const head = `  ${label}  ${size}${due}: `;
  const out = [`${head}${foldedList(b.hosts, Math.max(20, width - head.length))}`];
  if (b.sharedDomains.length) {
    // With one key, its value says it all ("az1 34" for "availability_zone=az1").
    const domains = b.sharedDomains.map((d) => `${d.key.includes(',') ? d.key : d.key.replace(/^[^=]*=/, '')} ${d.hosts.length}`).join(', ');
    out.push(fit(`      one at a time per domain: ${domains}`, width));
  }
  return out;
}

export function scheduleLines(s: Schedule, c: Palette, opts: { width?: number; changing?: ReadonlySet<string> } = {}): string[] {
  const width = opts.width ?? 80;
  const changing = opts.changing ?? null;
  const n = s.batches.length;
  const out = [c.bold(`Schedule of a run: ${n} batch${n === 1 ? '' : 'es'}, up to ${s.forks} hosts at once in a batch`)];
  const sizeWidth = String(Math.max(0, ...s.batches.map((b) => b.hosts.length))).length;
  const shown = n <= SHOWN_BATCHES ? s.batches : [...s.batches.slice(0, SHOWN_BATCHES - 2), s.batches[n - 1]!];
  for (const b of shown) {
    if (n > SHOWN_BATCHES && b.index === n - 1) {
      const middle = s.batches.slice(SHOWN_BATCHES - 2, n - 1);
      const sizes = middle.map((m) => m.hosts.length);
      const lo = Math.min(...sizes);
      const hi = Math.max(...sizes);
      out.push(c.dim(`  … batches ${SHOWN_BATCHES - 1}–${n - 1}: ${lo === hi ? lo : `${lo}–${hi}`} hosts each, ${sizes.reduce((a, x) => a + x, 0)} in all`));
    }
    out.push(...batchLines(b, n, width, changing, sizeWidth).map((l) => fit(l, width)));
  }
  if (s.failureDomainKeys.length) {
    out.push(...wrap(`  failure domains (${s.failureDomainKeys.join(', ')}): within a batch, the hosts of one domain are drained and rebooted one at a time`, width, '    '));
  }
  if (s.window) {
    const w = s.window;
    const days = w.days ? ` (${w.days.join(', ')})` : '';
    const now = s.inWindowNow ? 'open now' : c.yellow('closed now');
    out.push(...wrap(`  window ${w.start}–${w.end} ${w.timezone ?? 'UTC'}${days}, ${now}: a host that reaches a disruptive step outside it is deferred (exit 7)`, width, '    '));
  }
  return out;
}
