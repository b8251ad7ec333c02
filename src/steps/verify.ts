// Step verify: the host is mitigated (sysfs, dmesg, domcapabilities, kernel, packages, nova.conf) or says why not.
import { z } from 'zod';
import type { HostFacts } from '../facts/types.js';
import { effectiveCpuMode, extraFlagSetting, mdClearExposed } from '../facts/index.js';
import { compareEvr, newestOf, parseUnameR, satisfiesMinimum } from '../rpm/index.js';
import { findingOf, type VerifyFinding } from './changes.js';
import { minimums } from './params.js';
import type { Change, Diff, Step, StepContext } from './types.js';

export const verifyParams = z.strictObject({
  minimums: minimums.optional(),
  /** Report "SMT vulnerable" as a warning (the MDS mitigation is active, but SMT siblings still share buffers). */
  warn_smt: z.boolean().default(true),
});
export type VerifyParams = z.infer<typeof verifyParams>;

export type { VerifyFinding } from './changes.js';

/** Every check, passing or not, so sweeps and JUnit reports can show each one. */
export function verifyFindings(facts: HostFacts, mins: Record<string, Record<string, string>> | undefined): VerifyFinding[] {
  const out: VerifyFinding[] = [];
  const intel = facts.cpu.vendor !== 'amd';
  const mds = facts.mds;
  const sysfsText = facts.sysfs.mds?.trim() ?? '(no mds file: the running kernel lacks the MDS fix)';
  out.push({ check: 'sysfs', ok: mds.kind === 'mitigated' || mds.kind === 'not-affected', detail: `mds: ${sysfsText}` });

  if (mds.kind !== 'not-affected') {
    const line = facts.dmesgMds.find((l) => /MDS: Mitigation: Clear CPU buffers/.test(l));
    out.push({ check: 'dmesg', ok: line !== undefined, detail: line ?? (facts.dmesgMds.length ? facts.dmesgMds.join(' | ') : 'no MDS: line in the kernel log') });
  }
  if (intel && mds.kind !== 'not-affected') {
    const exposed = facts.domcaps ? mdClearExposed(facts.novaLibvirt, facts.domcaps) : false;
    out.push({ check: 'domcaps', ok: exposed, detail: exposed ? 'guests get md-clear (domcapabilities + nova.conf)' : facts.domcaps ? 'md-clear does not reach guests: not required in domcapabilities host-model or not in the custom model flags' : 'virsh domcapabilities gave no answer' });
  }
  const wanted = mins?.[facts.os.dist];
  if (mins && !wanted) out.push({ check: 'packages', ok: false, detail: `no minimum versions for release ${facts.os.dist}` });
  if (wanted) {
    const kernelMin = wanted['kernel'];
    if (kernelMin) {
      const running = parseUnameR(facts.kernelRunning);
      const ok = running !== null && satisfiesMinimum(running, kernelMin);
      out.push({ check: 'kernel', ok, detail: `running ${facts.kernelRunning}, minimum ${kernelMin}` });
    }
    const below = Object.entries(wanted).filter(([name, min]) => {
      const inst = facts.packages[name] ?? [];
      return inst.length === 0 || !satisfiesMinimum(newestOf(inst), min);
    });
    out.push({ check: 'packages', ok: below.length === 0, detail: below.length ? `below minimum: ${below.map(([n, m]) => `${n} < ${m}`).join(', ')}` : 'all at or above the minimums' });
  }
  // AMD has no md-clear to list (cpu-flags leaves AMD hosts alone); nova reads the flags case-blind, a disable winning.
  if (intel && effectiveCpuMode(facts.novaLibvirt) === 'custom') {
    const ok = extraFlagSetting(facts.novaLibvirt) === 'enabled';
    out.push({ check: 'nova-conf', ok, detail: `cpu_model_extra_flags = ${facts.novaLibvirt.extraFlags.join(',') || '(empty)'}` });
  }
  return out;
}

/** Used by the sweep to say the running kernel is not the newest installed one. */
export function runningKernelIsNewest(facts: HostFacts): boolean {
  const kernels = facts.packages['kernel'] ?? [];
  const running = parseUnameR(facts.kernelRunning);
  return kernels.length === 0 || running === null || compareEvr(newestOf(kernels), running) <= 0;
}

async function check(ctx: StepContext<VerifyParams>): Promise<Diff> {
  const facts = await ctx.facts();
  const findings = verifyFindings(facts, ctx.params.minimums);
  const failed = findings.filter((f) => !f.ok);
  const smt = facts.mds.kind === 'mitigated' ? facts.mds.smt : null;
  if (ctx.params.warn_smt && smt && /vulnerable/i.test(smt)) ctx.warn(`MDS mitigated but SMT ${smt}: disable SMT where guests are untrusted`);
  const changes: Change[] = failed.map((f) => ({ kind: 'not-mitigated', summary: `${f.check}: ${f.detail}`, data: f }));
  return { step: 'verify', changes, notes: findings.filter((f) => f.ok).map((f) => `${f.check}: ${f.detail}`), findings: [{ kind: 'checks', checks: findings }] };
}

async function apply(_ctx: StepContext<VerifyParams>, diff: Diff): Promise<void> {
  // Verification cannot fix anything by itself: what is still wrong after the earlier steps fails the host.
  throw new Error(`not mitigated: ${diff.changes.map((c) => c.summary).join('; ')}`);
}

export const verify: Step<VerifyParams> = {
  id: 'verify',
  title: 'Verify the mitigation: sysfs, dmesg, domcapabilities, kernel, packages, nova.conf',
  disruptive: false,
  needsNova: false,
  params: verifyParams,
  sweep: ({ minimums }) => verifyParams.parse(minimums ? { minimums } : {}),
  minimums: (params) => params.minimums,
  report(diff, host) {
    const checks = findingOf(diff.findings, 'checks')?.checks;
    if (checks) host.checks = [...checks.map((f) => ({ name: f.check, ok: f.ok, detail: f.detail })), ...host.checks.filter((c) => !checks.some((f) => f.check === c.name))];
  },
  check,
  apply,
};
