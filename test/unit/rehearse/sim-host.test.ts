// The simulated host answers the product's own gather script, yum and reboots so the product's own parsers read it right.
import { describe, expect, it } from 'vitest';
import { buildGatherCommand, parseGatherReport } from '../../../src/facts/index.js';
import { labConfig } from '../../../src/lab/lab-config.js';
import { Durations, LAB_DURATIONS } from '../../../src/rehearse/durations.js';
import { hostSpecsFromLabConfig } from '../../../src/rehearse/lab-model.js';
import { SimHost, type HostLifecycle } from '../../../src/rehearse/sim-host.js';
import { parseCheckUpdate } from '../../../src/steps/yum-output.js';

const instant = new Durations({ ...LAB_DURATIONS, packageUpdateMs: 0, checkUpdateMs: 0, gatherMs: 0, commandMs: 0, connectMs: 0, apiMs: 0, serviceRestartMs: 0, bootMs: 0, spread: 0 });
const PACKAGES = ['kernel', 'microcode_ctl', 'libvirt', 'qemu-kvm', 'qemu-kvm-rhev'];

function host(entry: Record<string, unknown>, life: Partial<HostLifecycle> = {}): SimHost {
  const lab = labConfig.parse({ hosts: [{ name: 'compute01', ...entry }] });
  return new SimHost(hostSpecsFromLabConfig(lab)[0]!, instant, { rebooting: () => {}, booted: () => {}, guests: () => [], ...life });
}

async function facts(h: SimHost) {
  const out = await h.exec(buildGatherCommand({ packages: PACKAGES, novaConfPath: '/etc/nova/nova.conf' }), {});
  return parseGatherReport(out.stdout ?? '');
}

