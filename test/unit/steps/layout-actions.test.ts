// The steps act the layout's way: cpu-flags edits the nova.conf nova-compute reads and restarts it as the layout runs it,
// restore watches that agent, update-packages and verify judge qemu/libvirt where they run (the image or the host).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { HostReport } from '../../../src/report/model.js';
import { changesOf, findingOf } from '../../../src/steps/changes.js';
import { cpuFlags } from '../../../src/steps/cpu-flags.js';
import { PreconditionError, UnknownEvidenceError } from '../../../src/steps/errors.js';
import { restore } from '../../../src/steps/restore.js';
import { updatePackages } from '../../../src/steps/update-packages.js';
import { verifyFindings } from '../../../src/steps/verify.js';
import { FakeNovaApi } from '../../helpers/fake-nova-api.js';
import { minimumsFor, VERSIONS } from '../../helpers/host-facts.js';
import { LAYOUT_FACTS } from '../../helpers/layout-facts.js';
import { converge, kinds, stepContext } from './context.js';
import { FakeHost, NOVA_CONF } from './fake-host.js';

const DECOY = '[libvirt]\ncpu_mode = custom\ncpu_model = Nehalem\n# stale: from before containers\n';
const NAME = 'compute-0.example.org';
// run-7 is an earlier run of this state directory (restore enables only this controller's disables).
const OURS = 'mds-orchestrate: MDS remediation (run run-7)';
const OWN = { ownRuns: ['run-7'] };

function emptyReport(): HostReport {
  return { name: NAME, address: '', novaHost: NAME, availabilityZone: null, aggregate: null, status: 'ok', steps: [], checks: [], rebootReasons: [], packagesBelowMinimum: [], guestsNeedingColdBoot: [], warnings: [] };
}

describe('cpu-flags per layout', () => {
  it.each([
    ['tripleo-docker', 'docker restart nova_compute'],
    ['tripleo-podman', 'tripleo_nova_compute'],
    ['tripleo-modular', 'tripleo_nova_compute'],
    ['kolla', 'kolla-nova_compute-container'],
    ['devstack', 'devstack@n-cpu'],
    ['osa', 'nova-compute'],
  ] as const)('%s: edits the layout\'s nova.conf only, restarts %s', async (layout, restarted) => {
    const host = new FakeHost({ stage: 'fixed', cpuMode: 'custom', extraFlags: ['spec-ctrl', 'ssbd'] });
    const decoy = LAYOUT_FACTS[layout].novaConf === NOVA_CONF ? undefined : DECOY;
    host.useLayout(LAYOUT_FACTS[layout], decoy);
    const ctx = await stepContext(cpuFlags, host, null, {});
    const { first, second } = await converge(cpuFlags, ctx);
    expect(kinds(first)).toEqual(['nova-conf-edit', 'restart-service']);
    expect(changesOf(first.changes, 'nova-conf-edit')[0]!.data.path).toBe(LAYOUT_FACTS[layout].novaConf);
    expect(host.novaConf).toContain('cpu_model_extra_flags = spec-ctrl,ssbd,md-clear\n');
    if (decoy !== undefined) expect(host.transport.files.get(NOVA_CONF)?.toString()).toBe(DECOY);
    expect(host.restarts).toEqual([restarted]);
    expect(second.changes).toEqual([]);
  });

  it('the step\'s service is an explicit override of the layout\'s way', async () => {
    const host = new FakeHost({ stage: 'fixed', cpuMode: 'custom', extraFlags: ['ssbd'] });
    host.useLayout(LAYOUT_FACTS['tripleo-docker'], DECOY);
    const ctx = await stepContext(cpuFlags, host, null, { service: 'paunch-nova-compute' });
    await converge(cpuFlags, ctx);
    expect(host.restarts).toEqual(['paunch-nova-compute']);
  });

  it('the plan and the report say which knob keeps md-clear past the next deploy, with the host\'s flags', async () => {
    const host = new FakeHost({ stage: 'fixed', cpuMode: 'custom', extraFlags: ['spec-ctrl', 'ssbd'] });
    host.useLayout(LAYOUT_FACTS.kolla);
    const ctx = await stepContext(cpuFlags, host, null, {});
    const diff = await cpuFlags.check(ctx);
    const durable = findingOf(diff.findings, 'durable-config');
    expect(durable?.layout).toBe('kolla');
    expect(durable?.knob.snippet).toBe('[libvirt]\ncpu_model_extra_flags = spec-ctrl,ssbd,md-clear');
    expect(diff.notes.join('\n')).toContain('rewrites /etc/kolla/nova-compute/nova.conf on its next run');
    const report = emptyReport();
    cpuFlags.report!(diff, report, 'run');
    expect(report.warnings).toEqual([expect.stringMatching(/^md-clear is a hand edit of \/etc\/kolla\/nova-compute\/nova\.conf: Kolla-Ansible .* unless a nova-compute config override/)]);
  });

  it('a deploy that rewrites the file later is drift for verify (and so for a sweep), naming the knob', async () => {
    const host = new FakeHost({ stage: 'fixed', cpuMode: 'custom', extraFlags: ['spec-ctrl', 'ssbd'] });
    host.useLayout(LAYOUT_FACTS['tripleo-modular']);
    const before = host.novaConf;
    await converge(cpuFlags, await stepContext(cpuFlags, host, null, {}));
    expect(verifyFindings(host.facts(), undefined).find((c) => c.check === 'nova-conf')?.status).toBe('ok');
    host.transport.files.set(LAYOUT_FACTS['tripleo-modular'].novaConf, Buffer.from(before));
    const reverted = verifyFindings(host.facts(), undefined).find((c) => c.check === 'nova-conf');
    expect(reverted).toMatchObject({ status: 'drift', detail: `cpu_model_extra_flags = spec-ctrl,ssbd in ${LAYOUT_FACTS['tripleo-modular'].novaConf}` });
    expect(reverted?.note).toMatch(/if TripleO \(RHOSP 17, puppet-generated config\) rewrote it, set NovaLibvirtCPUModelExtraFlags/);
  });

  it('refuses to edit when the layout names another file than the one the gather read', async () => {
    const host = new FakeHost({ stage: 'fixed', cpuMode: 'custom', extraFlags: ['ssbd'] });
    host.useLayout(LAYOUT_FACTS.devstack);
    const ctx = await stepContext(cpuFlags, host, null, {});
    const facts = { ...host.facts(), novaConfPath: NOVA_CONF };
    ctx.facts = async () => facts;
    await expect(cpuFlags.check(ctx)).rejects.toThrow(/devstack layout has nova-compute read \/etc\/nova\/nova-cpu\.conf, but the gather read \/etc\/nova\/nova\.conf/);
  });
});

