// Step update-packages: bring microcode_ctl, kernel, qemu and libvirt up to the playbook's minimums with yum or dnf.
import { requireEvidence } from './evidence-rules.js';
import { z } from 'zod';
import type { HostFacts, InstalledPackage } from '../facts/types.js';
import { formatEvr, newestOf, parseEvr, satisfiesMinimum } from '../rpm/index.js';
import { sh } from '../transport/shell-quote.js';
import { duration, minimums } from './params.js';
import type { Change, Diff, Step, StepContext } from './types.js';
import { parseCheckUpdate } from './yum-output.js';

export const updatePackagesParams = z.strictObject({
  minimums,
  /** yum on el7, dnf on el8 and later, unless forced. */
  manager: z.enum(['auto', 'yum', 'dnf']).default('auto'),
  timeout: duration.default(1_800_000),
});
export type UpdatePackagesParams = z.infer<typeof updatePackagesParams>;

export interface PackageShortfall {
  name: string;
  installed: string | null;
  minimum: string;
  available: string | null;
}

/** Packages of this host below the playbook's minimum (the newest installed version counts: kernels are installonly). */
export function packageShortfalls(facts: HostFacts, mins: Record<string, Record<string, string>>): PackageShortfall[] {
  const wanted = mins[facts.os.dist];
  if (!wanted) {
    throw new Error(`the playbook has no minimum versions for release '${facts.os.dist}' (${facts.os.prettyName}); add them under minimums.${facts.os.dist}`);
  }
  const out: PackageShortfall[] = [];
  for (const [name, minimum] of Object.entries(wanted)) {
    const installed: InstalledPackage[] = facts.packages[name] ?? [];
    const newest = installed.length ? newestOf(installed) : null;
    if (newest && satisfiesMinimum(newest, minimum)) continue;
    out.push({ name, installed: newest ? formatEvr(newest) : null, minimum, available: null });
  }
  return out;
}

export function packageManager(facts: HostFacts, choice: UpdatePackagesParams['manager']): 'yum' | 'dnf' {
  if (choice !== 'auto') return choice;
  const major = Number(/^el(\d+)/.exec(facts.os.dist)?.[1] ?? '8');
  return major <= 7 ? 'yum' : 'dnf';
}

async function check(ctx: StepContext<UpdatePackagesParams>): Promise<Diff> {
  const facts = await ctx.facts();
  // An unread rpm database is not "nothing installed": no update is planned on it.
  requireEvidence(facts, ['rpm', 'os-release'], 'which packages are below the minimums', ctx.host);
  const short = packageShortfalls(facts, ctx.params.minimums);
  const diff: Diff = { step: 'update-packages', changes: [], notes: [] };
  if (short.length === 0) return diff;

  const missing = short.filter((s) => s.installed === null);
  if (missing.length) {
    throw new Error(`not installed on this host: ${missing.map((m) => m.name).join(', ')}; the playbook expects them on ${facts.os.dist} (fix the playbook's package names for this release)`);
  }
  // What the repositories offer, read-only, so the plan can say from -> to and a hopeless update fails before draining.
  const pm = packageManager(facts, ctx.params.manager);
  const res = await ctx.transport.exec(sh`${pm} -q check-update ${short.map((s) => s.name)}`, { become: true, signal: ctx.signal, timeoutMs: ctx.params.timeout });
  if (res.code !== 0 && res.code !== 100) {
    throw new Error(`${pm} check-update failed (exit ${res.code}): ${(res.stderr || res.stdout).trim().split('\n').slice(-3).join(' / ')}`);
  }
  const offered = parseCheckUpdate(res.stdout);
  for (const s of short) {
    s.available = offered.find((o) => o.name === s.name)?.evr ?? null;
    const change: Change = {
      kind: 'package-update',
      summary: `${s.name} ${s.installed} -> ${s.available ?? '(no update offered)'} (minimum ${s.minimum})`,
      data: s,
    };
    diff.changes.push(change);
  }
  const unavailable = short.filter((s) => s.available === null || !satisfiesMinimum(parseEvr(s.available), s.minimum));
  if (unavailable.length) {
    diff.notes.push(`the repositories do not offer the minimum for: ${unavailable.map((u) => `${u.name} (wants ${u.minimum}, offered ${u.available ?? 'nothing'})`).join(', ')}`);
  }
  return diff;
}

async function apply(ctx: StepContext<UpdatePackagesParams>, diff: Diff): Promise<void> {
  const facts = await ctx.facts();
  const names = diff.changes.map((c) => (c.data as PackageShortfall).name);
  const unavailable = diff.notes.find((n) => n.startsWith('the repositories do not offer'));
  if (unavailable) throw new Error(`${unavailable}; nothing was updated`);
  const pm = packageManager(facts, ctx.params.manager);
  ctx.log.info({ packages: names }, 'updating packages');
  const res = await ctx.transport.exec(sh`${pm} -y update ${names}`, { become: true, signal: ctx.signal, timeoutMs: ctx.params.timeout });
  await ctx.refreshFacts();
  if (res.code !== 0) {
    const tail = (res.stderr || res.stdout).trim().split('\n').slice(-4).join(' / ');
    throw new Error(`${pm} update failed (exit ${res.code}): ${tail}`);
  }
}

export const updatePackages: Step<UpdatePackagesParams> = {
  id: 'update-packages',
  title: 'Update microcode_ctl, kernel, qemu and libvirt to the fixed versions',
  disruptive: false,
  params: updatePackagesParams,
  check,
  apply,
};
