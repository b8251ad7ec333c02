// Step cpu-flags: make md-clear visible to guests; with cpu_mode=custom add it to cpu_model_extra_flags, keeping the rest.
import { z } from 'zod';
import type { HostFacts } from '../facts/types.js';
import { effectiveCpuMode, extraFlagSetting, hostModelHasMdClear, parseNovaLibvirt } from '../facts/index.js';
import { addListItem, unifiedDiff } from '../ini/index.js';
import { describeKnob, durableKnob, flagsWith } from '../layout/durable-knob.js';
import { describeAgent, restartCommand, UNIT_NAME } from '../layout/nova-compute-agent.js';
import { findingOf } from './changes.js';
import { requireAgent } from './compute-liveness.js';
import { requireEvidence } from './evidence-rules.js';
import { CommandFailedError, PreconditionError, RefusedError } from './errors.js';
import { clearRestartPending, markRestartPending, readRestartPending } from './host-markers.js';
import { rebootReasons } from './reboot-reasons.js';
import type { Diff, Step, StepContext } from './types.js';

export const cpuFlagsParams = z.strictObject({
  flag: z.literal('md-clear').default('md-clear'),
  /**
   * The nova-compute systemd unit to restart, as an explicit override; unset, the host's layout says how (a unit such as
   * tripleo_nova_compute or devstack@n-cpu, or `docker restart nova_compute`), openstack-nova-compute without one.
   */
  service: z.string().regex(UNIT_NAME, 'expected a systemd unit name').optional(),
});
export type CpuFlagsParams = z.infer<typeof cpuFlagsParams>;

/** The one-time copy of nova.conf as it was before this tool first edited it. */
export const NOVA_CONF_BACKUP_SUFFIX = '.mds-orchestrate.bak';

/** libvirt CPU model names: letters, digits, '-', '_', '.' (e.g. Skylake-Client-IBRS, IvyBridge-v2). */
const CPU_MODEL = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export interface NovaConfEdit {
  path: string;
  before: string;
  after: string;
  diff: string;
}

/**
 * The nova.conf nova-compute reads: the layout's. The gather read the file at facts.novaConfPath; were they different,
 * the text in hand would be another file's, so nothing is edited.
 */
export function novaConfPathOf(facts: Pick<HostFacts, 'layout' | 'novaConfPath'>): string {
  const wanted = facts.layout?.novaConf;
  if (wanted !== undefined && wanted !== facts.novaConfPath) {
    throw new PreconditionError(`the ${facts.layout!.name} layout has nova-compute read ${wanted}, but the gather read ${facts.novaConfPath}: neither is edited`);
  }
  return facts.novaConfPath;
}

/** The nova.conf edit this host needs, or null; throws where no edit can make md-clear visible. */
export function planNovaConfEdit(facts: HostFacts, flag: string): NovaConfEdit | null {
  // AMD CPUs have no md-clear (and are not affected): a custom model requiring it would stop nova-compute from starting.
  if (facts.cpu.vendor === 'amd') return null;
  const mode = effectiveCpuMode(facts.novaLibvirt);
  if (mode !== 'custom') {
    if (mode === 'none') throw new PreconditionError(`cpu_mode = none gives guests no CPU model, so ${flag} cannot reach them; choose host-model, host-passthrough or custom`);
    return null;
  }
  const models = facts.novaLibvirt.cpuModels;
  if (models.length === 0) throw new PreconditionError('cpu_mode = custom but neither cpu_models nor cpu_model is set in [libvirt]');
  const bad = models.find((m) => !CPU_MODEL.test(m));
  if (bad !== undefined) throw new PreconditionError(`cpu model ${JSON.stringify(bad)} in nova.conf is not a libvirt CPU model name`);
  // As nova reads the list: '--flag' disables too, and a disable wins over an enable written beside it.
  const setting = extraFlagSetting(facts.novaLibvirt, flag);
  if (setting === 'disabled') {
    throw new RefusedError(`cpu_model_extra_flags disables ${flag} explicitly (-${flag}): an operator chose this, so it is not overridden`);
  }
  if (setting === 'enabled') return null;
  if (facts.domcaps) {
    for (const model of models) {
      const known = facts.domcaps.customModels.find((m) => m.name.toLowerCase() === model.toLowerCase());
      if (!known) throw new PreconditionError(`cpu model ${model} is not among the custom models libvirt knows on this host`);
      if (known.usable === 'no') throw new PreconditionError(`cpu model ${model} is not usable on this host (libvirt says usable='no'); nova-compute would refuse to start`);
    }
  }
  const path = novaConfPathOf(facts);
  if (facts.novaConf === null) throw new PreconditionError(`${path} does not exist`);
  const edited = addListItem(facts.novaConf, 'libvirt', 'cpu_model_extra_flags', flag);
  if (edited.disabled) throw new RefusedError(`cpu_model_extra_flags disables ${flag} explicitly: not overridden`);
  if (edited.text === facts.novaConf) return null;
  return { path, before: facts.novaConf, after: edited.text, diff: unifiedDiff(facts.novaConf, edited.text, path) };
}

