// Layout detection as the host runs it: the gather's own sh decides from each layout's probe output, the parser reads the answer.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { LAYOUT_DECIDE_SH, LAYOUT_PRINT_SH, PUPPET_NOVA_CONF } from '../../../src/layout/probe-script.js';
import { parseLayoutSection, type LayoutReading } from '../../../src/layout/parse-layout.js';
import { shq } from '../../../src/transport/shell-quote.js';

interface Probes {
  files?: Partial<Record<'pp' | 'pk' | 'pd' | 'pe' | 'po', boolean>>;
  /** "engine name image status" lines, as the probe keeps what docker/podman ps -a printed. */
  containers?: string[];
  engines?: string;
  units?: string[];
  /** Overrides, as the inventory hands them to the gather: _mo_o_nc, _mo_o_vc, _mo_o_nr, _mo_o_vp; name forces the layout. */
  over?: Partial<Record<'nc' | 'vc' | 'nr' | 'vp', string>> & { name?: string };
}

/** Runs decide + parts + print in sh with the probe variables set as the probe part of the gather would set them. */
function decide(p: Probes): LayoutReading {
  const f = p.files ?? {};
  const yn = (b?: boolean) => (b ? 'yes' : 'no');
  const ee = p.engines ?? ' docker:absent podman:absent';
  const psf = ee.split(' ').filter((x) => x && !/:(read|absent)$/.test(x)).map((x) => `${x.split(':')[0]} ps -a failed (exit ${x.split(':')[1]})`).join(', ');
  const o = p.over ?? {};
  const script = [
    `_mo_pp=${yn(f.pp)}; _mo_pk=${yn(f.pk)}; _mo_pd=${yn(f.pd)}; _mo_pe=${yn(f.pe)}; _mo_po=${yn(f.po)}`,
    `_mo_cs=${shq((p.containers ?? []).join('\n'))}; _mo_ee=${shq(ee)}; _mo_psf=${shq(psf)}; _mo_us=${shq(` ${(p.units ?? []).join(' ')}`)}; _mo_uf=no`,
    `_mo_o_nc=${shq(o.nc ?? '')}; _mo_o_vc=${shq(o.vc ?? '')}; _mo_o_nr=${shq(o.nr ?? '')}; _mo_o_vp=${shq(o.vp ?? '')}`,
    LAYOUT_DECIDE_SH,
    o.name ? `_mo_ln=${o.name}; _mo_lb='mds_layout=${o.name} (inventory)'; _mo_src=inventory` : '_mo_decide; _mo_src=detected',
    '_mo_nc=; _mo_vx=; _mo_px=; _mo_vc=; _mo_vp=; _mo_nr=; _mo_im=',
    '[ -n "$_mo_ln" ] && _mo_parts',
    `(\n${LAYOUT_PRINT_SH}\n)`,
    // The exec prefixes the later sections use, to check virsh and rpm go where the layout says.
    `printf 'x-vx\\t%s\\nx-px\\t%s\\n' "$_mo_vx" "$_mo_px"`,
  ].join('\n');
  const out = execFileSync('sh', ['-c', script], { encoding: 'utf8' });
  return Object.assign(parseLayoutSection(out), { prefixes: Object.fromEntries(out.split('\n').filter((l) => l.startsWith('x-')).map((l) => l.split('\t'))) });
}
const known = (r: LayoutReading) => {
  if (!r.known) throw new Error(`expected a layout, got unknown: ${r.reason}`);
  return r.layout;
};
const prefixes = (r: LayoutReading) => (r as LayoutReading & { prefixes: Record<string, string> }).prefixes;

const OSP13 = ['docker nova_libvirt registry.access.redhat.com/rhosp13/openstack-nova-libvirt:13.0 Up 3 hours', 'docker nova_virtlogd registry.access.redhat.com/rhosp13/openstack-nova-libvirt:13.0 Up 3 hours',
  'docker nova_compute registry.access.redhat.com/rhosp13/openstack-nova-compute:13.0 Up 3 hours'];
const OSP16 = ['podman nova_libvirt registry.redhat.io/rhosp-rhel8/openstack-nova-libvirt:16.2 Up 2 hours ago', 'podman nova_compute registry.redhat.io/rhosp-rhel8/openstack-nova-compute:16.2 Up 2 hours ago'];
const OSP17 = ['podman nova_virtqemud registry.redhat.io/rhosp-rhel9/openstack-nova-libvirt:17.1 Up 2 hours ago', 'podman nova_virtproxyd registry.redhat.io/rhosp-rhel9/openstack-nova-libvirt:17.1 Up 2 hours ago',
  'podman nova_compute registry.redhat.io/rhosp-rhel9/openstack-nova-compute:17.1 Up 2 hours ago'];
const KOLLA = ['docker nova_libvirt quay.io/openstack.kolla/nova-libvirt:2023.1-rocky-9 Up 5 days', 'docker nova_ssh quay.io/openstack.kolla/nova-ssh:2023.1-rocky-9 Up 5 days',
  'docker nova_compute quay.io/openstack.kolla/nova-compute:2023.1-rocky-9 Up 5 days'];

