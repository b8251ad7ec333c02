// End to end (issue 15's Done-when): one run over a lab fleet of every deployment layout mitigates each host the layout's
// way (the nova.conf nova-compute reads, its restart, packages where they run); a container image below the minimum fails
// its host with the deployment tool's update command before any drain or reboot, and after the lab's stand-in a rerun
// finishes it; a sweep is compliant and a later deploy that reverts the flag is drift.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabStateSnapshot as LabState } from '../../src/lab/cloud/index.js';
import { CLI, cli, FAST_PLAYBOOK, sshHost, startLab, type LabHandle } from '../helpers/lab.js';

const BASE = '127.56.0';
const PORT = 2256;
const LONG = 600_000;
const PUPPET = '/var/lib/config-data/puppet-generated/nova_libvirt/etc/nova/nova.conf';

interface Host {
  name: string;
  layout: string;
  dist: 'el7' | 'el8';
  fixed: boolean;
  image_fixed?: boolean;
  novaConf: string;
  /** A host /etc/nova/nova.conf that nova-compute does not read (must stay as it was). */
  decoy: boolean;
  /** What the lab's restarts.log records for the layout's restart of nova-compute. */
  restart: string;
}

// Unfixed hosts go through the whole workflow (update, drain, edit, reboot); fixed ones only need the edit and a restart.
const HOSTS: Host[] = [
  { name: 'u-bm', layout: 'baremetal', dist: 'el7', fixed: false, novaConf: '/etc/nova/nova.conf', decoy: false, restart: 'systemctl restart\topenstack-nova-compute' },
  { name: 'u-osp13', layout: 'tripleo-docker', dist: 'el7', fixed: false, image_fixed: true, novaConf: PUPPET, decoy: true, restart: 'docker restart\tnova_compute' },
  { name: 'u-osp16', layout: 'tripleo-podman', dist: 'el8', fixed: false, image_fixed: true, novaConf: PUPPET, decoy: false, restart: 'systemctl restart\ttripleo_nova_compute' },
  { name: 'u-osp17', layout: 'tripleo-modular', dist: 'el8', fixed: false, image_fixed: true, novaConf: PUPPET, decoy: false, restart: 'systemctl restart\ttripleo_nova_compute' },
  // The one image below the minimum: the host fails before anything is changed on it, until its image is updated.
  { name: 'u-kolla', layout: 'kolla', dist: 'el8', fixed: false, image_fixed: false, novaConf: '/etc/kolla/nova-compute/nova.conf', decoy: false, restart: 'systemctl restart\tkolla-nova_compute-container' },
  { name: 'u-osa', layout: 'osa', dist: 'el8', fixed: false, novaConf: '/etc/nova/nova.conf', decoy: false, restart: 'systemctl restart\tnova-compute' },
  { name: 'u-devstack', layout: 'devstack', dist: 'el7', fixed: false, novaConf: '/etc/nova/nova-cpu.conf', decoy: true, restart: 'systemctl restart\tdevstack@n-cpu' },
  // Below the minimum too, for the playbook's image_update_command (the lab's stand-in run by the tool itself).
  { name: 'u-img', layout: 'tripleo-podman', dist: 'el8', fixed: false, image_fixed: false, novaConf: PUPPET, decoy: false, restart: 'systemctl restart\ttripleo_nova_compute' },
  { name: 'f-osp13', layout: 'tripleo-docker', dist: 'el7', fixed: true, novaConf: PUPPET, decoy: true, restart: 'docker restart\tnova_compute' },
  { name: 'f-osp16', layout: 'tripleo-podman', dist: 'el8', fixed: true, novaConf: PUPPET, decoy: false, restart: 'systemctl restart\ttripleo_nova_compute' },
  { name: 'f-kolla', layout: 'kolla', dist: 'el8', fixed: true, novaConf: '/etc/kolla/nova-compute/nova.conf', decoy: false, restart: 'systemctl restart\tkolla-nova_compute-container' },
  { name: 'f-osa', layout: 'osa', dist: 'el8', fixed: true, novaConf: '/etc/nova/nova.conf', decoy: false, restart: 'systemctl restart\tnova-compute' },
  { name: 'f-devstack', layout: 'devstack', dist: 'el7', fixed: true, novaConf: '/etc/nova/nova-cpu.conf', decoy: true, restart: 'systemctl restart\tdevstack@n-cpu' },
];
const address = (h: Host) => `${BASE}.${HOSTS.indexOf(h) + 1}`;
const byName = (name: string) => HOSTS.find((h) => h.name === name)!;
const novaName = (h: Host) => (h.layout.startsWith('tripleo-') ? `${h.name}.localdomain` : h.name);
const ssh = (h: Host, command: string) => sshHost(lab, address(h), command, PORT);
const stateFile = (h: Host, file: string) => readFileSync(join(lab.dir, 'hosts', h.name, 'state', file), 'utf8');

