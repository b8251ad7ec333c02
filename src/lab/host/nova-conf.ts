// nova.conf of a fake host (written like an installer leaves it) and the reading of its [libvirt] CPU settings.
import type { FakeHostSpec, NovaCpuSpec } from './spec.js';

function libvirtSection(n: NovaCpuSpec): string[] {
  const out = [
    '[libvirt]',
    '',
    '#',
    '# From nova.conf',
    '#',
    '',
    '# Describes the virtualization type (or so called domain type) libvirt should',
    '# use. (string value)',
    '# Possible values: kvm, lxc, qemu, uml, xen, parallels',
    'virt_type=kvm',
    '',
    '# Is used to set the CPU mode an instance should have. If virt_type="kvm|qemu",',
    '# it will default to "host-model", otherwise it will default to "none".',
    '# (string value)',
    '# Possible values: host-model, host-passthrough, custom, none',
  ];
  out.push(n.cpuMode === 'unset' ? '#cpu_mode=<None>' : `cpu_mode=${n.cpuMode}`, '');
  const models = n.cpuModels ?? (n.cpuModel === undefined ? [] : [n.cpuModel]);
  if (n.cpuMode === 'custom' && n.cpuModels !== undefined) {
    out.push('# An ordered list of CPU models the host supports. (list value)', '# Deprecated group/name - [libvirt]/cpu_model',
      `cpu_models=${models.join(',')}`, '');
  } else {
    out.push('# Set the name of the libvirt CPU model the instance should use. (string value)',
      n.cpuMode === 'custom' ? `cpu_model=${models[0] ?? ''}` : '#cpu_model=<None>', '');
  }
  out.push(
    '# This allows specifying granular CPU feature flags when configuring CPU',
    '# models. For example, to explicitly specify the "pcid" (an Intel processor',
    '# feature) flag to the "IvyBridge" virtual CPU model:',
    '#     [libvirt]',
    '#     cpu_mode = custom',
    '#     cpu_model = IvyBridge',
    '#     cpu_model_extra_flags = pcid',
    '# (list value)',
    n.extraFlags === undefined ? '#cpu_model_extra_flags =' : `cpu_model_extra_flags = ${n.extraFlags}`,
    '',
    'inject_password=False',
    'inject_key=False',
    'inject_partition=-2',
    'live_migration_uri=qemu+ssh://nova_migration@%s:2022/system?keyfile=/etc/nova/migration/identity',
    'live_migration_tunnelled=False',
    'live_migration_permit_auto_converge=True',
    'disk_cachemodes=network=writeback',
    'hw_machine_type=x86_64=pc-i440fx-rhel7.6.0',
    '',
  );
  return out;
}

export function renderNovaConf(spec: Pick<FakeHostSpec, 'name' | 'nova'>): string {
  return [
    '[DEFAULT]',
    '',
    '#',
    '# From nova.conf',
    '#',
    '',
    `host=${spec.name}`,
    'compute_driver=libvirt.LibvirtDriver',
    'allow_resize_to_same_host=False',
    'reserved_host_memory_mb=4096',
    'cpu_allocation_ratio=4.0',
    'ram_allocation_ratio=1.0',
    '# Whether to start guests that were running before the host rebooted. (boolean',
    '# value)',
    'resume_guests_state_on_host_boot=False',
    'instance_usage_audit=True',
    'instance_usage_audit_period=hour',
    'debug=False',
    'log_dir=/var/log/nova',
    'transport_url=rabbit://guest@overcloud-controller-0.internalapi.localdomain:5672/?ssl=0',
    '',
    '[api_database]',
    '',
    '[cinder]',
    'catalog_info=volumev3:cinderv3:internalURL',
    'os_region_name=regionOne',
    '',
    '[compute]',
    '#cpu_shared_set=<None>',
    '',
    '[glance]',
    'api_servers=http://172.17.1.10:9292',
    '',
    ...libvirtSection(spec.nova),
    '[placement]',
    'auth_type=password',
    'auth_url=http://172.17.1.10:5000',
    'project_name=service',
    'username=placement',
    'os_region_name=regionOne',
    '',
    '[vnc]',
    'enabled=True',
    'server_listen=172.17.1.21',
    'novncproxy_base_url=https://overcloud.example.com:13080/vnc_auto.html',
    '',
    '[workarounds]',
    '#skip_cpu_compare_on_dest=false',
    '',
  ].join('\n');
}

export interface LoadedCpuConfig {
  cpuMode: string | null;
  extraFlags: string[];
}

/** The [libvirt] CPU keys as oslo.config reads them: comments ignored, the last assignment wins. */
export function readLibvirtCpu(text: string): LoadedCpuConfig {
  let section = '';
  let cpuMode: string | null = null;
  let flags = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const sec = /^\[([^\]]+)\]$/.exec(line);
    if (sec) { section = sec[1]!.trim().toLowerCase(); continue; }
    if (section !== 'libvirt') continue;
    const kv = /^([^=:\s]+)\s*[=:]\s*(.*)$/.exec(line);
    if (!kv) continue;
    const key = kv[1]!.toLowerCase();
    const value = kv[2]!.trim();
    if (key === 'cpu_mode') cpuMode = value === '' ? null : value.toLowerCase();
    else if (key === 'cpu_model_extra_flags') flags = value;
  }
  return { cpuMode, extraFlags: flags.split(',').map((f) => f.trim().toLowerCase()).filter((f) => f !== '') };
}

/** Would nova-compute, with this configuration, give a new guest md-clear (provided the host offers it)? */
export function configPassesMdClear(cfg: LoadedCpuConfig): boolean {
  switch (cfg.cpuMode) {
    case null:
    case 'host-model':
    case 'host-passthrough':
      return true;
    case 'custom':
      return cfg.extraFlags.some((f) => f === 'md-clear' || f === '+md-clear');
    default:
      return false;
  }
}