describe('SimHost', () => {
  it('prints a gather the real parser reads without a problem: an unfixed el7 Intel host', async () => {
    const r = await facts(host({ dist: 'el7', cpu: 'intel', cpu_mode: 'custom', cpu_model: 'IvyBridge', extra_flags: 'spec-ctrl,ssbd' }));
    expect(r.problems).toEqual([]);
    expect(r.facts.os.dist).toBe('el7');
    expect(r.facts.kernelRunning).toBe('3.10.0-957.10.1.el7.x86_64');
    expect(r.facts.packages['kernel']).toHaveLength(2);
    expect(r.facts.packages['qemu-kvm']).toEqual([]);
    expect(r.facts.mds.kind).not.toBe('mitigated');
    expect(r.facts.cpu).toEqual({ vendor: 'intel', mdClearFlag: false });
    expect(r.facts.novaLibvirt.cpuMode).toBe('custom');
    expect(r.facts.novaLibvirt.extraFlags).toEqual(['spec-ctrl', 'ssbd']);
    expect(r.facts.domcaps?.hostModel?.features.some((f) => f.name === 'md-clear')).toBe(false);
  });

  it('a fixed host reads as mitigated, with its guests and their md-clear', async () => {
    const h = host({ dist: 'el8', fixed: true }, {
      guests: () => [{ uuid: '0e8f5c1a-1111-4222-8333-444455556666', name: 'instance-00000001', state: 'running', mdClear: true }],
    });
    const r = await facts(h);
    expect(r.problems).toEqual([]);
    expect(r.facts.mds.kind).toBe('mitigated');
    expect(r.facts.dmesgMds.some((l) => l.includes('MDS: Mitigation: Clear CPU buffers'))).toBe(true);
    expect(r.facts.guests).toEqual([{ uuid: '0e8f5c1a-1111-4222-8333-444455556666', name: 'instance-00000001', state: 'running', mdClear: true }]);
  });

  it('check-update offers the fixed builds, update installs them, and only a reboot makes them run', async () => {
    let rebooting = 0;
    let booted = 0;
    const h = host({ dist: 'el7' }, { rebooting: () => { rebooting++; }, booted: () => { booted++; } });
    const offers = await h.exec('yum -q check-update kernel microcode_ctl qemu-kvm-rhev libvirt', {});
    expect(offers.code).toBe(100);
    expect(parseCheckUpdate(offers.stdout ?? '').map((o) => o.name).sort()).toEqual(['kernel', 'libvirt', 'microcode_ctl', 'qemu-kvm-rhev']);
    expect((await h.exec('yum -y update kernel microcode_ctl qemu-kvm-rhev libvirt', {})).code ?? 0).toBe(0);
    expect((await h.exec('yum -q check-update kernel', {})).code).toBe(0);
    const before = (await facts(h)).facts;
    expect(before.kernelRunning).toBe('3.10.0-957.10.1.el7.x86_64');

    const bootId = before.bootId;
    await h.exec("nohup sh -c 'sleep 0; systemctl reboot || reboot' >/dev/null 2>&1 </dev/null &", {});
    expect(h.power).toBe('going-down');
    await new Promise((r) => setTimeout(r, 20));
    expect([rebooting, booted, h.power]).toEqual([1, 1, 'up']);
    const after = (await facts(h)).facts;
    expect(after.bootId).not.toBe(bootId);
    expect(after.kernelRunning).toBe('3.10.0-957.12.2.el7.x86_64');
    expect(after.mds.kind).toBe('mitigated');
  });

  it('writes nova.conf as Transport.writeFile does (the first write keeps a backup) and only a restart makes nova-compute load it', async () => {
    const h = host({ cpu_mode: 'custom', cpu_model: 'IvyBridge' });
    const original = h.novaConf;
    const edited = `${original}\n# edited\n`;
    expect(h.writeFile('/etc/nova/nova.conf', edited, '.mds-orchestrate.bak')).toBe(true);
    expect(h.writeFile('/etc/nova/nova.conf', `${edited}# again\n`, '.mds-orchestrate.bak')).toBe(true);
    expect(h.novaConf).toBe(`${edited}# again\n`);
    expect(h.readFile('/etc/nova/nova.conf.mds-orchestrate.bak')?.toString()).toBe(original);
    expect(h.loadedNovaConf).toBe(original);
    await h.exec('systemctl restart openstack-nova-compute', {});
    expect(h.loadedNovaConf).toBe(`${edited}# again\n`);
    // A file the model does not hold is refused, not silently accepted.
    expect(h.writeFile('/etc/hosts', 'x', undefined)).toBe(false);
  });

  it('answers the gather as root with every section read, and the kernel log as the script walks it', async () => {
    const intel = await facts(host({ dist: 'el8', fixed: true }));
    expect(intel.facts.privilege).toEqual({ uid: 0, user: 'root' });
    // A simulated host is bare metal and RHEL-like: qemu/libvirt are host packages, so the image's rpm is absent, not unread,
    // and it has no dpkg-query, which reads as absent (not unreadable) on RHEL.
    expect(Object.entries(intel.facts.evidence).filter(([k, p]) => p.state !== 'read' && k !== 'dpkg')).toEqual([['image-rpm', { state: 'absent', reason: 'qemu/libvirt are host packages in this layout' }]]);
    expect(intel.facts.evidence.dpkg.state).toBe('absent');
    expect(intel.facts.layout).toMatchObject({ name: 'baremetal', novaConf: '/etc/nova/nova.conf', virsh: null, virtPackages: { where: 'host' } });
    // The agent asked in the gather, as the lab's systemctl answers it, and as the same host answers the separate exec.
    const h = host({ dist: 'el8', fixed: true });
    expect((await facts(h)).facts.novaComputeAgent).toEqual({ agent: { kind: 'unit', unit: 'openstack-nova-compute' }, state: 'active', detail: 'active' });
    expect(await h.exec('systemctl is-active openstack-nova-compute', {})).toEqual({ code: 0, stdout: 'active\n' });
    // dmesg has the MDS: line, so the script stops there; the ring still starts at the boot.
    expect(intel.facts.kernelLog.tried.map((t) => t.source)).toEqual(['dmesg']);
    expect(intel.facts.kernelLog).toMatchObject({ mdsSource: 'dmesg', ringWrapped: false });
    // An AMD kernel prints no MDS: line: the script goes on to the journal, then /var/log/dmesg, which a lab host lacks.
    const amd = await facts(host({ dist: 'el8', cpu: 'amd' }));
    expect(amd.facts.kernelLog.tried.map((t) => [t.source, t.provenance.state])).toEqual([['dmesg', 'read'], ['journal', 'read'], ['var-log-dmesg', 'absent']]);
    expect(amd.facts.kernelLog.mdsSource).toBeNull();
    expect(amd.facts.evidence['kernel-log'].state).toBe('read');
  });

  it('models the wrapped ring buffer and rotated journal (fault dmesg_wrapped): no log has the MDS: line', async () => {
    const r = await facts(host({ dist: 'el8', fixed: true, faults: { dmesg_wrapped: true } }));
    expect(r.facts.kernelLog).toMatchObject({ mdsSource: null, ringWrapped: true });
    expect(r.facts.dmesgMds).toEqual([]);
  });

  it('fails a command it does not model instead of pretending it ran', async () => {
    const res = await host({}).exec('rm -rf /var/lib/nova', {});
    expect(res.code).toBe(127);
    expect(res.stderr).toMatch(/does not model/);
  });

  it('models the lab faults: a broken repository fails yum', async () => {
    const res = await host({ faults: { yum_fails: true } }).exec('yum -y update kernel', {});
    expect(res.code).toBe(1);
  });
});