describe('restore watches the layout\'s agent', () => {
  it('a running nova_compute container is alive; an exited one keeps the service disabled, naming docker logs', async () => {
    const nova = new FakeNovaApi().addHost(NAME, { status: 'disabled', disabledReason: OURS });
    const host = new FakeHost({ hostname: NAME, stage: 'fixed' });
    host.useLayout(LAYOUT_FACTS['tripleo-docker'], DECOY);
    const ctx = await stepContext(restore, host, nova, { alive_timeout: '20ms', alive_poll: '1ms' }, OWN);
    host.containerState = 'exited';
    const diff = await restore.check(ctx);
    expect(findingOf(diff.findings, 'compute-service')?.dead).toBe('the nova_compute container (docker) is not active on the host (docker inspect: nova_compute: exited)');
    await expect(restore.apply(ctx, diff)).rejects.toThrow(/start the agent \(docker logs nova_compute\)/);
    expect(nova.service(NAME).status).toBe('disabled');
    host.containerState = 'running';
    const { first, second } = await converge(restore, ctx);
    expect(kinds(first)).toEqual(['enable-service']);
    expect(second.changes).toEqual([]);
    expect(host.transport.commands).toContain("docker inspect --format '{{.State.Status}}' nova_compute");
    expect(host.transport.commands.some((c) => c.startsWith('systemctl is-active'))).toBe(false);
  });
});

const el8 = VERSIONS.el8;
const imageOld = { 'qemu-kvm': [el8.old['qemu-kvm']!], 'libvirt-daemon': [el8.old['libvirt']!] };
const imageFixed = { 'qemu-kvm': [el8.fixed['qemu-kvm']!], 'libvirt-daemon': [el8.fixed['libvirt']!] };

/** An OSP 16 host: kernel and microcode on the host, qemu/libvirt only in the nova_libvirt image. */
function containerHost(image: FakeHost['image'], stage: 'unfixed' | 'fixed' = 'unfixed'): FakeHost {
  const host = new FakeHost({ release: 'el8', stage });
  delete host.state.installed['qemu-kvm'];
  delete host.state.installed['libvirt'];
  host.useLayout(LAYOUT_FACTS['tripleo-podman']);
  host.image = image;
  return host;
}