/**
 * Why the nova.conf edit this host needs could not be made (an immutable file, a read-only mount, a directory not
 * writable, or that could not be looked at), or null: no edit is needed, or it can be made. The drain asks too, before it
 * moves any instance: the edit comes after the drain in the playbook, and a failing edit must not cost a host its
 * migrations. Facts built by hand without the look (tests) are not judged here.
 */
export function novaConfEditBlocked(facts: HostFacts, flag: string): string | null {
  let edit: NovaConfEdit | null;
  try {
    edit = planNovaConfEdit(facts, flag);
  } catch {
    return null; // cpu-flags' own check refuses these, with its own reason
  }
  const target = facts.novaConfTarget;
  if (edit === null || target === undefined) return null;
  const what = target && target.path !== facts.novaConfPath ? `${facts.novaConfPath} (a link to ${target.path})` : facts.novaConfPath;
  if (target === null) return `could not look at whether ${what} can be replaced (its real path, mount and attributes)`;
  if (target.blockers.length) return `${what} cannot be replaced: ${target.blockers.join('; ')}`;
  if (target.unknown.length) return `cannot tell whether ${what} can be replaced: ${target.unknown.join('; ')}`;
  return null;
}

async function check(ctx: StepContext<CpuFlagsParams>): Promise<Diff> {
  const facts = await ctx.facts();
  const diff: Diff = { step: 'cpu-flags', changes: [], notes: [] };
  // An unread nova.conf is not "cpu_mode unset" (the kvm default), and without domcapabilities a restart with the flag
  // could leave nova-compute unable to start: both must be read before anything is decided.
  if (facts.cpu.vendor !== 'amd') requireEvidence(facts, ['nova-conf', 'domcaps'], `whether ${ctx.params.flag} reaches guests`, ctx.host);
  const edit = planNovaConfEdit(facts, ctx.params.flag);
  const blocked = novaConfEditBlocked(facts, ctx.params.flag);
  if (blocked) throw new PreconditionError(`${blocked}; ${ctx.params.flag} cannot be added to cpu_model_extra_flags`);
  const mode = effectiveCpuMode(facts.novaLibvirt);
  if (facts.cpu.vendor === 'amd') {
    diff.notes.push(`AMD CPUs are not affected by MDS and have no ${ctx.params.flag} flag: nova.conf is left as it is`);
  } else if (edit) {
    const real = facts.novaConfTarget && facts.novaConfTarget.path !== edit.path ? ` (the file the link points to, ${facts.novaConfTarget.path})` : '';
    diff.changes.push({ kind: 'nova-conf-edit', summary: `add ${ctx.params.flag} to [libvirt] cpu_model_extra_flags in ${edit.path}${real}`, data: { path: edit.path, diff: edit.diff } });
    // The edit gives guests md-clear now; the deployment tool's next run rewrites the file, so the plan says what keeps it.
    const layout = facts.layout?.name ?? 'baremetal';
    const knob = durableKnob(layout, flagsWith(facts.novaLibvirt.extraFlags, ctx.params.flag), ctx.host.name);
    diff.notes.push(describeKnob(knob, edit.path));
    diff.findings = [...(diff.findings ?? []), { kind: 'durable-config', layout, novaConf: edit.path, knob }];
  } else if (mode === 'custom') {
    diff.notes.push(`cpu_mode = custom already lists ${ctx.params.flag} in cpu_model_extra_flags`);
  } else {
    diff.notes.push(`cpu_mode = ${mode}${facts.novaLibvirt.cpuMode === null ? ' (unset: the kvm default)' : ''} passes ${ctx.params.flag} through once libvirt offers it; verify checks domcapabilities`);
  }
  const pending = edit !== null || (await readRestartPending(ctx.transport, facts.bootId, ctx.signal));
  if (pending) {
    const agent = describeAgent(requireAgent(facts, ctx.params.service));
    if (rebootReasons(facts, false).length) diff.notes.push('nova-compute picks up the change at the reboot that follows');
    else if (mode === 'custom' && facts.domcaps && !hostModelHasMdClear(facts.domcaps)) {
      // nova-compute refuses to start when a required extra flag is missing from the host CPU; no reboot is due to add it.
      throw new PreconditionError(`this host does not offer ${ctx.params.flag} (libvirt's host-model lacks it) and no reboot is due: restarting ${agent} with it in cpu_model_extra_flags would fail; update microcode_ctl, kernel, qemu and libvirt first`);
    } else diff.changes.push({ kind: 'restart-service', summary: `restart ${agent} (no reboot is due)`, data: { service: agent } });
  }
  return diff;
}

