// The deployment tool's own setting that keeps md-clear in nova.conf past its next run, with the snippet for a host's flags.
// Sources: tripleo-heat-templates (NovaLibvirtCPUModelExtraFlags, ComputeExtraConfig), puppet-nova (nova::compute::libvirt),
// kolla-ansible (node_custom_config /etc/kolla/config), openstack-ansible-os_nova (nova_nova_conf_overrides), devstack (local.conf).
import type { LayoutName } from './names.js';

/** What makes the hand edit durable on one layout. Pure data, shown in the plan and the reports. */
export interface DurableKnob {
  /** Who writes nova.conf on this layout (and so reverts a hand edit at its next run). */
  owner: string;
  /** The setting, by the owner's name for it. */
  knob: string;
  /** Where the snippet goes. */
  file: string;
  snippet: string;
  /** What makes the owner apply it (its next run, limited to the host where it can be). */
  apply: string;
}

/** The list as it should stay: the host's current flags as written, plus the flag when the list does not enable it yet. */
export function flagsWith(current: readonly string[], flag: string): string[] {
  const enabled = current.some((f) => f.replace(/^\+/, '').toLowerCase() === flag.toLowerCase());
  return enabled ? [...current] : [...current, flag];
}

/**
 * The knob for a layout, the host's flags (current plus md-clear, see flagsWith) and its inventory name. Bare metal is
 * RHOSP 10 in this tool's model (TripleO without containers); a host that no deployment tool manages can ignore it.
 */
export function durableKnob(layout: LayoutName, flags: readonly string[], host: string): DurableKnob {
  const list = flags.join(',');
  const tripleoApply = 'openstack overcloud deploy with your usual templates and environment files plus this one';
  switch (layout) {
    case 'baremetal':
      // Newton's puppet-nova has no class parameter for extra flags: the raw nova_config resource sets it.
      return {
        owner: 'TripleO (RHOSP 10), if it deployed this host',
        knob: 'NovaComputeExtraConfig: nova::config::nova_config (libvirt/cpu_model_extra_flags)',
        file: 'an environment file passed to openstack overcloud deploy',
        snippet: ['parameter_defaults:', '  NovaComputeExtraConfig:', '    nova::config::nova_config:', '      libvirt/cpu_model_extra_flags:', `        value: '${list}'`].join('\n'),
        apply: tripleoApply,
      };
    case 'tripleo-docker':
      return {
        owner: 'TripleO (RHOSP 13, puppet-generated config)',
        knob: 'ComputeExtraConfig: nova::compute::libvirt::libvirt_cpu_model_extra_flags (hieradata)',
        file: 'an environment file passed to openstack overcloud deploy (and to openstack overcloud update prepare)',
        snippet: ['parameter_defaults:', '  ComputeExtraConfig:', `    nova::compute::libvirt::libvirt_cpu_model_extra_flags: '${list}'`].join('\n'),
        apply: tripleoApply,
      };
    case 'tripleo-podman':
    case 'tripleo-modular':
      return {
        owner: `TripleO (RHOSP ${layout === 'tripleo-podman' ? '16' : '17'}, puppet-generated config)`,
        knob: 'NovaLibvirtCPUModelExtraFlags (a role parameter; ComputeParameters for the default Compute role)',
        file: 'an environment file passed to openstack overcloud deploy',
        snippet: ['parameter_defaults:', '  ComputeParameters:', `    NovaLibvirtCPUModelExtraFlags: '${list}'`].join('\n'),
        apply: tripleoApply,
      };
    case 'kolla':
      return {
        owner: 'Kolla-Ansible (copies /etc/kolla/nova-compute/nova.conf in at every container start, rewrites it at every deploy)',
        knob: 'a nova-compute config override merged into the generated nova.conf',
        file: `/etc/kolla/config/nova/nova-compute.conf on the deployment host (or /etc/kolla/config/nova/${host}/nova.conf for this host alone)`,
        snippet: ['[libvirt]', `cpu_model_extra_flags = ${list}`].join('\n'),
        apply: `kolla-ansible -i <inventory> reconfigure --limit ${host} --tags nova`,
      };
    case 'osa':
      return {
        owner: 'OpenStack-Ansible (os_nova role renders nova.conf)',
        knob: 'nova_nova_conf_overrides',
        file: '/etc/openstack_deploy/user_variables.yml on the deployment host',
        snippet: ['nova_nova_conf_overrides:', '  libvirt:', `    cpu_model_extra_flags: ${list}`].join('\n'),
        apply: `openstack-ansible os-nova-install.yml --limit ${host} --tags nova-config`,
      };
    case 'devstack':
      return {
        owner: 'devstack (stack.sh writes /etc/nova/nova-cpu.conf)',
        knob: 'a post-config section for $NOVA_CPU_CONF in local.conf',
        file: 'local.conf in the devstack directory',
        snippet: ['[[post-config|$NOVA_CPU_CONF]]', '[libvirt]', `cpu_model_extra_flags = ${list}`].join('\n'),
        apply: 'the next ./stack.sh',
      };
  }
}

/**
 * One paragraph for the plan and the reports; the snippet indented as a block under the note (the exact text, without the
 * indent, is the durable-config finding's in the JSON report).
 */
export function describeKnob(k: DurableKnob, novaConf: string): string {
  const block = k.snippet.split('\n').map((l) => `      ${l}`).join('\n');
  return `${k.owner} rewrites ${novaConf} on its next run and would take md-clear out again; to keep it, set ${k.knob} in ${k.file}:\n${block}\n    then ${k.apply}`;
}
