// The whole gather script with a layout: sh runs it with stub docker/podman/systemctl first on PATH, so virsh and rpm must go into the container.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGatherCommand, type GatherOptions } from '../../../src/facts/gather-command.js';
import { parseGatherReport } from '../../../src/facts/parse-gather.js';

let dir: string;
let calls: string;
const DOMCAPS = "<domainCapabilities><cpu><mode name='host-model' supported='yes'><feature policy='require' name='md-clear'/></mode></cpu></domainCapabilities>";

function stub(name: string, body: string): void {
  const file = join(dir, 'bin', name);
  writeFileSync(file, `#!/bin/sh\necho "${name} $*" >> ${calls}\n${body}\n`);
  chmodSync(file, 0o755);
}

function gather(opts: Partial<GatherOptions>) {
  writeFileSync(calls, '');
  const out = execFileSync('sh', ['-c', buildGatherCommand({ packages: ['kernel', 'qemu-kvm', 'libvirt-daemon', 'libvirt'], virshTimeoutSec: 0, ...opts })], {
    env: { PATH: `${join(dir, 'bin')}:/usr/bin:/bin` }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'],
  });
  return { report: parseGatherReport(out), calls: readFileSync(calls, 'utf8').split('\n').filter(Boolean) };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mds-gather-layout-'));
  mkdirSync(join(dir, 'bin'));
  calls = join(dir, 'calls.log');
  // A Kolla host on podman: ps -a lists the containers; exec reaches nova_libvirt's virsh and the image's rpm.
  stub('podman', [
    'case "$1" in',
    "  ps) printf 'nova_libvirt quay.io/openstack.kolla/nova-libvirt:2023.1-rocky-9 Up 5 days\\nnova_compute quay.io/openstack.kolla/nova-compute:2023.1-rocky-9 Up 5 days\\n' ;;",
    '  exec) shift; c=$1; shift',
    '    case "$c:$1" in',
    `      nova_libvirt:virsh) case "$*" in *domcapabilities*) printf "%s\\n" "${DOMCAPS}" ;; *list*) : ;; esac ;;`,
    "      nova_libvirt:rpm) printf 'qemu-kvm\\t15\\t6.2.0\\t11.el9\\tx86_64\\nlibvirt-daemon\\t(none)\\t8.0.0\\t10.el9\\tx86_64\\npackage libvirt is not installed\\n'; exit 1 ;;",
    '      *) exit 127 ;;',
    '    esac ;;',
    'esac',
  ].join('\n'));
  stub('systemctl', 'case "$*" in *kolla-nova_compute-container*) echo LoadState=loaded ;; *) echo LoadState=not-found ;; esac');
  stub('rpm', "printf 'kernel\\t(none)\\t5.14.0\\t70.el9\\tx86_64\\n'; exit 3");
  stub('virsh', 'echo "host virsh must not be used" >&2; exit 1');
  writeFileSync(join(dir, 'nova.conf'), '[libvirt]\ncpu_mode = host-model\n');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the gather with a containerised layout', () => {
  it('runs virsh and rpm inside the libvirt container, reads nova.conf at the layout\'s path, records the image packages', () => {
    const { report, calls: c } = gather({ layout: { name: 'kolla', novaConf: join(dir, 'nova.conf'), basis: ['mds_layout=kolla (inventory test)'] } });
    const f = report.facts;
    expect(f.layout).toMatchObject({ name: 'kolla', source: 'inventory', virsh: { engine: 'podman', container: 'nova_libvirt' },
      novaCompute: { kind: 'unit', unit: 'kolla-nova_compute-container' },
      virtPackages: { where: 'container', engine: 'podman', container: 'nova_libvirt', image: 'quay.io/openstack.kolla/nova-libvirt:2023.1-rocky-9' } });
    expect(f.layout!.basis).toContain('mds_layout=kolla (inventory test)');
    expect(c.filter((l) => l.startsWith('virsh '))).toEqual([]);
    expect(c).toContain('podman exec nova_libvirt virsh -c qemu:///system domcapabilities');
    expect(c.some((l) => l.startsWith('podman exec nova_libvirt rpm -q --qf'))).toBe(true);
    expect(f.evidence.domcaps).toEqual({ state: 'read' });
    expect(f.domcaps?.hostModel?.features.map((x) => x.name)).toEqual(['md-clear']);
    expect(f.novaConfPath).toBe(join(dir, 'nova.conf'));
    expect(f.novaLibvirt.cpuMode).toBe('host-model');
    // The image: qemu-kvm and libvirt-daemon installed, no libvirt meta package; host packages stay the host's.
    expect(f.evidence['image-rpm']).toEqual({ state: 'read' });
    expect(f.imagePackages).toEqual({
      'qemu-kvm': [{ name: 'qemu-kvm', epoch: '15', version: '6.2.0', release: '11.el9', arch: 'x86_64' }],
      'libvirt-daemon': [{ name: 'libvirt-daemon', epoch: null, version: '8.0.0', release: '10.el9', arch: 'x86_64' }],
      libvirt: [],
    });
    expect(f.packages['kernel']).toHaveLength(1);
  });

  it('an image rpm that does not answer every package is unreadable, never "not installed"', () => {
    stub('podman', [
      'case "$1" in',
      "  ps) printf 'nova_libvirt img Up 5 days\\nnova_compute img Up 5 days\\n' ;;",
      '  exec) echo "Error: can only create exec sessions on running containers: container state improper" >&2; exit 3 ;;',
      'esac',
    ].join('\n'));
    const f = gather({ layout: { name: 'kolla', basis: [] } }).report.facts;
    expect(f.evidence['image-rpm']).toEqual({ state: 'unreadable', reason: 'rpm -q in the libvirt container: exit status 3' });
    expect(f.imagePackages).toEqual({});
    expect(f.evidence.domcaps.state).toBe('unreadable');
  });

  it("RHEL's podman-docker: docker listing podman's containers is a front, not a second engine", () => {
    const ps = "case \"$1\" in ps) printf 'nova_libvirt img Up 5 days\\nnova_compute img Up 5 days\\n' ;; *) exit 1 ;; esac";
    stub('podman', ps);
    stub('docker', ps);
    try {
      const f = gather({ layout: { name: 'kolla', basis: [] } }).report.facts;
      expect(f.layout?.virsh).toEqual({ engine: 'podman', container: 'nova_libvirt' });
      expect(f.layout?.novaCompute).toEqual({ kind: 'unit', unit: 'kolla-nova_compute-container' });
    } finally {
      rmSync(join(dir, 'bin', 'docker'));
    }
  });

  it('podman missing on a host forced to a podman layout: virsh sections say the engine is not there', () => {
    rmSync(join(dir, 'bin', 'podman'));
    const f = gather({ layout: { name: 'tripleo-podman', basis: [] } }).report.facts;
    expect(f.layout?.virsh).toEqual({ engine: 'podman', container: 'nova_libvirt' });
    expect(f.evidence.domcaps).toEqual({ state: 'unreadable', reason: 'virsh domcapabilities: command not found' });
    expect(f.evidence['image-rpm']).toEqual({ state: 'unreadable', reason: 'rpm -q in the libvirt container: command not found' });
  });
});