describe('layout detection, per layout', () => {
  it('bare metal: /etc/nova/nova.conf, host virsh, openstack-nova-compute', () => {
    const r = decide({ files: { pe: true }, units: ['openstack-nova-compute'] });
    expect(known(r)).toEqual({ name: 'baremetal', source: 'detected', novaConf: '/etc/nova/nova.conf', virsh: null,
      novaCompute: { kind: 'unit', unit: 'openstack-nova-compute' }, virtPackages: { where: 'host' }, basis: ['/etc/nova/nova.conf', 'unit openstack-nova-compute'] });
    expect(prefixes(r)).toEqual({ 'x-vx': '', 'x-px': '' });
    // Ubuntu and charms name the unit nova-compute.
    expect(known(decide({ files: { pe: true }, units: ['nova-compute'] })).novaCompute).toEqual({ kind: 'unit', unit: 'nova-compute' });
  });

  it('OSP 13 (docker): the puppet-generated nova.conf wins over a stale host one; virsh and rpm in nova_libvirt; docker restarts nova_compute', () => {
    const r = decide({ files: { pp: true, pe: true }, containers: OSP13, engines: ' docker:read podman:absent' });
    expect(known(r)).toMatchObject({ name: 'tripleo-docker', novaConf: PUPPET_NOVA_CONF, virsh: { engine: 'docker', container: 'nova_libvirt' },
      novaCompute: { kind: 'container', engine: 'docker', container: 'nova_compute' },
      virtPackages: { where: 'container', engine: 'docker', container: 'nova_libvirt', image: 'registry.access.redhat.com/rhosp13/openstack-nova-libvirt:13.0' } });
    expect(prefixes(r)).toEqual({ 'x-vx': 'docker exec nova_libvirt', 'x-px': 'docker exec nova_libvirt' });
    expect(r.probes.containers.find((c) => c.name === 'nova_compute')?.status).toBe('Up 3 hours');
  });

  it('OSP 16 (podman): nova_libvirt, tripleo_nova_compute', () => {
    const l = known(decide({ files: { pp: true }, containers: OSP16, engines: ' docker:absent podman:read', units: ['tripleo_nova_compute'] }));
    expect(l).toMatchObject({ name: 'tripleo-podman', virsh: { engine: 'podman', container: 'nova_libvirt' }, novaCompute: { kind: 'unit', unit: 'tripleo_nova_compute' } });
  });

  it('OSP 17 (modular libvirt): virsh in nova_virtqemud', () => {
    const r = decide({ files: { pp: true }, containers: OSP17, engines: ' docker:absent podman:read', units: ['tripleo_nova_compute'] });
    expect(known(r)).toMatchObject({ name: 'tripleo-modular', virsh: { engine: 'podman', container: 'nova_virtqemud' },
      virtPackages: { where: 'container', container: 'nova_virtqemud', image: 'registry.redhat.io/rhosp-rhel9/openstack-nova-libvirt:17.1' } });
    expect(prefixes(r)['x-vx']).toBe('podman exec nova_virtqemud');
  });

  it('Kolla: its nova.conf; the unit when 2023.1+ made one, else docker restart; host libvirt when it has no libvirt container', () => {
    const withUnit = known(decide({ files: { pk: true }, containers: KOLLA, engines: ' docker:read podman:absent', units: ['kolla-nova_compute-container'] }));
    expect(withUnit).toMatchObject({ name: 'kolla', novaConf: '/etc/kolla/nova-compute/nova.conf', virsh: { engine: 'docker', container: 'nova_libvirt' },
      novaCompute: { kind: 'unit', unit: 'kolla-nova_compute-container' } });
    expect(known(decide({ files: { pk: true }, containers: KOLLA, engines: ' docker:read podman:absent' })).novaCompute)
      .toEqual({ kind: 'container', engine: 'docker', container: 'nova_compute' });
    const podman = known(decide({ files: { pk: true }, containers: KOLLA.map((c) => c.replace(/^docker/, 'podman')), engines: ' docker:absent podman:read' }));
    expect(podman.virsh).toEqual({ engine: 'podman', container: 'nova_libvirt' });
    const hostLibvirt = known(decide({ files: { pk: true }, containers: [KOLLA[2]!], engines: ' docker:read podman:absent' }));
    expect(hostLibvirt).toMatchObject({ virsh: null, virtPackages: { where: 'host' } });
  });

  it('OpenStack-Ansible: the venv link; devstack: nova-cpu.conf, devstack@n-cpu', () => {
    expect(known(decide({ files: { pe: true, po: true }, units: ['nova-compute'] }))).toMatchObject({ name: 'osa', novaConf: '/etc/nova/nova.conf',
      novaCompute: { kind: 'unit', unit: 'nova-compute' } });
    expect(known(decide({ files: { pe: true, pd: true }, units: ['devstack@n-cpu'] }))).toMatchObject({ name: 'devstack', novaConf: '/etc/nova/nova-cpu.conf',
      novaCompute: { kind: 'unit', unit: 'devstack@n-cpu' }, basis: ['/etc/nova/nova-cpu.conf', 'unit devstack@n-cpu'] });
  });

  it('a stopped nova_compute container still says which deployment this is (ps -a)', () => {
    const stopped = OSP16.map((c) => c.replace(/Up 2 hours ago$/, 'Exited (1) 5 minutes ago'));
    expect(known(decide({ files: { pp: true }, containers: stopped, engines: ' docker:absent podman:read' })).name).toBe('tripleo-podman');
  });
});

