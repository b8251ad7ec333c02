// The evidence rules: unreadable is unknown in checks, refused at safety gates, and an unprivileged gather names its fix.
import { describe, expect, it } from 'vitest';
import type { EvidenceKey, Provenance } from '../../../src/facts/evidence.js';
import type { HostFacts } from '../../../src/facts/types.js';
import { cpuFlags } from '../../../src/steps/cpu-flags.js';
import { drain } from '../../../src/steps/drain.js';
import { PreconditionError, RefusedError, UnknownEvidenceError } from '../../../src/steps/errors.js';
import { assertPrivileged } from '../../../src/steps/evidence-rules.js';
import { findingOf } from '../../../src/steps/changes.js';
import { guests } from '../../../src/steps/guests.js';
import { reboot } from '../../../src/steps/reboot.js';
import { verify, verifyFindings, type VerifyFinding } from '../../../src/steps/verify.js';
import { FakeNovaApi } from '../../helpers/fake-nova-api.js';
import { guest, hostFacts, minimumsFor, novaConfText } from '../../helpers/host-facts.js';
import { hostSpec, stepContext } from './context.js';
import { FakeHost } from './fake-host.js';

const NAME = 'compute-0.example.org';
const MINS = minimumsFor();
const denied = (what: string): Provenance => ({ state: 'unreadable', reason: `${what}: permission denied` });

/** Facts as an unprivileged or tool-less gather would give them: the values empty, their evidence unreadable. */
function withUnreadable(f: HostFacts, keys: EvidenceKey[], reason = denied): HostFacts {
  const out: HostFacts = { ...f, evidence: { ...f.evidence } };
  for (const k of keys) {
    out.evidence[k] = reason(k);
    if (k === 'nova-conf') { out.novaConf = null; out.novaLibvirt = { cpuMode: null, cpuModels: [], extraFlags: [], virtType: null }; }
    if (k === 'guests') out.guests = [];
    if (k === 'domcaps') out.domcaps = null;
  }
  return out;
}

/** A FakeHost whose gathers lose the given evidence. */
function hostLosing(keys: EvidenceKey[], o: ConstructorParameters<typeof FakeHost>[0] = {}): FakeHost {
  const host = new FakeHost({ hostname: NAME, ...o });
  const real = host.facts.bind(host);
  host.facts = () => withUnreadable(real(), keys);
  return host;
}

const status = (fs: VerifyFinding[], check: string) => fs.find((f) => f.check === check)?.status;

