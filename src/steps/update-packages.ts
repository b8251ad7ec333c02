// Step update-packages: bring microcode, kernel, qemu and libvirt up to the playbook's minimums with yum, dnf or apt-get.
import { missingEvidence, requireEvidence } from './evidence-rules.js';
import { z } from 'zod';
import type { HostFacts, InstalledPackage } from '../facts/types.js';
import { formatEvr } from '../rpm/index.js';
import { aptInstall, aptOffered, type AptOptions } from './apt-update.js';
import { packageRules } from './package-rules.js';
import { sh } from '../transport/shell-quote.js';
import { changesOf, findingOf, type PackageShortfall } from './changes.js';
import { CommandFailedError, PreconditionError } from './errors.js';
import { duration, minimums } from './params.js';
import type { Diff, Step, StepContext } from './types.js';
import { parseCheckUpdate } from './yum-output.js';

export const updatePackagesParams = z.strictObject({
  minimums,
  /** yum on el7, dnf on el8 and later, apt-get on Debian and Ubuntu, unless forced. */
  manager: z.enum(['auto', 'yum', 'dnf', 'apt']).default('auto'),
  timeout: duration.default(1_800_000),
  /** apt only: how long a dpkg lock held by another process (unattended-upgrades) is waited for before the host fails. */
  lock_wait: duration.default(300_000),
  lock_poll: duration.default(10_000),
  /** apt only: `apt-get update` before looking at what is offered. */
  refresh_lists: z.boolean().default(true),
});
export type UpdatePackagesParams = z.infer<typeof updatePackagesParams>;

export type { PackageShortfall } from './changes.js';

/** Packages of this host below the playbook's minimum (the newest installed version counts: kernels are installonly). */
export function packageShortfalls(facts: HostFacts, mins: Record<string, Record<string, string>>): PackageShortfall[] {
  const wanted = mins[facts.os.dist];
  if (!wanted) {
    throw new PreconditionError(`the playbook has no minimum versions for release '${facts.os.dist}' (${facts.os.prettyName}); add them under minimums.${facts.os.dist}`);
  }
  const out: PackageShortfall[] = [];
  const rules = packageRules(facts);
  for (const [name, minimum] of Object.entries(wanted)) {
    const installed: InstalledPackage[] = facts.packages[name] ?? [];
    const newest = installed.length ? rules.newest(installed) : null;
    if (newest && rules.satisfies(newest, minimum)) continue;
    out.push({ name, installed: newest ? formatEvr(newest) : null, minimum, available: null });
  }
  return out;
}

export function packageManager(facts: HostFacts, choice: UpdatePackagesParams['manager']): 'yum' | 'dnf' | 'apt' {
  if (choice !== 'auto') return choice;
  if (facts.os.packaging === 'deb') return 'apt';
  const major = Number(/^el(\d+)/.exec(facts.os.dist)?.[1] ?? '8');
  return major <= 7 ? 'yum' : 'dnf';
}

async function check(ctx: StepContext<UpdatePackagesParams>): Promise<Diff> {
  const facts = await ctx.facts();
  // An unread rpm database is not "nothing installed": no update is planned on it.
  requireEvidence(facts, [packageRules(facts).db, 'os-release'], 'which packages are below the minimums', ctx.host);
  const short = packageShortfalls(facts, ctx.params.minimums);
  const diff: Diff = { step: 'update-packages', changes: [], notes: [] };
  if (short.length === 0) return diff;

  const missing = short.filter((s) => s.installed === null);
  if (missing.length) {
    throw new PreconditionError(`not installed on this host: ${missing.map((m) => m.name).join(', ')}; the playbook expects them on ${facts.os.dist} (fix the playbook's package names for this release)`);
  }
  // What the repositories offer, read-only, so the plan can say from -> to and a hopeless update fails before draining.
  const pm = packageManager(facts, ctx.params.manager);
  const offered = pm === 'apt' ? await aptOffered(ctx, facts, short.map((s) => s.name), aptOptions(ctx.params)) : await yumOffered(ctx, pm, short);
  const rules = packageRules(facts);
  for (const s of short) {
    s.available = offered.get(s.name) ?? null;
    diff.changes.push({
      kind: 'package-update',
      summary: `${s.name} ${s.installed} -> ${s.available ?? '(no update offered)'} (minimum ${s.minimum})`,
      data: s,
    });
  }
  const unavailable = short.filter((s) => s.available === null || !rules.satisfies(rules.parse(s.available), s.minimum));
  if (unavailable.length) {
    diff.notes.push(notOfferedSentence(unavailable));
    diff.findings = [{ kind: 'packages-not-offered', packages: unavailable }];
  }
  return diff;
}

