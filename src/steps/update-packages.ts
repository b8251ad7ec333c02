// Step update-packages: bring microcode, kernel, qemu and libvirt up to the playbook's minimums where each lives: host
// packages with yum, dnf or apt-get; qemu/libvirt in a container image by the deployment tool's image update, never by yum.
import { missingEvidence, requireEvidence } from './evidence-rules.js';
import { z } from 'zod';
import type { HostFacts, InstalledPackage } from '../facts/types.js';
import { imageUpdateCommand } from '../layout/image-update.js';
import { sh } from '../transport/shell-quote.js';
import { aptInstall, aptOffered, type AptOptions } from './apt-update.js';
import { changesOf, findingOf, type PackageShortfall } from './changes.js';
import { CommandFailedError, PreconditionError, UnknownEvidenceError } from './errors.js';
import { runLocalCommand } from './local-command.js';
import { packageRules, RPM_RULES } from './package-rules.js';
import { describeInstalled, packageSources, shortfallsOf, type PackageSources } from './package-sources.js';
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
  /**
   * Where qemu/libvirt live in a container image below the minimum: a command run on this machine (`/bin/sh -c`, with
   * MDS_HOST and MDS_NOVA_HOST set) that updates the host's images, e.g. the deployment tool's own update limited to
   * "$MDS_HOST". Unset, such a host fails before anything is changed on it, naming the deployment tool's command.
   */
  image_update_command: z.string().min(1).optional(),
  image_update_timeout: duration.default(3_600_000),
});
export type UpdatePackagesParams = z.infer<typeof updatePackagesParams>;

export type { PackageShortfall } from './changes.js';

function wantedFor(facts: HostFacts, mins: Record<string, Record<string, string>>): Record<string, string> {
  const wanted = mins[facts.os.dist];
  if (!wanted) {
    throw new PreconditionError(`the playbook has no minimum versions for release '${facts.os.dist}' (${facts.os.prettyName}); add them under minimums.${facts.os.dist}`);
  }
  return wanted;
}

/**
 * Host packages of this host below the playbook's minimum (the newest installed version counts: kernels are installonly).
 * qemu/libvirt of a layout that runs them in a container are the image's: see imageShortfalls.
 */
export function packageShortfalls(facts: HostFacts, mins: Record<string, Record<string, string>>): PackageShortfall[] {
  return shortfallsOf(packageSources(facts, wantedFor(facts, mins)).looks.filter((l) => l.where === 'host'), packageRules(facts));
}

/** The image's packages below the minimum; throws (unknown) when the image's packages could not be read. */
export function imageShortfalls(src: PackageSources, host: string): PackageShortfall[] {
  const inImage = src.looks.filter((l) => l.where === 'image');
  if (inImage.length === 0) return [];
  if (src.imageUnknown) {
    const fix = src.image ? `make ${src.image.engine} exec ${src.image.container} rpm -q work on ${host} (as root)` : `set mds_layout (or mds_virt_packages) for ${host} in the inventory`;
    throw new UnknownEvidenceError([src.image ? 'image-rpm' : 'layout'], `whether ${inImage.map((l) => l.name).join(', ')} meet the minimums is unknown: could not read ${src.imageUnknown}`, fix);
  }
  // Image looks follow rpm's rules whatever the host's (shortfallsOf picks them per look).
  return shortfallsOf(inImage, RPM_RULES);
}

function imageText(src: PackageSources): string {
  return `the ${src.image!.container} container's image${src.image!.image ? ` (${src.image!.image})` : ''}`;
}

function belowText(short: readonly PackageShortfall[]): string {
  return short.map((s) => `${s.name} ${s.installed ?? '(not installed)'} < ${s.minimum}`).join(', ');
}

export function packageManager(facts: HostFacts, choice: UpdatePackagesParams['manager']): 'yum' | 'dnf' | 'apt' {
  if (choice !== 'auto') return choice;
  if (facts.os.packaging === 'deb') return 'apt';
  const major = Number(/^el(\d+)/.exec(facts.os.dist)?.[1] ?? '8');
  return major <= 7 ? 'yum' : 'dnf';
}

/** An image below the minimum: the operator's image_update_command is planned, else the host fails naming the tool's own. */
function planImageUpdate(ctx: StepContext<UpdatePackagesParams>, facts: HostFacts, src: PackageSources, diff: Diff): void {
  const imageShort = imageShortfalls(src, ctx.host.name);
  if (imageShort.length === 0) return;
  const missingInImage = imageShort.filter((s) => s.installed === null);
  if (missingInImage.length) {
    throw new PreconditionError(`not installed in ${imageText(src)}: ${missingInImage.map((m) => m.name).join(', ')}; the playbook expects them on ${facts.os.dist} (fix the playbook's package names for this release)`);
  }
  if (ctx.params.image_update_command === undefined) {
    // Nothing is changed on this host (no drain, no reboot follows): only the deployment tool can replace its images.
    const how = imageUpdateCommand(facts.layout!.name, ctx.host.name);
    throw new PreconditionError(`${imageText(src)} is below the minimum: ${belowText(imageShort)}; yum cannot update it. Update the image with the deployment tool${how ? ` (${how})` : ''}, or give update-packages an image_update_command, then run again`);
  }
  diff.changes.push({
    kind: 'image-update',
    summary: `update ${imageText(src)} with the playbook's image_update_command: ${belowText(imageShort)}`,
    data: { container: src.image!.container, image: src.image!.image, packages: imageShort },
  });
}

