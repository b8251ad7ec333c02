// Counts the live migrations a run made, per moved instance, from the typed changes its steps recorded in the report.
import { compareText } from '../util/compare-text.js';
import type { Change } from '../steps/changes.js';
import type { Palette } from './console-format.js';
import type { HostReport, MigratedInstance, MigrationsReport } from './model.js';

/** A change that moved an instance off its host: a live migration started now, or one started before a crash and awaited. */
function movedBy(c: Change): { serverId: string; name: string | null; projectId: string | null } | null {
  if (c.kind === 'migrate-instance') return { serverId: c.data.serverId, name: c.data.name, projectId: c.data.projectId };
  if (c.kind === 'await-migration') return { serverId: c.data.serverId, name: null, projectId: null };
  return null;
}

/**
 * A step that ended `changed` made every migration it listed; one that failed may have made some of them, so those are
 * counted apart as unconfirmed rather than guessed either way. An instance drained from two hosts counts twice.
 */
export function migrationsOf(hosts: readonly HostReport[]): MigrationsReport {
  const byId = new Map<string, MigratedInstance>();
  let unconfirmed = 0;
  for (const h of hosts) {
    for (const s of h.steps) {
      const moved = s.changes.map(movedBy).filter((m) => m !== null);
      if (s.status === 'failed') unconfirmed += moved.length;
      if (s.status !== 'changed') continue;
      for (const m of moved) {
        const seen = byId.get(m.serverId);
        if (seen) {
          seen.migrations += 1;
          seen.fromHosts.push(h.name);
          seen.name ??= m.name;
          seen.projectId ??= m.projectId;
        } else {
          byId.set(m.serverId, { serverId: m.serverId, name: m.name, projectId: m.projectId, migrations: 1, fromHosts: [h.name] });
        }
      }
    }
  }
  const instances = [...byId.values()].sort((a, b) => b.migrations - a.migrations || compareText(a.serverId, b.serverId));
  const total = instances.reduce((n, i) => n + i.migrations, 0);
  return { total, unconfirmed, perInstance: instances.length ? Math.round((total / instances.length) * 100) / 100 : null, instances };
}

/** The run summary's lines: how many live migrations, per moved instance, and the instances that moved more than once. */
export function migrationLines(m: MigrationsReport, c: Palette): string[] {
  const n = m.instances.length;
  const out = [`live migrations: ${m.total} for ${n} instance${n === 1 ? '' : 's'}${m.perInstance === null ? '' : ` (${m.perInstance.toFixed(2)} per moved instance)`}`];
  if (m.unconfirmed) out.push(c.yellow(`  ${m.unconfirmed} more listed by drains that failed: not confirmed, not counted`));
  const again = m.instances.filter((i) => i.migrations > 1);
  for (const i of again.slice(0, 5)) out.push(c.dim(`  moved ${i.migrations} times: ${i.name ?? i.serverId} (${i.serverId}) from ${i.fromHosts.join(', ')}`));
  if (again.length > 5) out.push(c.dim(`  … and ${again.length - 5} more moved more than once (the JSON report lists each)`));
  return out;
}