async function yumOffered(ctx: StepContext<UpdatePackagesParams>, pm: 'yum' | 'dnf', short: readonly PackageShortfall[]): Promise<Map<string, string>> {
  const res = await ctx.transport.exec(sh`${pm} -q check-update ${short.map((s) => s.name)}`, { become: true, signal: ctx.signal, timeoutMs: ctx.params.timeout });
  if (res.code !== 0 && res.code !== 100) {
    throw new CommandFailedError(`${pm} check-update failed (exit ${res.code}): ${(res.stderr || res.stdout).trim().split('\n').slice(-3).join(' / ')}`);
  }
  const offered = new Map<string, string>();
  for (const o of parseCheckUpdate(res.stdout)) if (!offered.has(o.name)) offered.set(o.name, o.evr);
  return offered;
}

function aptOptions(p: UpdatePackagesParams): AptOptions {
  return { timeout: p.timeout, lockWaitMs: p.lock_wait, lockPollMs: p.lock_poll, refreshLists: p.refresh_lists };
}

function notOfferedSentence(unavailable: readonly PackageShortfall[]): string {
  return `the repositories do not offer the minimum for: ${unavailable.map((u) => `${u.name} (wants ${u.minimum}, offered ${u.available ?? 'nothing'})`).join(', ')}`;
}

async function apply(ctx: StepContext<UpdatePackagesParams>, diff: Diff): Promise<void> {
  const facts = await ctx.facts();
  const names = changesOf(diff.changes, 'package-update').map((c) => c.data.name);
  const unavailable = findingOf(diff.findings, 'packages-not-offered');
  if (unavailable) throw new PreconditionError(`${notOfferedSentence(unavailable.packages)}; nothing was updated`);
  const pm = packageManager(facts, ctx.params.manager);
  ctx.log.info({ packages: names }, 'updating packages');
  if (pm === 'apt') {
    try {
      await aptInstall(ctx, names, aptOptions(ctx.params));
    } finally {
      await ctx.refreshFacts();
    }
    return;
  }
  const res = await ctx.transport.exec(sh`${pm} -y update ${names}`, { become: true, signal: ctx.signal, timeoutMs: ctx.params.timeout });
  await ctx.refreshFacts();
  if (res.code !== 0) {
    const tail = (res.stderr || res.stdout).trim().split('\n').slice(-4).join(' / ');
    throw new CommandFailedError(`${pm} update failed (exit ${res.code}): ${tail}`);
  }
}

/** In a plan: installs what the repositories offer, kernels beside the old ones (installonly), other packages in place. */
export function projectPackageUpdates(facts: HostFacts, diff: Diff): HostFacts {
  const packages: Record<string, InstalledPackage[]> = { ...facts.packages };
  const rules = packageRules(facts);
  for (const { data: s } of changesOf(diff.changes, 'package-update')) {
    if (!s.available) continue;
    const current = packages[s.name] ?? [];
    const arch = current[0]?.arch ?? 'x86_64';
    const next: InstalledPackage = { name: s.name, arch, ...rules.parse(s.available) };
    packages[s.name] = s.name === 'kernel' ? [...current, next] : [next];
  }
  return { ...facts, packages };
}

export const updatePackages: Step<UpdatePackagesParams> = {
  id: 'update-packages',
  title: 'Update microcode_ctl, kernel, qemu and libvirt to the fixed versions',
  disruptive: false,
  needsNova: false,
  params: updatePackagesParams,
  minimums: (params) => params.minimums,
  report(diff, host) {
    host.packagesBelowMinimum = changesOf(diff.changes, 'package-update').map(({ data: s }) => ({ name: s.name, installed: s.installed, minimum: s.minimum }));
  },
  // After a run the diff is what the host had before the update: the report shows what it has now, from the last gather
  // (the one verify judged). Unread rpm evidence, or a release without minimums, keeps what the check found.
  reportFacts(host, facts, kind, params) {
    if (kind !== 'run' || !params || missingEvidence(facts, [packageRules(facts).db, 'os-release']).length) return;
    if (!params.minimums[facts.os.dist]) return;
    host.packagesBelowMinimum = packageShortfalls(facts, params.minimums).map(({ name, installed, minimum }) => ({ name, installed, minimum }));
  },
  check,
  apply,
  project: projectPackageUpdates,
};
