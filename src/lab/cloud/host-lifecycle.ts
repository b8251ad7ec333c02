// Host reboots as the cloud sees them: the service goes down and back up, and anything unsafe is written to the audit log.
import type { MigrationEngine } from './live-migration.js';
import type { CloudWorld } from './world.js';

export function hostRebooting(world: CloudWorld, engine: MigrationEngine, host: string): void {
  const svc = world.computeService(host);
  if (!svc) throw new Error(`fake cloud: hostRebooting for unknown host ${host}`);
  svc.rebooting = true;
  const interrupted = new Set<string>();
  for (const m of engine.inFlightTouching(host)) {
    const inst = world.instances.get(m.instanceUuid);
    if (!inst) continue;
    const was = m.status;
    engine.interrupt(m, inst);
    interrupted.add(inst.uuid);
    const role = m.sourceCompute === host ? 'source' : 'target';
    world.audit('migration-interrupted', host, [inst.uuid],
      `live migration ${m.id} of ${inst.name} (${m.sourceCompute} -> ${m.destCompute ?? 'unscheduled'}) was ${was} when its ${role} rebooted`);
  }
  // Every guest on the host dies with it; anything not already shut off is lost.
  const lost = world.instancesOn(host).filter((i) => i.vmState !== 'stopped' || i.powerState !== 4);
  for (const inst of lost) world.setInstance(inst, 'error', null, 4);
  const newlyLost = lost.filter((i) => !interrupted.has(i.uuid));
  if (newlyLost.length > 0) {
    world.audit('reboot-with-instances', host, newlyLost.map((i) => i.uuid),
      `host rebooted holding ${newlyLost.length} instance(s) not SHUTOFF: ${newlyLost.map((i) => i.name).join(', ')} (now ERROR: lost)`);
  }
  world.emitGuests(host);
}

export function hostBooted(world: CloudWorld, host: string, agentRunning = true): void {
  const svc = world.computeService(host);
  if (!svc) throw new Error(`fake cloud: hostBooted for unknown host ${host}`);
  svc.rebooting = false;
  // An agent that failed to start never reports: Nova keeps the service down (service_down_time has long passed).
  svc.agentStopped = !agentRunning;
  world.emitGuests(host);
}