interface ReportJson {
  summary: { hosts: number; ok: number; changed: number; failed: number; unknown: number; drift: number; guestsNeedingColdBoot: number };
  hosts: { name: string; status: string; error?: string; steps: { id: string; status: string; error?: string }[]; warnings: string[] }[];
}
const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

let lab: LabHandle;
let playbook: string;
let withCommand: string;
/** u-img waits for the run that updates its image with image_update_command. */
const LIMIT = ['-l', 'all:!u-img'];
const before = new Map<string, { conf: string; decoy: string | null; bootId: string }>();

beforeAll(async () => {
  lab = await startLab({
    address_base: `${BASE}.0`, port: PORT, instances: 24,
    hosts: HOSTS.map((h) => ({
      name: h.name, layout: h.layout, dist: h.dist, fixed: h.fixed, boot_delay: '200ms',
      cpu_mode: 'custom', cpu_model: 'IvyBridge', extra_flags: 'spec-ctrl,ssbd',
      ...(h.image_fixed === undefined ? {} : { image_fixed: h.image_fixed }),
    })),
  }, 'layouts-run');
  // TripleO registers nova-compute under the FQDN (nova::host: fqdn_canonical): said in the inventory, as operators do.
  const inv = parse(readFileSync(lab.inventory, 'utf8')) as { all: { children: { compute: { hosts: Record<string, Record<string, unknown>> } } } };
  for (const h of HOSTS) if (novaName(h) !== h.name) inv.all.children.compute.hosts[h.name]!['nova_host'] = novaName(h);
  writeFileSync(lab.inventory, stringify(inv));
  // The test playbook, where one failed host does not stop the others, and guests are cold-booted so their live CPU gets md-clear.
  const pb = parse(readFileSync(FAST_PLAYBOOK, 'utf8')) as Record<string, unknown> & { steps: Record<string, Record<string, unknown>>[] };
  pb['max_fail_percentage'] = 100;
  pb['failure_budget'] = HOSTS.length;
  for (const s of pb.steps) if (s['guests']) s['guests'] = { cold_boot: true, allow: ['*'], timeout: '60s', poll_interval: '250ms' };
  playbook = join(lab.dir, 'layouts-playbook.yaml');
  writeFileSync(playbook, stringify(pb));
  // The same, with the lab's stand-in for the deployment tool's image update as the operator's command.
  for (const st of pb.steps) {
    if (st['update-packages']) st['update-packages']['image_update_command'] = `"${process.execPath}" "${CLI}" lab update-image --dir "${lab.dir}" "$MDS_HOST"`;
  }
  withCommand = join(lab.dir, 'layouts-playbook-image-command.yaml');
  writeFileSync(withCommand, stringify(pb));
  for (const h of HOSTS) {
    before.set(h.name, {
      conf: await ssh(h, `cat ${h.novaConf}`),
      decoy: h.decoy ? await ssh(h, 'cat /etc/nova/nova.conf') : null,
      bootId: (await ssh(h, 'cat /proc/sys/kernel/random/boot_id')).trim(),
    });
  }
}, 240_000);

afterAll(async () => {
  await lab?.down();
});

