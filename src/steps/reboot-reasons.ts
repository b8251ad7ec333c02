// Why a host needs a reboot, from its facts alone: the same answer for plan, run, sweep and drain.
import type { HostFacts } from '../facts/types.js';
import { hostModelHasMdClear } from '../facts/index.js';
import { formatEvr } from '../rpm/index.js';
import { packageRules } from './package-rules.js';

export interface RebootReason {
  code: 'kernel' | 'microcode' | 'config' | 'libvirt';
  message: string;
}

/**
 * The reasons, empty when none. `restartPending` says nova.conf changed since this boot (host marker).
 * Each reason is a fact a person can check on the host; none is a guess.
 */
export function rebootReasons(facts: HostFacts, restartPending: boolean): RebootReason[] {
  const reasons: RebootReason[] = [];
  const kernels = facts.packages['kernel'] ?? [];
  const rules = packageRules(facts);
  if (kernels.length) {
    const newest = rules.newest(kernels);
    const running = rules.runningKernel(facts.kernelRunning);
    if (running && rules.compare(newest, running) > 0) {
      reasons.push({ code: 'kernel', message: `running kernel ${facts.kernelRunning} is older than the newest installed kernel ${formatEvr(newest)}` });
    }
  }
  if (facts.mds.kind === 'no-microcode') {
    reasons.push({ code: 'microcode', message: `microcode is not loaded: sysfs mds says "${facts.sysfs.mds?.trim()}"` });
  }
  if (restartPending) {
    reasons.push({ code: 'config', message: 'nova.conf was changed and nova-compute has not restarted since' });
  }
  // On Intel, a host whose mitigation is active but whose libvirt does not offer md-clear runs an old qemu/libvirt.
  if (facts.cpu.vendor === 'intel' && facts.mds.kind === 'mitigated' && facts.domcaps && !hostModelHasMdClear(facts.domcaps)) {
    reasons.push({ code: 'libvirt', message: 'libvirt does not offer md-clear in host-model yet (qemu/libvirt updated since boot)' });
  }
  return reasons;
}
