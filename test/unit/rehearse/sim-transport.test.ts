// The transport to a simulated host: refused while the host is down (after the SSH transport's retries), cut by a reboot.
import { describe, expect, it } from 'vitest';
import { labConfig } from '../../../src/lab/lab-config.js';
import { Durations, LAB_DURATIONS } from '../../../src/rehearse/durations.js';
import { hostSpecsFromLabConfig } from '../../../src/rehearse/lab-model.js';
import { SimHost } from '../../../src/rehearse/sim-host.js';
import { SimTransport } from '../../../src/rehearse/sim-transport.js';
import { VirtualClock } from '../../../src/rehearse/virtual-clock.js';
import { AuthError, UnreachableError } from '../../../src/transport/types.js';

const durations = new Durations({ ...LAB_DURATIONS, bootMs: 60_000, connectMs: 100, commandMs: 10, packageUpdateMs: 5000, spread: 0 });
const REBOOT = "nohup sh -c 'sleep 1; systemctl reboot || reboot' >/dev/null 2>&1 </dev/null &";

function setup(faults: Record<string, unknown> = {}) {
  const spec = hostSpecsFromLabConfig(labConfig.parse({ hosts: [{ name: 'compute01', faults }] }))[0]!;
  const host = new SimHost(spec, durations, { rebooting: () => {}, booted: () => {}, guests: () => [] });
  return { host, t: new SimTransport(host, durations) };
}

describe('SimTransport', () => {
  it('refuses connections while the host is down, then connects to the new boot', async () => {
    const { host, t } = setup();
    await new VirtualClock(0).run(async () => {
      await t.connect();
      const before = (await t.exec('cat /proc/sys/kernel/random/boot_id')).stdout;
      expect((await t.exec(REBOOT)).code).toBe(0);
      await new Promise((r) => setTimeout(r, 2000));
      await expect(t.exec('cat /proc/sys/kernel/random/boot_id')).rejects.toBeInstanceOf(UnreachableError);
      const t0 = Date.now();
      await expect(t.reconnect()).rejects.toBeInstanceOf(UnreachableError);
      // Four attempts of 100 ms and the three retry waits (187 + 375 + 750 ms).
      expect(Date.now() - t0).toBe(4 * 100 + 187 + 375 + 750);
      await new Promise((r) => setTimeout(r, 60_000));
      await t.reconnect();
      expect((await t.exec('cat /proc/sys/kernel/random/boot_id')).stdout).not.toBe(before);
      expect(host.reboots).toBe(1);
    });
  });

  it('ends a command in flight when the reboot cuts the session, and refuses the key after a boot when told to', async () => {
    const { host, t } = setup({ auth_refused_after_reboot: true });
    await new VirtualClock(0).run(async () => {
      await t.connect();
      await t.exec(REBOOT);
      const slow = t.exec('yum -y update kernel');
      await expect(slow).rejects.toMatchObject({ code: 'E_INTERRUPTED' });
      // Killed with the host: nothing was installed.
      expect(host.installed.filter((r) => r.name === 'kernel')).toHaveLength(2);
      await new Promise((r) => setTimeout(r, 120_000));
      await expect(t.reconnect()).rejects.toBeInstanceOf(AuthError);
    });
  });

  it('writes files as Transport.writeFile does: whole or not at all when the reboot cuts the session', async () => {
    const { host, t } = setup();
    await new VirtualClock(0).run(async () => {
      await t.connect();
      await t.writeFile('/var/lib/mds-orchestrate/restart-pending', 'b00t-1d\n', { mode: 0o600 });
      expect(host.marker).toBe('b00t-1d');
      await expect(t.writeFile('/etc/hosts', 'x')).rejects.toMatchObject({ code: 'E_REMOTE_FILE' });
      await expect(t.readFile('/etc/nova/nova.conf.orig')).rejects.toMatchObject({ code: 'E_REMOTE_FILE_NOT_FOUND' });
      const before = host.novaConf;
      await t.exec(REBOOT);
      // The write is still in flight (10 ms) when the host goes down a second after the reboot was asked for.
      await new Promise((r) => setTimeout(r, 995));
      await expect(t.writeFile('/etc/nova/nova.conf', 'edited\n', { backupSuffix: '.bak' })).rejects.toMatchObject({ code: 'E_INTERRUPTED' });
      expect(host.novaConf).toBe(before);
    });
  });
});