async function check(ctx: StepContext<UpdatePackagesParams>): Promise<Diff> {
  const facts = await ctx.facts();
  const rules = packageRules(facts);
  // An unread package database is not "nothing installed": no update is planned on it.
  requireEvidence(facts, [rules.db, 'os-release'], 'which packages are below the minimums', ctx.host);
  const src = packageSources(facts, wantedFor(facts, ctx.params.minimums));
  const short = shortfallsOf(src.looks.filter((l) => l.where === 'host'), rules);
  const diff: Diff = { step: 'update-packages', changes: [], notes: [] };
  if (src.notRunning.length) {
    diff.notes.push(`installed on the host but not running (libvirt runs in the ${src.image!.container} container): ${describeInstalled(src.notRunning)}; not updated, and not counted as the host's qemu/libvirt`);
  }
  planImageUpdate(ctx, facts, src, diff);
  if (short.length === 0) return diff;

  const missing = short.filter((s) => s.installed === null);
  if (missing.length) {
    throw new PreconditionError(`not installed on this host: ${missing.map((m) => m.name).join(', ')}; the playbook expects them on ${facts.os.dist} (fix the playbook's package names for this release)`);
  }
  // What the repositories offer, read-only, so the plan can say from -> to and a hopeless update fails before draining.
  const pm = packageManager(facts, ctx.params.manager);
  const offered = pm === 'apt' ? await aptOffered(ctx, facts, short.map((s) => s.name), aptOptions(ctx.params)) : await yumOffered(ctx, pm, short);
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

/** Runs the operator's image update for this host, then gathers again: the image must now meet the minimums. */
async function updateImage(ctx: StepContext<UpdatePackagesParams>, command: string): Promise<void> {
  // The command's text is the operator's and may carry credentials: it is not logged, only that it ran and how it ended.
  ctx.log.info('updating the container image with image_update_command');
  const res = await runLocalCommand(command, { MDS_HOST: ctx.host.name, MDS_NOVA_HOST: ctx.host.novaHost }, { timeoutMs: ctx.params.image_update_timeout, signal: ctx.signal });
  if (res.code !== 0) {
    const how = res.timedOut ? `timed out after ${Math.round(ctx.params.image_update_timeout / 1000)}s` : res.signal ? `killed by ${res.signal}` : `exit ${String(res.code)}`;
    throw new CommandFailedError(`image_update_command failed for ${ctx.host.name} (${how})${res.tail ? `: ${res.tail}` : ''}`);
  }
  const facts = await ctx.refreshFacts();
  const src = packageSources(facts, wantedFor(facts, ctx.params.minimums));
  const still = imageShortfalls(src, ctx.host.name);
  if (still.length) throw new CommandFailedError(`image_update_command ran for ${ctx.host.name}, but ${imageText(src)} is still below the minimum: ${belowText(still)}`);
}

async function apply(ctx: StepContext<UpdatePackagesParams>, diff: Diff): Promise<void> {
  const unavailable = findingOf(diff.findings, 'packages-not-offered');
  if (unavailable) throw new PreconditionError(`${notOfferedSentence(unavailable.packages)}; nothing was updated`);
  if (changesOf(diff.changes, 'image-update').length) {
    if (ctx.params.image_update_command === undefined) throw new PreconditionError('an image update was planned, but the playbook gives no image_update_command');
    await updateImage(ctx, ctx.params.image_update_command);
  }
  const names = changesOf(diff.changes, 'package-update').map((c) => c.data.name);
  if (names.length === 0) return;
  const facts = await ctx.facts();
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

type ReportedShortfall = { name: string; installed: string | null; minimum: string };

/** After a run: what the host has now (the last gather, the one verify judged), host packages and the image's. */
function shortfallsNow(facts: HostFacts, params: UpdatePackagesParams): ReportedShortfall[] | undefined {
  if (missingEvidence(facts, [packageRules(facts).db, 'os-release']).length || !params.minimums[facts.os.dist]) return undefined;
  const src = packageSources(facts, wantedFor(facts, params.minimums));
  const host = shortfallsOf(src.looks.filter((l) => l.where === 'host'), packageRules(facts)).map(({ name, installed, minimum }) => ({ name, installed, minimum }));
  const image = src.imageUnknown === null && src.image ? imageShortfalls(src, '').map((s) => ({ name: `${s.name} (${src.image!.container} image)`, installed: s.installed, minimum: s.minimum })) : [];
  return [...host, ...image];
}

export const updatePackages: Step<UpdatePackagesParams> = {
  id: 'update-packages',
  title: 'Update microcode, kernel, qemu and libvirt to the fixed versions, where each lives',
  disruptive: false,
  needsNova: false,
  params: updatePackagesParams,
  minimums: (params) => params.minimums,
  report(diff, host) {
    host.packagesBelowMinimum = [
      ...changesOf(diff.changes, 'package-update').map(({ data: s }) => ({ name: s.name, installed: s.installed, minimum: s.minimum })),
      ...changesOf(diff.changes, 'image-update').flatMap(({ data }) => data.packages.map((s) => ({ name: `${s.name} (${data.container} image)`, installed: s.installed, minimum: s.minimum }))),
    ];
  },
  // After a run the diff is what the host had before the update: the report shows what it has now, from the last gather.
  // An unread package database, or a release without minimums, keeps what the check found.
  reportFacts(host, facts, kind, params) {
    if (kind !== 'run' || !params) return;
    const now = shortfallsNow(facts, params);
    if (now) host.packagesBelowMinimum = now;
  },
  check,
  apply,
  project: projectPackageUpdates,
};