describe('a fleet of every layout', () => {
  it('one run mitigates every host the layout\'s way; the image below the minimum fails its host before any drain or reboot', async () => {
    const json = join(lab.dir, 'run1.json');
    const r = await cli(['run', playbook, '-i', lab.inventory, ...LIMIT, '--state-dir', lab.stateDir, '-y', '--json', json], { timeoutMs: LONG });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const report = readJson<ReportJson>(json);
    expect(report.hosts.filter((h) => h.status !== 'changed').map((h) => `${h.name} ${h.status}`)).toEqual(['u-kolla failed']);

    // The failed host: told the deployment tool's own update for it, and untouched (still enabled, guests aboard, same boot).
    const kolla = report.hosts.find((h) => h.name === 'u-kolla')!;
    const failedStep = kolla.steps.find((s) => s.status === 'failed');
    expect(failedStep?.id).toBe('update-packages');
    expect(kolla.error ?? failedStep?.error).toMatch(/nova_libvirt container's image .* is below the minimum: qemu-kvm .*kolla-ansible -i <inventory> pull --limit u-kolla; kolla-ansible -i <inventory> deploy-containers --limit u-kolla/);
    const state = await lab.labGet<LabState>('state');
    expect(state.services.find((s) => s.host === 'u-kolla')).toMatchObject({ status: 'enabled', disabledReason: null });
    expect(state.migrations.filter((m) => m.source === 'u-kolla')).toEqual([]);
    expect((await ssh(byName('u-kolla'), 'cat /proc/sys/kernel/random/boot_id')).trim()).toBe(before.get('u-kolla')!.bootId);
    expect(await ssh(byName('u-kolla'), `cat ${byName('u-kolla').novaConf}`)).toBe(before.get('u-kolla')!.conf);
    expect(await ssh(byName('u-kolla'), 'rpm -q kernel')).toBe('kernel-4.18.0-80.el8.x86_64\n');

    for (const h of HOSTS.filter((x) => x.name !== 'u-kolla' && x.name !== 'u-img')) {
      // Mitigated: sysfs says so, libvirt offers md-clear.
      expect(await ssh(h, 'cat /sys/devices/system/cpu/vulnerabilities/mds'), h.name).toMatch(/^Mitigation: Clear CPU buffers/);
      // Only the file nova-compute reads was edited, and nova-compute loaded it.
      const conf = await ssh(h, `cat ${h.novaConf}`);
      expect(conf, h.name).toMatch(/^cpu_model_extra_flags\s*=\s*spec-ctrl,ssbd,md-clear$/m);
      expect(stateFile(h, 'nova-compute.loaded.conf'), h.name).toBe(conf);
      if (h.decoy) expect(await ssh(h, 'cat /etc/nova/nova.conf'), h.name).toBe(before.get(h.name)!.decoy);
      // A fixed host needs no reboot: nova-compute was restarted the layout's way. An unfixed one rebooted instead.
      if (h.fixed) {
        expect(stateFile(h, 'restarts.log'), h.name).toMatch(new RegExp(`^\\d+\\t${h.restart.replace(/[.@]/g, '\\$&')}$`, 'm'));
        expect((await ssh(h, 'cat /proc/sys/kernel/random/boot_id')).trim(), h.name).toBe(before.get(h.name)!.bootId);
      } else {
        expect((await ssh(h, 'cat /proc/sys/kernel/random/boot_id')).trim(), h.name).not.toBe(before.get(h.name)!.bootId);
      }
      // Each report names the knob that keeps md-clear past the deployment tool's next run.
      expect(report.hosts.find((x) => x.name === h.name)!.warnings.join('\n'), h.name).toMatch(/^md-clear is a hand edit of /m);
    }
    // OSP 13's host qemu/libvirt left from OSP 10 do not run: not updated.
    expect(await ssh(byName('u-osp13'), 'rpm -q qemu-kvm-rhev')).toMatch(/^qemu-kvm-rhev-2\.12\.0-18\.el7_6\.3\./);
    expect(await lab.labGet('audit')).toEqual([]);
  }, LONG);

  it('after the lab\'s stand-in for the image update, a rerun finishes the host; the others are left as they are', async () => {
    const up = await cli(['lab', 'update-image', '--dir', lab.dir, 'u-kolla']);
    expect(up.code, up.stderr).toBe(0);
    const json = join(lab.dir, 'run2.json');
    const r = await cli(['run', playbook, '-i', lab.inventory, ...LIMIT, '--state-dir', lab.stateDir, '-y', '--json', json], { timeoutMs: LONG });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const report = readJson<ReportJson>(json);
    expect(report.hosts.find((h) => h.name === 'u-kolla')?.status).toBe('changed');
    expect(report.summary).toMatchObject({ hosts: HOSTS.length - 1, failed: 0, unknown: 0 });
    const kolla = byName('u-kolla');
    expect(await ssh(kolla, 'cat /sys/devices/system/cpu/vulnerabilities/mds')).toMatch(/^Mitigation: Clear CPU buffers/);
    expect(stateFile(kolla, 'nova-compute.loaded.conf')).toMatch(/^cpu_model_extra_flags\s*=\s*spec-ctrl,ssbd,md-clear$/m);
    expect(await lab.labGet('audit')).toEqual([]);
    const state = await lab.labGet<LabState>('state');
    expect(state.services.filter((s) => s.binary === 'nova-compute' && (s.status !== 'enabled' || s.state !== 'up'))).toEqual([]);
  }, LONG);

  it('with image_update_command the run updates the image itself (on the controller, $MDS_HOST), re-checks it and finishes the host', async () => {
    const img = byName('u-img');
    expect(await ssh(img, 'podman exec nova_libvirt rpm -q qemu-kvm')).toMatch(/^qemu-kvm-2\.12\.0-63\./);
    const json = join(lab.dir, 'run-img.json');
    const r = await cli(['run', withCommand, '-i', lab.inventory, '-l', 'u-img', '--state-dir', lab.stateDir, '-y', '--json', json], { timeoutMs: LONG });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(readJson<ReportJson>(json).hosts.map((h) => `${h.name} ${h.status}`)).toEqual(['u-img changed']);
    expect(await ssh(img, 'podman exec nova_libvirt rpm -q qemu-kvm')).toMatch(/^qemu-kvm-2\.12\.0-64\./);
    expect(stateFile(img, 'restarts.log')).toMatch(/\tlab update-image\tnova_compute$/m);
    expect(await ssh(img, 'cat /sys/devices/system/cpu/vulnerabilities/mds')).toMatch(/^Mitigation: Clear CPU buffers/);
    expect(stateFile(img, 'nova-compute.loaded.conf')).toMatch(/^cpu_model_extra_flags\s*=\s*spec-ctrl,ssbd,md-clear$/m);
    expect(await lab.labGet('audit')).toEqual([]);
  }, LONG);

  it('a sweep is compliant, every guest\'s live CPU has md-clear once the stragglers are cold-booted; a deploy that reverts the flag is drift', async () => {
    // Guests that a later host's drain moved onto an already-finished host are cold-booted by a run that changes nothing else.
    const r3 = await cli(['run', playbook, '-i', lab.inventory, '--state-dir', lab.stateDir, '-y'], { timeoutMs: LONG });
    expect(r3.code, r3.stdout + r3.stderr).toBe(0);
    const state = await lab.labGet<LabState>('state');
    expect(state.instances.filter((i) => i.status === 'ACTIVE' && !i.mdClear).map((i) => `${i.name}@${i.host}`)).toEqual([]);

    const json = join(lab.dir, 'sweep.json');
    const sweep = await cli(['sweep', '--playbook', playbook, '-i', lab.inventory, '--state-dir', lab.stateDir, '--json', json]);
    expect(sweep.code, sweep.stdout + sweep.stderr).toBe(0);
    expect(readJson<ReportJson>(json).summary).toMatchObject({ hosts: HOSTS.length, drift: 0, failed: 0, unknown: 0, guestsNeedingColdBoot: 0 });

    // The deployment tool's next run rewrites the file without md-clear: the sweep calls it drift and names the knob.
    const osp16 = byName('f-osp16');
    await ssh(osp16, `sed -i 's/^cpu_model_extra_flags = spec-ctrl,ssbd,md-clear$/cpu_model_extra_flags = spec-ctrl,ssbd/' ${osp16.novaConf}`);
    const json2 = join(lab.dir, 'sweep2.json');
    const drift = await cli(['sweep', '--playbook', playbook, '-i', lab.inventory, '--state-dir', lab.stateDir, '--json', json2]);
    expect(drift.code, drift.stdout + drift.stderr).toBe(2);
    const host = readJson<ReportJson & { hosts: { name: string; status: string; checks: { name: string; ok: boolean; detail: string }[] }[] }>(json2).hosts.find((h) => h.name === 'f-osp16')!;
    expect(host.status).toBe('drift');
    const check = host.checks.find((c) => c.name === 'nova-conf');
    expect(check?.ok).toBe(false);
    expect(check?.detail.startsWith(`cpu_model_extra_flags = spec-ctrl,ssbd in ${PUPPET} (note: `)).toBe(true);
    expect(check?.detail).toContain('set NovaLibvirtCPUModelExtraFlags');
    expect(await lab.labGet('audit')).toEqual([]);
  }, LONG);
});
