// The lab daemon: runs the fake compute fleet and the fake Nova in one background process, wired to each other.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createFakeCloud } from './cloud/index.js';
import { LabFleet } from './host/fleet.js';
import { labConfig, type LabConfig } from './lab-config.js';
import { labPaths, writeClouds, writeInventory, type LabRuntime } from './lab-files.js';
import { hostSpecsFromLabConfig } from './host/from-lab-config.js';
import { writeLabFileSync } from './host/materialise.js';
import { cloudConfig, novaHostName, startsWithMdClear } from './lab-mapping.js';

function log(message: string): void {
  process.stdout.write(`${new Date().toISOString()} ${message}\n`);
}

export async function runLabDaemon(dir: string): Promise<void> {
  const paths = labPaths(dir);
  const lab: LabConfig = labConfig.parse(JSON.parse(readFileSync(paths.config, 'utf8')));
  const specs = hostSpecsFromLabConfig(lab);
  // Nova may know a host by another name than the fleet (TripleO registers FQDNs): the cloud speaks Nova's, the fleet its own.
  const byNovaName = new Map(lab.hosts.map((h) => [novaHostName(h), h]));
  const nova = new Map(lab.hosts.map((h) => [h.name, novaHostName(h)]));
  const fleetName = (novaHost: string) => byNovaName.get(novaHost)?.name ?? novaHost;
  const novaName = (name: string) => nova.get(name) ?? name;
  const fleet = new LabFleet({ labDir: dir, hosts: specs });
  let fleetUp = false;
  const cloud = createFakeCloud(cloudConfig(lab), {
    // Before the fleet runs, a guest's CPU follows the host's starting state; afterwards, what the host really offers.
    guestCpuProbe: (host) => (fleetUp ? fleet.guestCpuGetsMdClear(fleetName(host)) : startsWithMdClear(byNovaName.get(host)!)),
    guestsChanged: (host, guests) => { if (fleetUp) fleet.writeGuests(fleetName(host), guests); },
  });
  const novaUrl = await cloud.listen(lab.nova.port, '127.0.0.1');
  log(`fake Keystone/Nova at ${novaUrl}`);

  const hostStatus = () => Object.fromEntries(fleet.names.map((n) => [n, { status: fleet.status(n), bootId: fleet.bootId(n) }]));
  const publishStatus = () => { try { writeFileSync(paths.hostStatus, JSON.stringify(hostStatus())); } catch { /* status is advisory */ } };
  fleet.on('rebooting', (name) => { log(`${name}: rebooting`); cloud.hostRebooting(novaName(name)); publishStatus(); });
  // A reboot starts a new supervisor process: lab.json must name it, or `lab down` would signal a PID the kernel may reuse.
  let runtime: LabRuntime | null = null;
  let runtimeWrite: Promise<void> = Promise.resolve();
  const publishRuntime = () => {
    if (!runtime) return;
    runtime.hostPids = fleet.names.map((n) => fleet.supervisorPid(n)).filter((p): p is number => p !== null);
    const text = `${JSON.stringify(runtime, null, 2)}\n`;
    runtimeWrite = runtimeWrite.then(() => writeLabFileSync(paths.runtime, text, 0o600)).catch((err: unknown) => log(`lab.json: ${String(err)}`));
    return runtimeWrite;
  };
  fleet.on('down', (name, reason) => { log(`${name}: down (${reason})`); publishStatus(); void publishRuntime(); });
  fleet.on('booted', (name, bootId) => { log(`${name}: booted ${bootId}`); if (fleetUp) cloud.hostBooted(novaName(name), !(byNovaName.get(novaName(name))?.faults.nova_compute_dead ?? false)); publishStatus(); void publishRuntime(); });

  let stopping = false;
  const stop = async (why: string, code = 0) => {
    if (stopping) return;
    stopping = true;
    runtime = null;
    log(`stopping (${why})`);
    await runtimeWrite;
    await fleet.stop().catch((err: unknown) => log(`fleet stop: ${String(err)}`));
    await cloud.close().catch(() => undefined);
    rmSync(paths.ready, { force: true });
    rmSync(paths.runtime, { force: true });
    log('stopped');
    process.exit(code);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  try {
    const started = Date.now();
    await fleet.start();
    fleetUp = true;
    for (const name of fleet.names) fleet.writeGuests(name, cloud.guestsOn(novaName(name)));
    log(`${specs.length} hosts up in ${Date.now() - started} ms`);
    const hosts = specs.map((s) => ({ name: s.name, address: s.address, port: s.port }));
    await writeClouds(dir, novaUrl);
    await writeInventory(dir, lab, hosts, { privateKey: fleet.keys.privateKey, knownHosts: fleet.keys.knownHosts });
    runtime = { pid: process.pid, dir, novaUrl, startedAt: new Date().toISOString(), hosts, hostPids: [] };
    await publishRuntime();
    publishStatus();
    writeLabFileSync(paths.ready, `${process.pid}\n`, 0o600);
  } catch (err) {
    log(`start failed: ${err instanceof Error ? err.message : String(err)}`);
    await stop('start failed', 1);
  }
}