describe('a layout the gather could not decide', () => {
  const undecided = (host: FakeHost) => {
    const facts = host.facts();
    return { ...facts, evidence: { ...facts.evidence, layout: { state: 'unreadable' as const, reason: 'deployment layout unknown: two nova.conf probes matched' } } };
  };

  it('restore and cpu-flags do not guess a unit: unknown, unless the step names one', async () => {
    const nova = new FakeNovaApi().addHost(NAME, { status: 'disabled', disabledReason: OURS });
    const host = new FakeHost({ hostname: NAME, stage: 'fixed', cpuMode: 'custom', extraFlags: ['ssbd'] });
    const ctx = await stepContext(restore, host, nova, {}, OWN);
    const facts = undecided(host);
    ctx.facts = async () => facts;
    await expect(restore.check(ctx)).rejects.toThrow(UnknownEvidenceError);
    await expect(restore.check(ctx)).rejects.toThrow(/how nova-compute runs here is unknown \(deployment layout unknown: two nova.conf probes matched\)/);
    expect(host.transport.commands).toEqual([]);
    const named = await stepContext(restore, host, nova, { service: 'openstack-nova-compute' }, OWN);
    named.facts = async () => facts;
    expect(kinds(await restore.check(named))).toEqual(['enable-service']);
  });

  it('update-packages and verify call qemu/libvirt unknown: where they run is not known', async () => {
    const host = new FakeHost({ release: 'el8', stage: 'fixed' });
    const ctx = await stepContext(updatePackages, host, null, { minimums: minimumsFor() });
    const facts = undecided(host);
    ctx.facts = async () => facts;
    await expect(updatePackages.check(ctx)).rejects.toThrow(/could not read where qemu and libvirt run \(deployment layout unknown: two nova.conf probes matched\); set mds_layout/);
    expect(verifyFindings(facts, minimumsFor()).find((c) => c.check === 'packages')?.status).toBe('unknown');
  });
});

