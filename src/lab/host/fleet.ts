// The supervisor of the fake compute fleet: starts hosts with bounded concurrency, reboots them for real, stops them cleanly.
import { EventEmitter } from 'node:events';
import { mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import PQueue from 'p-queue';
import { findComputeHostFiles, type ComputeHostFiles } from '../compute-host-files.js';
import { writeBootFiles } from './boot-files.js';
import { startControlServer, type ControlServer, type PowerAction } from './control-server.js';
import { LabHostError } from './errors.js';
import { guestCpuGetsMdClear, writeGuests, type FakeGuest } from './guests.js';
import { HostProcess } from './host-process.js';
import { IN_HOST_DIRS, IN_HOST_STATE, IN_HOST_TOOLS, STATE_FILES, hostLayout, type HostLayout } from './layout.js';
import { LAB_LAYOUT_PROFILES } from './deployment-layouts.js';
import { ensureLabKeys, writeKnownHosts, type LabKeys } from './lab-keys.js';
import { applyFaults, materialiseHost, writeHostEnv } from './materialise.js';
import { checkPrerequisites } from './prereqs.js';
import { validateHostSpec, type FakeHostFaults, type FakeHostSpec } from './spec.js';

/** Why a host went down. */
export type DownReason = 'reboot' | 'poweroff' | 'crash' | 'stop';

export interface FleetEvents {
  /** A reboot was asked for (from inside the host or by the lab); the host is about to go down. */
  rebooting: [name: string];
  /** The host's processes are all gone: connections are refused. */
  down: [name: string, reason: DownReason];
  /** sshd listens: after start() and after every reboot. */
  booted: [name: string, bootId: string];
}

export type LabHostStatus = 'starting' | 'up' | 'down' | 'off';

export interface LabFleetOptions {
  /** Keys, sshd config and one dir per host go here (created if needed; host dirs are recreated from scratch). */
  labDir: string;
  hosts: FakeHostSpec[];
  /** Hosts booted at once during start(); default 2 per CPU core. */
  concurrency?: number;
  /** How long after answering a reboot request PID 1 is killed, so the asking tool can return first. */
  shutdownDelayMs?: number;
  bootTimeoutMs?: number;
  /** docker/compute-host of this project unless given. */
  hostFiles?: ComputeHostFiles;
}

interface HostEntry {
  spec: FakeHostSpec;
  layout: HostLayout;
  token: string;
  status: LabHostStatus;
  boots: number;
  bootId: string | null;
  proc: HostProcess | null;
  /** A pending boot-delay or shutdown-delay timer. */
  timer: NodeJS.Timeout | null;
  /** Set while a power action runs, so two requests do not overlap. */
  busy: Promise<void> | null;
}

export class LabFleet extends EventEmitter<FleetEvents> {
  private readonly opts: Required<Omit<LabFleetOptions, 'hosts'>>;
  private readonly entries = new Map<string, HostEntry>();
  private control: ControlServer | null = null;
  private labKeys: LabKeys | null = null;
  private stopping = false;

  constructor(opts: LabFleetOptions) {
    super();
    this.opts = {
      labDir: path.resolve(opts.labDir),
      concurrency: opts.concurrency ?? Math.max(2, os.availableParallelism() * 2),
      shutdownDelayMs: opts.shutdownDelayMs ?? 150,
      bootTimeoutMs: opts.bootTimeoutMs ?? 30_000,
      hostFiles: opts.hostFiles ?? findComputeHostFiles(),
    };
    const seen = new Set<string>();
    for (const spec of opts.hosts) {
      validateHostSpec(spec);
      const where = `${spec.address}:${spec.port}`;
      if (this.entries.has(spec.name)) throw new LabHostError('E_LAB_SPEC', `host ${spec.name} is listed twice`, { host: spec.name });
      if (seen.has(where)) throw new LabHostError('E_LAB_SPEC', `host ${spec.name}: ${where} is already taken by another host`, { host: spec.name });
      seen.add(where);
      this.entries.set(spec.name, {
        spec, layout: hostLayout(this.opts.labDir, spec.name), token: '', status: 'off', boots: 0, bootId: null,
        proc: null, timer: null, busy: null,
      });
    }
  }

  /** Paths of the lab key pair, known_hosts and sshd config (after start()). */
  get keys(): LabKeys {
    if (!this.labKeys) throw new LabHostError('E_LAB_STATE', 'the fleet has not been started');
    return this.labKeys;
  }

  get names(): string[] {
    return [...this.entries.keys()];
  }

  spec(name: string): FakeHostSpec {
    return this.entry(name).spec;
  }

  status(name: string): LabHostStatus {
    return this.entry(name).status;
  }

  bootId(name: string): string | null {
    return this.entry(name).bootId;
  }

  /** PID (outside) of the host's PID 1, null while it is down. */
  pid1(name: string): number | null {
    return this.entry(name).proc?.namespacePid1() ?? null;
  }

  /** PID of the host's `unshare` process, null while it is down. */
  supervisorPid(name: string): number | null {
    const p = this.entry(name).proc;
    return p?.alive ? p.pid : null;
  }

  /** The host's state dir on the machine (IN_HOST_STATE inside it): what writeGuests/guestCpuGetsMdClear take. */
  stateDir(name: string): string {
    return this.entry(name).layout.state;
  }

  writeGuests(name: string, guests: readonly FakeGuest[]): void {
    writeGuests(this.stateDir(name), guests);
  }

  guestCpuGetsMdClear(name: string): boolean {
    return guestCpuGetsMdClear(this.stateDir(name));
  }

  /** Changes faults at runtime: yum faults apply to the next yum call, boot faults to the next boot. */
  setFaults(name: string, faults: Partial<FakeHostFaults>): void {
    const e = this.entry(name);
    e.spec = applyFaults(e.spec, faults);
    if (this.control) writeHostEnv(e.layout, e.spec, this.control);
  }

  /** Checks prerequisites, writes keys and host files, and boots every host; on any failure stops what started. */
  async start(): Promise<void> {
    checkPrerequisites();
    mkdirSync(this.opts.labDir, { recursive: true, mode: 0o700 });
    // Mount points of every host's state dir and tools, and of the dirs some layouts keep nova.conf in: empty dirs on the machine.
    for (const dir of [IN_HOST_STATE, IN_HOST_TOOLS, ...this.extraMountPoints()]) mkdirSync(dir, { recursive: true });
    this.labKeys = await ensureLabKeys(this.opts.labDir);
    writeKnownHosts(this.labKeys, [...this.entries.values()].map((e) => e.spec));
    this.control = await startControlServer((host, action, token) => this.onPowerRequest(host, action, token));
    const queue = new PQueue({ concurrency: this.opts.concurrency });
    try {
      await Promise.all([...this.entries.values()].map((e) => queue.add(async () => {
        if (this.stopping) return;
        materialiseHost(e.spec, { labDir: this.opts.labDir, control: this.control!, toolsDir: this.opts.hostFiles.toolsDir });
        e.token = readFileSync(path.join(e.layout.state, STATE_FILES.controlToken), 'utf8').trim();
        await this.boot(e);
      })));
    } catch (err) {
      queue.clear();
      await queue.onIdle().catch(() => undefined);
      await this.stop();
      throw err;
    }
  }

  /** Reboots a host from outside, like a power cycle (the tools inside end up here too). */
  async reboot(name: string): Promise<void> {
    await this.power(this.entry(name), 'reboot');
  }

  /** Cuts a host's power; it stays down until powerOn(). */
  async powerOff(name: string): Promise<void> {
    await this.power(this.entry(name), 'poweroff');
  }

  async powerOn(name: string): Promise<void> {
    const e = this.entry(name);
    if (e.status !== 'off' && e.status !== 'down') return;
    if (e.timer) clearTimeout(e.timer);
    e.timer = null;
    await this.boot(e);
  }

  /** Kills every host (their processes, mounts and namespaces go with them) and closes the control port. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.entries.values()].map(async (e) => {
      if (e.timer) clearTimeout(e.timer);
      e.timer = null;
      await e.busy?.catch(() => undefined);
      const proc = e.proc;
      e.proc = null;
      if (proc?.alive) {
        await proc.kill();
        e.status = 'off';
        this.emit('down', e.spec.name, 'stop');
      }
      e.status = 'off';
    }));
    await this.control?.close();
    this.control = null;
  }

  /** /var/lib/config-data (TripleO) and /openstack (OpenStack-Ansible), only when a host of that layout is in the fleet. */
  private extraMountPoints(): string[] {
    const paths = [...this.entries.values()].map((e) => LAB_LAYOUT_PROFILES[e.spec.layout]).flatMap((p) => [p.novaConf, p.novaConfTarget ?? '']);
    return Object.values(IN_HOST_DIRS).filter((dir) => paths.some((p) => p.startsWith(`${dir}/`)));
  }

  private entry(name: string): HostEntry {
    const e = this.entries.get(name);
    if (!e) throw new LabHostError('E_LAB_UNKNOWN_HOST', `no fake host named ${JSON.stringify(name)}`, { host: name });
    return e;
  }

  private onPowerRequest(name: string, action: PowerAction, token: string): boolean {
    const e = this.entries.get(name);
    if (!e || e.token === '' || token !== e.token || e.status !== 'up' || this.stopping || e.busy) return false;
    // Act a moment after answering: the asking tool exits, then the host dies under its session, like a real reboot.
    e.timer = setTimeout(() => {
      e.timer = null;
      void this.power(e, action).catch(() => undefined);
    }, this.opts.shutdownDelayMs);
    return true;
  }

  private async power(e: HostEntry, action: PowerAction): Promise<void> {
    if (e.busy) await e.busy.catch(() => undefined);
    if (this.stopping || e.status !== 'up') return;
    e.busy = (async () => {
      if (action === 'reboot') this.emit('rebooting', e.spec.name);
      // Swapped out first, so the exit watcher set at boot does not take this for a crash.
      const proc = e.proc;
      e.proc = null;
      await proc?.kill();
      e.status = action === 'reboot' ? 'down' : 'off';
      this.emit('down', e.spec.name, action);
      if (action === 'poweroff' || e.spec.faults.neverReturns) return;
      const delay = e.spec.bootDelayMs + e.spec.faults.slowBootMs;
      e.timer = setTimeout(() => {
        e.timer = null;
        if (this.stopping) return;
        this.boot(e).catch(() => {
          e.status = 'down';
        });
      }, delay);
    })();
    try {
      await e.busy;
    } finally {
      e.busy = null;
    }
  }

  private async boot(e: HostEntry): Promise<void> {
    e.status = 'starting';
    const firstBoot = e.boots === 0;
    e.boots++;
    const state = writeBootFiles(e.layout, e.spec, undefined, { agentDead: e.spec.faults.novaComputeDead && !firstBoot });
    const refuseKey = e.spec.faults.authRefusedAfterReboot && !firstBoot;
    const proc = await HostProcess.boot({
      spec: e.spec,
      layout: e.layout,
      toolsDir: this.opts.hostFiles.toolsDir,
      initScript: this.opts.hostFiles.initScript,
      sshdConfig: this.keys.sshdConfig,
      authorizedKeys: refuseKey ? null : this.keys.publicKey,
      bootTimeoutMs: this.opts.bootTimeoutMs,
    });
    if (this.stopping) {
      await proc.kill();
      return;
    }
    e.proc = proc;
    e.bootId = state.bootId;
    e.status = 'up';
    void proc.exited.then(() => {
      // Killed by us (power/stop) means e.proc was already swapped out; anything else is a crash.
      if (e.proc === proc && !this.stopping) {
        e.proc = null;
        e.status = 'down';
        this.emit('down', e.spec.name, 'crash');
      }
    });
    this.emit('booted', e.spec.name, state.bootId);
  }
}