describe('layout detection: contradictory, ambiguous or unreadable probes are unknown, never a guess', () => {
  const unknown = (p: Probes) => {
    const r = decide(p);
    expect(r.known).toBe(false);
    return r.known ? '' : r.reason;
  };
  it('the puppet-generated nova.conf but podman ps fails', () => {
    expect(unknown({ files: { pp: true, pe: true }, engines: ' docker:absent podman:125' })).toBe("TripleO's puppet-generated nova.conf is there, but the containers could not be listed: podman ps -a failed (exit 125)");
  });
  it("Kolla's nova.conf and no nova_compute container", () => {
    expect(unknown({ files: { pk: true }, engines: ' docker:read podman:absent' })).toMatch(/no nova_compute container/);
  });
  it('both TripleO and Kolla config; nova_compute under two engines; a container next to devstack', () => {
    expect(unknown({ files: { pp: true, pk: true }, containers: OSP16, engines: ' docker:absent podman:read' })).toMatch(/both TripleO's .* and Kolla's/);
    expect(unknown({ files: { pp: true }, containers: [...OSP13, ...OSP16], engines: ' docker:read podman:read' })).toMatch(/both docker and podman/);
    expect(unknown({ files: { pd: true }, containers: KOLLA, engines: ' docker:read podman:absent' })).toMatch(/nova-cpu\.conf/);
    expect(unknown({ files: { pd: true, po: true } })).toMatch(/both devstack's/);
  });
  it('a nova_compute container with no container nova.conf; a TripleO unit with no containers seen', () => {
    expect(unknown({ files: { pe: true }, containers: OSP16, engines: ' docker:absent podman:read' })).toMatch(/neither TripleO's .* nor Kolla's/);
    expect(unknown({ files: { pe: true }, engines: ' docker:absent podman:1', units: ['tripleo_nova_compute'] })).toMatch(/unit is loaded.*podman ps -a failed/);
  });
  it('a section that was cut short or names a layout the tool does not know', () => {
    expect(parseLayoutSection('probe\tetc-nova-conf\tyes\n').known).toBe(false);
    const odd = parseLayoutSection('layout\topenshift\nsource\tdetected\nnova-conf\t/etc/nova/nova.conf\nvirsh\thost\nnova-compute\tsystemd:x\nvirt-packages\thost\n');
    expect(odd).toMatchObject({ known: false, reason: expect.stringContaining('openshift') });
    const badVirsh = parseLayoutSection('layout\tkolla\nsource\tdetected\nnova-conf\t/etc/kolla/nova-compute/nova.conf\nvirsh\tlxc:x\nnova-compute\tsystemd:x\nvirt-packages\thost\n');
    expect(badVirsh.known).toBe(false);
  });
  it('nothing of any layout: bare metal by default, so the missing nova.conf reads as absent (and is refused as unknown evidence)', () => {
    expect(known(decide({}))).toMatchObject({ name: 'baremetal', basis: ["no layout's nova.conf found: bare metal by default"] });
  });
});

describe('layout overrides reach the decision', () => {
  it('mds_layout forces the layout; its parts follow it and the probes that exist', () => {
    const r = known(decide({ files: { pe: true }, containers: KOLLA, engines: ' docker:read podman:absent', over: { name: 'kolla' } }));
    expect(r).toMatchObject({ name: 'kolla', source: 'inventory', novaConf: '/etc/kolla/nova-compute/nova.conf', virsh: { engine: 'docker', container: 'nova_libvirt' }, basis: ['mds_layout=kolla (inventory)'] });
  });
  it('each part alone overrides what was detected, and the image follows the virsh container unless set too', () => {
    const r = decide({ files: { pp: true }, containers: OSP17, engines: ' docker:absent podman:read', units: ['tripleo_nova_compute'],
      over: { nc: '/srv/nova.conf', vc: 'podman:nova_virtproxyd', nr: 'podman:nova_compute' } });
    expect(known(r)).toMatchObject({ name: 'tripleo-modular', source: 'detected', novaConf: '/srv/nova.conf', virsh: { engine: 'podman', container: 'nova_virtproxyd' },
      novaCompute: { kind: 'container', engine: 'podman', container: 'nova_compute' }, virtPackages: { where: 'container', container: 'nova_virtproxyd' } });
    expect(known(decide({ files: { pp: true }, containers: OSP16, engines: ' docker:absent podman:read', over: { vp: 'host' } })).virtPackages).toEqual({ where: 'host' });
    expect(prefixes(decide({ files: { pp: true }, containers: OSP16, engines: ' docker:absent podman:read', over: { vc: 'host' } }))).toEqual({ 'x-vx': '', 'x-px': '' });
  });
});
