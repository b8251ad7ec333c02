// Whether guests get md-clear: libvirt's host-model offer combined with nova's [libvirt] CPU settings.
import type { DomCapabilities, NovaLibvirtConfig } from './types.js';

const MD_CLEAR = 'md-clear';

/** libvirt's host-model requires md-clear: QEMU, libvirt, kernel and microcode all know the flag on this host. */
export function hostModelHasMdClear(domcaps: DomCapabilities): boolean {
  return domcaps.hostModel?.features.some((f) => f.name === MD_CLEAR && (f.policy === 'require' || f.policy === 'force')) ?? false;
}

/**
 * The CPU mode nova uses (nova/virt/libvirt/driver.py _get_guest_cpu_model_config): cpu_mode as set, else
 * 'host-model' for virt_type kvm/qemu (kvm is the default virt_type) — 'host-passthrough' on aarch64 — else 'none'.
 */
export function effectiveCpuMode(nova: NovaLibvirtConfig, arch = 'x86_64'): string {
  if (nova.cpuMode !== null) return nova.cpuMode.toLowerCase();
  const virtType = (nova.virtType ?? 'kvm').toLowerCase();
  if (virtType !== 'kvm' && virtType !== 'qemu') return 'none';
  return arch === 'aarch64' ? 'host-passthrough' : 'host-model';
}

/** How cpu_model_extra_flags treats md-clear: nova lower-cases the flags; '-flag' disables, '+flag' or 'flag' enables. */
export function extraFlagSetting(nova: NovaLibvirtConfig, flag = MD_CLEAR): 'enabled' | 'disabled' | 'unset' {
  const flags = nova.extraFlags.map((f) => f.trim().toLowerCase());
  // nova lstrip()s every leading '-': '--md-clear' disables too. Disabling wins when both are written.
  if (flags.some((f) => f.startsWith('-') && f.replace(/^-+/, '') === flag)) return 'disabled';
  if (flags.some((f) => f.replace(/^\+*/, '') === flag)) return 'enabled';
  return 'unset';
}

/**
 * Whether a guest started now gets md-clear. The host must offer it (host-model requires it in domcapabilities:
 * a custom model asking for a flag the host lacks makes nova-compute refuse to start), and then:
 * host-model / host-passthrough pass it through unless cpu_model_extra_flags disables it;
 * custom needs it in cpu_model_extra_flags; none never has it.
 */
export function mdClearExposed(nova: NovaLibvirtConfig, domcaps: DomCapabilities, arch = 'x86_64'): boolean {
  if (!hostModelHasMdClear(domcaps)) return false;
  const setting = extraFlagSetting(nova);
  switch (effectiveCpuMode(nova, arch)) {
    case 'host-model':
      return setting !== 'disabled';
    case 'host-passthrough':
      return domcaps.hostPassthroughSupported && setting !== 'disabled';
    case 'custom':
      return setting === 'enabled';
    default:
      return false;
  }
}