describe('verify: unknown is never ok', () => {
  // The case: custom + ssbd without md-clear is drift as root; unread, it used to read as "cpu_mode unset".
  const custom = { cpuMode: 'custom' as const, cpuModels: ['IvyBridge'], extraFlags: ['ssbd'] };

  it('a nova.conf that could not be read is unknown, where reading it shows drift', async () => {
    expect(status(verifyFindings(hostFacts(custom), MINS), 'nova-conf')).toBe('drift');
    const unread = withUnreadable(hostFacts(custom), ['nova-conf']);
    const findings = verifyFindings(unread, MINS);
    expect(status(findings, 'nova-conf')).toBe('unknown');
    expect(status(findings, 'domcaps')).toBe('unknown');
    expect(findings.every((f) => f.status !== 'ok' || !['nova-conf', 'domcaps'].includes(f.check))).toBe(true);

    const ctx = await stepContext(verify, hostLosing(['nova-conf'], custom), null, { minimums: MINS });
    const err = await verify.check(ctx).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(UnknownEvidenceError);
    expect((err as UnknownEvidenceError).evidence).toEqual(['nova-conf']);
    expect((err as Error).message).toMatch(/^verdict unknown: .*nova-conf unknown: could not read \/etc\/nova\/nova\.conf \(permission denied\)/);
    // What was read is still reported beside the unknown.
    const found = findingOf((err as UnknownEvidenceError).diff?.findings, 'checks')!.checks;
    expect(status(found, 'sysfs')).toBe('ok');
  });

  it('a missing nova.conf is unknown too: the layout expects one', () => {
    const findings = verifyFindings(hostFacts({ novaConf: null }), MINS);
    expect(status(findings, 'nova-conf')).toBe('unknown');
    expect(findings.find((f) => f.check === 'nova-conf')?.detail).toBe('unknown: could not read /etc/nova/nova.conf (not found)');
  });

  it('an unreadable sysfs or rpm database is unknown, not "no fix" or "nothing installed"', () => {
    expect(status(verifyFindings(withUnreadable(hostFacts(), ['sysfs-mds']), MINS), 'sysfs')).toBe('unknown');
    const rpm = verifyFindings(withUnreadable(hostFacts(), ['rpm']), MINS);
    expect(status(rpm, 'packages')).toBe('unknown');
    expect(status(rpm, 'kernel')).toBe('ok');
  });

  it('sysfs mds is authoritative: a wrapped ring is a note, a contradicting log line a note, a mitigated line never rescues sysfs', () => {
    const wrapped = hostFacts();
    wrapped.dmesgMds = [];
    wrapped.kernelLog = {
      tried: [
        { source: 'dmesg', provenance: { state: 'read' }, lines: [] },
        { source: 'journal', provenance: { state: 'read' }, lines: [] },
        { source: 'var-log-dmesg', provenance: { state: 'absent', reason: '/var/log/dmesg: not found' }, lines: [] },
      ],
      mdsSource: null,
      ringWrapped: true,
    };
    const w = verifyFindings(wrapped, MINS).find((f) => f.check === 'dmesg')!;
    expect(w.status).toBe('ok');
    expect(w.note).toMatch(/^the ring buffer has wrapped .*\(tried dmesg, journalctl -k -b 0, \/var\/log\/dmesg: not found\); sysfs mds is authoritative/);

    const stale = hostFacts();
    stale.dmesgMds = ['MDS: Vulnerable: Clear CPU buffers attempted, no microcode'];
    const s = verifyFindings(stale, MINS).find((f) => f.check === 'dmesg')!;
    expect(s.status).toBe('ok');
    expect(s.note).toMatch(/sysfs is authoritative/);

    const noFix = hostFacts({ stage: 'updated' });
    noFix.dmesgMds = ['MDS: Mitigation: Clear CPU buffers'];
    expect(status(verifyFindings(noFix, MINS), 'sysfs')).toBe('drift');
  });

  it('judges the sibling flaws it is asked to, and only reports the others', async () => {
    const f = hostFacts();
    f.sysfs = { ...f.sysfs, tsxAsyncAbort: 'Vulnerable: Clear CPU buffers attempted, no microcode; SMT vulnerable\n', mmioStaleData: 'Mitigation: Clear CPU buffers; SMT vulnerable\n' };
    f.evidence = { ...f.evidence, 'sysfs-tsx_async_abort': { state: 'read' }, 'sysfs-mmio_stale_data': { state: 'read' } };
    const judged = verifyFindings(f, MINS, { judge: ['mds', 'tsx_async_abort', 'mmio_stale_data'], report: [] });
    expect(status(judged, 'tsx_async_abort')).toBe('drift');
    expect(status(judged, 'mmio_stale_data')).toBe('ok');
    expect(verifyFindings(f, MINS, { judge: ['mds'], report: ['tsx_async_abort'] }).map((x) => x.check)).not.toContain('tsx_async_abort');

    const host = new FakeHost({ hostname: NAME });
    host.facts = () => f;
    const ctx = await stepContext(verify, host, null, { minimums: MINS });
    const diff = await verify.check(ctx);
    expect(diff.changes).toEqual([]);
    expect(diff.notes).toContain('tsx_async_abort: Vulnerable: Clear CPU buffers attempted, no microcode; SMT vulnerable (reported, not judged)');
  });
});

