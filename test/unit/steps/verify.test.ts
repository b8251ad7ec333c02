// verify: each finding ok / not ok for mitigated, no-microcode, absent (unfixed kernel) and AMD; the SMT warning.
import { describe, expect, it } from 'vitest';
import { runningKernelIsNewest, verify, verifyFindings, type VerifyFinding } from '../../../src/steps/verify.js';
import { findingOf } from '../../../src/steps/changes.js';
import { hostFacts, minimumsFor, novaConfText } from '../../helpers/host-facts.js';
import { converge, stepContext } from './context.js';
import { FakeHost } from './fake-host.js';

const MINS = minimumsFor();

function byCheck(findings: VerifyFinding[]): Record<string, boolean> {
  return Object.fromEntries(findings.map((f) => [f.check, f.ok]));
}

describe('verify', () => {
  it('passes every check on a mitigated Intel host; twice, with nothing to apply', async () => {
    const host = new FakeHost({ stage: 'fixed', cpuMode: 'custom', extraFlags: ['spec-ctrl', 'ssbd', 'md-clear'] });
    const ctx = await stepContext(verify, host, null, { minimums: MINS });
    const { first, second } = await converge(verify, ctx);
    expect(first.changes).toEqual([]);
    expect(second.changes).toEqual([]);
    const findings = findingOf(first.findings, 'checks')?.checks ?? [];
    expect(byCheck(findings)).toEqual({ sysfs: true, dmesg: true, domcaps: true, kernel: true, packages: true, 'nova-conf': true });
    expect(first.notes).toContain('sysfs: mds: Mitigation: Clear CPU buffers; SMT vulnerable');
  });

  it('warns that SMT stays vulnerable, and not when SMT is disabled or the warning is off', async () => {
    const on = await stepContext(verify, new FakeHost({ stage: 'fixed', smt: 'vulnerable' }), null, { minimums: MINS });
    await verify.check(on);
    expect(on.warnings).toEqual(['MDS mitigated but SMT vulnerable: disable SMT where guests are untrusted']);
    const disabled = await stepContext(verify, new FakeHost({ stage: 'fixed', smt: 'disabled' }), null, { minimums: MINS });
    await verify.check(disabled);
    expect(disabled.warnings).toEqual([]);
    const off = await stepContext(verify, new FakeHost({ stage: 'fixed', smt: 'vulnerable' }), null, { minimums: MINS, warn_smt: false });
    await verify.check(off);
    expect(off.warnings).toEqual([]);
  });

  it('fails a host whose microcode is not loaded, naming what is wrong', async () => {
    const facts = hostFacts({ stage: 'no-microcode' });
    expect(byCheck(verifyFindings(facts, MINS))).toEqual({ sysfs: false, dmesg: false, domcaps: false, kernel: true, packages: false });
    const ctx = await stepContext(verify, new FakeHost({ stage: 'no-microcode' }), null, { minimums: MINS });
    const diff = await verify.check(ctx);
    expect(diff.changes.map((c) => c.summary)).toContain('sysfs: mds: Vulnerable: Clear CPU buffers attempted, no microcode; SMT vulnerable');
    expect(diff.changes.map((c) => c.summary)).toContain('packages: below minimum: microcode_ctl < 2.1-47.2.el7_6');
    await expect(verify.apply(ctx, diff)).rejects.toThrow(/^not mitigated: sysfs: mds: Vulnerable/);
  });

  it('fails a host still running a kernel without the fix (no sysfs mds file)', () => {
    const facts = hostFacts({ stage: 'updated' });
    const findings = verifyFindings(facts, MINS);
    expect(byCheck(findings)).toEqual({ sysfs: false, dmesg: false, domcaps: false, kernel: false, packages: true });
    expect(findings.find((f) => f.check === 'sysfs')?.detail).toBe('mds: (no mds file: the running kernel lacks the MDS fix)');
    expect(findings.find((f) => f.check === 'kernel')?.detail).toBe('running 3.10.0-957.10.1.el7.x86_64, minimum 3.10.0-957.12.2.el7');
    expect(runningKernelIsNewest(facts)).toBe(false);
    expect(runningKernelIsNewest(hostFacts({ stage: 'fixed' }))).toBe(true);
  });

  it('passes a fixed AMD host: not affected, no dmesg or md-clear demands, even with a custom model', () => {
    const hostModel = verifyFindings(hostFacts({ vendor: 'amd', stage: 'fixed', release: 'el8' }), MINS);
    expect(byCheck(hostModel)).toEqual({ sysfs: true, kernel: true, packages: true });
    expect(hostModel[0]?.detail).toBe('mds: Not affected');
    const custom = verifyFindings(hostFacts({ vendor: 'amd', stage: 'fixed', cpuMode: 'custom', cpuModels: ['EPYC-IBPB'], extraFlags: ['ssbd'] }), MINS);
    expect(custom.every((f) => f.ok)).toBe(true);
  });

  it('checks cpu_model_extra_flags as nova reads them: a disable wins, case does not matter', () => {
    const conf = (flags: string[]) => hostFacts({ stage: 'fixed', novaConf: novaConfText({ cpuMode: 'custom', extraFlags: flags }) });
    const novaConfOk = (flags: string[]) => verifyFindings(conf(flags), MINS).find((f) => f.check === 'nova-conf')?.ok;
    expect(novaConfOk(['ssbd', 'MD-CLEAR'])).toBe(true);
    expect(novaConfOk(['+md-clear'])).toBe(true);
    expect(novaConfOk(['ssbd'])).toBe(false);
    expect(novaConfOk(['md-clear', '-md-clear'])).toBe(false);
  });

  it('fails the domcaps check when md-clear is disabled for host-model guests', () => {
    const facts = hostFacts({ stage: 'fixed', cpuMode: 'host-model', extraFlags: ['-md-clear'] });
    expect(byCheck(verifyFindings(facts, MINS))['domcaps']).toBe(false);
  });

  it('reports a release without minimums as a failed packages check; without minimums at all it skips them', () => {
    const el8 = hostFacts({ release: 'el8', stage: 'fixed' });
    expect(verifyFindings(el8, minimumsFor('el7')).find((f) => f.check === 'packages')).toEqual({ check: 'packages', ok: false, status: 'drift', detail: 'no minimum versions for release el8' });
    expect(verifyFindings(el8, undefined).map((f) => f.check)).toEqual(['sysfs', 'dmesg', 'domcaps']);
  });
});