async function apply(ctx: StepContext<CpuFlagsParams>, diff: Diff): Promise<void> {
  const facts = await ctx.facts();
  // Re-read right before writing: the plan is advisory, the file may have changed since the facts were gathered.
  const current = (await ctx.transport.readFile(novaConfPathOf(facts), { become: true })).toString('utf8');
  const fresh = planNovaConfEdit({ ...facts, novaConf: current }, ctx.params.flag);
  if (fresh) {
    await markRestartPending(ctx.transport, facts.bootId, ctx.signal);
    await ctx.transport.writeFile(fresh.path, fresh.after, { become: true, backupSuffix: NOVA_CONF_BACKUP_SUFFIX, signal: ctx.signal });
    ctx.log.info({ path: fresh.path }, 'nova.conf updated');
  }
  const restart = diff.changes.find((c) => c.kind === 'restart-service');
  if (restart) {
    // The layout's way: a unit (tripleo_nova_compute, devstack@n-cpu, ...) or the container, which copies nova.conf in as it starts.
    const command = restartCommand(requireAgent(facts, ctx.params.service));
    const res = await ctx.transport.exec(command, { become: true, signal: ctx.signal, timeoutMs: 300_000 });
    if (res.code !== 0) throw new CommandFailedError(`${command} failed (exit ${res.code}): ${res.stderr.trim()}`);
    await clearRestartPending(ctx.transport, ctx.signal);
  }
  await ctx.refreshFacts();
}

/** In a plan: nova.conf as the edit would leave it, so later checks (the reboot's) see it edited. */
export function projectNovaConfEdit(facts: HostFacts, diff: Diff, params: CpuFlagsParams): HostFacts {
  if (!diff.changes.some((c) => c.kind === 'nova-conf-edit')) return facts;
  const text = planNovaConfEdit(facts, params.flag)?.after ?? null;
  if (text === null) return facts;
  return { ...facts, novaConf: text, novaLibvirt: parseNovaLibvirt(text) };
}

export const cpuFlags: Step<CpuFlagsParams> = {
  id: 'cpu-flags',
  title: 'Expose md-clear to guests in nova.conf',
  disruptive: false,
  needsNova: false,
  params: cpuFlagsParams,
  report(diff, host, kind) {
    if (kind === 'sweep') return;
    const durable = findingOf(diff.findings, 'durable-config');
    if (durable) host.warnings.push(`md-clear is a hand edit of ${durable.novaConf}: ${durable.knob.owner} takes it out again on its next run unless ${durable.knob.knob} is set (snippet in the cpu-flags step's notes)`);
  },
  check,
  apply,
  project: projectNovaConfEdit,
};