describe('safety gates refuse on unreadable evidence', () => {
  it('reboot: Nova empty is not enough when the hypervisor list could not be read', async () => {
    const host = hostLosing(['guests'], { stage: 'updated', guests: [guest('vm-1')] });
    const nova = new FakeNovaApi().addHost(NAME);
    const ctx = await stepContext(reboot, host, nova, { timeout: '1s', stable_for: '1ms', backoff: '1ms', max_backoff: '2ms', delay: 0 });
    const diff = await reboot.check(ctx);
    await expect(reboot.apply(ctx, diff)).rejects.toThrow(RefusedError);
    await expect(reboot.apply(ctx, diff)).rejects.toThrow(/refusing to reboot compute-0\.example\.org: could not read the hypervisor's guest list/);
    expect(host.reboots).toBe(0);
  });

  it('reboot and drain: whether a reboot is due is unknown without domcapabilities or rpm', async () => {
    for (const step of [reboot, drain] as const) {
      const ctx = await stepContext(step as typeof reboot, hostLosing(['domcaps']), new FakeNovaApi().addHost(NAME), {});
      await expect(step.check(ctx as never)).rejects.toThrow(UnknownEvidenceError);
    }
    const ctx = await stepContext(reboot, hostLosing(['rpm']), null, {});
    await expect(reboot.check(ctx)).rejects.toThrow(/whether a reboot is due is unknown: could not read the rpm database/);
  });

  it('drain: refuses a host whose reboot would be refused, before touching Nova', async () => {
    const nova = new FakeNovaApi().addHost(NAME).addHost('compute-1.example.org');
    nova.addServer({ name: 'web-1', host: NAME });
    const ctx = await stepContext(drain, hostLosing(['guests'], { stage: 'updated' }), nova, {});
    await expect(drain.check(ctx)).rejects.toThrow(/refusing to drain compute-0\.example\.org for a reboot: could not read the hypervisor's guest list/);
    expect(nova.calls).toEqual([]);
  });

  it('drain: refuses a host that does not map to a real nova-compute service', async () => {
    const nova = new FakeNovaApi().addHost('compute-1.example.org');
    const ctx = await stepContext(drain, new FakeHost({ hostname: NAME, stage: 'updated' }), nova, {});
    await expect(drain.check(ctx)).rejects.toThrow(RefusedError);
    await expect(drain.check(ctx)).rejects.toThrow(/does not map to a real compute service/);
  });

  it('cpu-flags: a missing nova.conf is unknown, never "unset"; AMD needs no nova.conf', async () => {
    const ctx = await stepContext(cpuFlags, new FakeHost({ hostname: NAME, novaConf: null }), null, {});
    await expect(cpuFlags.check(ctx)).rejects.toThrow(/whether md-clear reaches guests is unknown: could not read \/etc\/nova\/nova\.conf \(not found\)/);
    const amd = await stepContext(cpuFlags, new FakeHost({ hostname: NAME, vendor: 'amd', novaConf: null }), null, {});
    expect((await cpuFlags.check(amd)).changes).toEqual([]);
  });

  it('guests: an unread guest list is unknown, not "no guest needs a cold boot"', async () => {
    const ctx = await stepContext(guests, hostLosing(['guests']), null, {});
    await expect(guests.check(ctx)).rejects.toThrow(/which guests need a cold boot is unknown/);
  });
});

describe('an unprivileged gather', () => {
  const asStack = (f: HostFacts): HostFacts => ({ ...withUnreadable(f, ['nova-conf', 'domcaps', 'guests']), privilege: { uid: 1042, user: 'stack' } });

  it('fails the host naming ansible_become and where the user comes from', () => {
    const host = { ...hostSpec('compute-0'), user: 'stack', become: false, origins: { user: { file: '/etc/ansible/hosts.yaml', line: 7, column: 20 } } };
    expect(() => assertPrivileged(asStack(hostFacts()), host)).toThrow(PreconditionError);
    expect(() => assertPrivileged(asStack(hostFacts()), host)).toThrow(
      'the gather ran as stack (uid 1042), not root, and could not read /etc/nova/nova.conf (permission denied), virsh domcapabilities (domcaps: permission denied), '
      + "the hypervisor's guest list (virsh -c qemu:///system list --all) (guests: permission denied): set ansible_become: true for compute-0 "
      + '(its user "stack" comes from /etc/ansible/hosts.yaml:7), with passwordless sudo or MDS_BECOME_PASSWORD',
    );
  });

  it('says sudo did not give root when ansible_become was set', () => {
    const host = { ...hostSpec('compute-0'), user: 'stack', become: true, origins: { become: { file: 'inv.ini', line: 3 } } };
    expect(() => assertPrivileged(asStack(hostFacts()), host)).toThrow(/ansible_become is set at inv\.ini:3 for compute-0 .* but sudo did not give root/);
  });

  it('lets a login user through that could read everything, and root always', () => {
    const readAll = { ...hostFacts(), privilege: { uid: 1042, user: 'stack' } };
    expect(() => assertPrivileged(readAll, hostSpec('compute-0'))).not.toThrow();
    expect(() => assertPrivileged(withUnreadable(hostFacts(), ['guests']), hostSpec('compute-0'))).not.toThrow();
    expect(novaConfText()).toContain('[libvirt]');
  });
});