describe('update-packages where each package lives', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mds-image-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('an image below the minimum fails the host before anything changes, with the deployment tool\'s command for it', async () => {
    const host = containerHost({ installed: imageOld });
    const ctx = await stepContext(updatePackages, host, null, { minimums: minimumsFor() });
    const err = await updatePackages.check(ctx).then(() => null, (e: unknown) => e as Error);
    expect(err).toBeInstanceOf(PreconditionError);
    expect(err?.message).toContain("the nova_libvirt container's image (registry.redhat.io/rhosp-rhel8/openstack-nova-libvirt:16.2) is below the minimum: qemu-kvm 15:2.12.0-63.module+el8+2833+c7d6d092 < 2.12.0-64.module+el8.0.0+3180+d6a3561d.2, libvirt-daemon 4.5.0-23.module+el8+2800+2d311f65 < 4.5.0-24.1.module+el8.0.0+3183+c9db4fb6");
    expect(err?.message).toContain(`openstack overcloud update run --limit ${NAME}`);
    // Nothing ran on the host: not even the read-only check-update.
    expect(host.transport.commands).toEqual([]);
  });

  it('an image whose packages could not be read is unknown, never ok', async () => {
    const host = containerHost({ unreadable: 'podman exec nova_libvirt rpm -q: exit status 125' }, 'fixed');
    const ctx = await stepContext(updatePackages, host, null, { minimums: minimumsFor() });
    const err = await updatePackages.check(ctx).then(() => null, (e: unknown) => e as Error);
    expect(err).toBeInstanceOf(UnknownEvidenceError);
    expect(err?.message).toMatch(/qemu-kvm, libvirt meet the minimums is unknown: could not read the packages of the nova_libvirt container's image \(podman exec nova_libvirt rpm -q: exit status 125\)/);
    // ...and so is verify's packages check.
    const checks = verifyFindings(host.facts(), minimumsFor());
    expect(checks.find((c) => c.check === 'packages')?.status).toBe('unknown');
    // Not gathered at all is unknown too.
    host.image = null;
    expect(verifyFindings(host.facts(), minimumsFor()).find((c) => c.check === 'packages')?.detail).toMatch(/could not read the packages of the nova_libvirt container's image \(rpm -q in the libvirt container: the gather printed no such section\)/);
  });

  it('with image_update_command: host packages by dnf, the image by the command (MDS_HOST set), then re-checked', async () => {
    const flag = join(dir, 'updated');
    const host = containerHost({ installed: imageOld });
    const command = `printf '%s' "$MDS_HOST" > ${flag}`;
    const ctx = await stepContext(updatePackages, host, null, { minimums: minimumsFor(), image_update_command: command });
    // The stand-in for the deployment tool: the image is the fixed one once the command has run.
    const facts = host.facts.bind(host);
    host.facts = () => {
      let ran = false;
      try { ran = readFileSync(flag, 'utf8') === NAME; } catch { /* not yet */ }
      if (ran) host.image = { installed: imageFixed };
      return facts();
    };
    const { first, second } = await converge(updatePackages, ctx);
    expect(kinds(first)).toEqual(['image-update', 'package-update', 'package-update']);
    expect(changesOf(first.changes, 'package-update').map((c) => c.data.name)).toEqual(['microcode_ctl', 'kernel']);
    expect(host.transport.commands.filter((c) => / -y update /.test(c))).toEqual(['dnf -y update microcode_ctl kernel']);
    expect(second.changes).toEqual([]);
    const report = emptyReport();
    updatePackages.report!(first, report, 'run');
    expect(report.packagesBelowMinimum.map((p) => p.name)).toEqual(['microcode_ctl', 'kernel', 'qemu-kvm (nova_libvirt image)', 'libvirt-daemon (nova_libvirt image)']);
  });

  it('a command that leaves the image below the minimum fails the host', async () => {
    const host = containerHost({ installed: imageOld }, 'fixed');
    const ctx = await stepContext(updatePackages, host, null, { minimums: minimumsFor(), image_update_command: 'true' });
    const diff = await updatePackages.check(ctx);
    await expect(updatePackages.apply(ctx, diff)).rejects.toThrow(/image_update_command ran for compute-0\.example\.org, but the nova_libvirt container's image .* is still below the minimum: qemu-kvm/);
    const failing = await stepContext(updatePackages, host, null, { minimums: minimumsFor(), image_update_command: 'echo no registry >&2; exit 3' });
    await expect(updatePackages.apply(failing, await updatePackages.check(failing))).rejects.toThrow(/image_update_command failed for compute-0\.example\.org \(exit 3\): no registry/);
  });

  it('OSP 13: host qemu/libvirt that do not run are neither updated nor counted', async () => {
    const v = VERSIONS.el7;
    const host = new FakeHost({ release: 'el7', stage: 'fixed', installed: { 'qemu-kvm': [v.old['qemu-kvm']!], libvirt: [v.old['libvirt']!] } });
    host.useLayout(LAYOUT_FACTS['tripleo-docker'], DECOY);
    host.image = { installed: { 'qemu-kvm': [v.fixed['qemu-kvm']!], libvirt: [v.fixed['libvirt']!] } };
    const ctx = await stepContext(updatePackages, host, null, { minimums: minimumsFor() });
    const { first } = await converge(updatePackages, ctx);
    expect(first.changes).toEqual([]);
    expect(first.notes).toEqual([expect.stringMatching(/^installed on the host but not running \(libvirt runs in the nova_libvirt container\): qemu-kvm 10:1\.5\.3-160\.el7_6\.1, libvirt 4\.5\.0-10\.el7_6\.7; not updated/)]);
    expect(host.transport.commands.some((c) => /yum|dnf/.test(c))).toBe(false);
    // The other way round: fixed host copies do not make an old image compliant.
    host.state.installed['qemu-kvm'] = [v.fixed['qemu-kvm']!];
    host.image = { installed: { 'qemu-kvm': [v.old['qemu-kvm']!], libvirt: [v.fixed['libvirt']!] } };
    expect(verifyFindings(host.facts(), minimumsFor()).find((c) => c.check === 'packages')).toMatchObject({ status: 'drift', detail: 'below minimum: qemu-kvm (nova_libvirt image) < 1.5.3-160.el7_6.2' });
  });

  it('libvirt-daemon stands for the libvirt meta package where only the daemon is installed (OSA on EL 8)', async () => {
    const host = new FakeHost({ release: 'el8', stage: 'unfixed' });
    host.state.installed['libvirt-daemon'] = host.state.installed['libvirt']!;
    delete host.state.installed['libvirt'];
    host.offers['libvirt-daemon'] = host.offers['libvirt']!;
    host.useLayout(LAYOUT_FACTS.osa);
    const ctx = await stepContext(updatePackages, host, null, { minimums: minimumsFor() });
    const { first, second } = await converge(updatePackages, ctx);
    expect(changesOf(first.changes, 'package-update').map((c) => c.data.name)).toEqual(['microcode_ctl', 'kernel', 'qemu-kvm', 'libvirt-daemon']);
    expect(second.changes).toEqual([]);
    expect(verifyFindings(host.facts(), minimumsFor()).find((c) => c.check === 'packages')).toMatchObject({ status: 'ok' });
  });
});
