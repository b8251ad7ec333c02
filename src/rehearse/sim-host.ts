// A simulated compute host built from the lab's host model: packages, boot state, nova.conf, reboots; answers the steps' commands.
import { createHash } from 'node:crypto';
import type { ExecOptions, ExecResult } from '../transport/types.js';
import type { Durations } from './durations.js';
import { gatherOutput, type GatherRequest } from './gather-output.js';
import {
  computeBootState, configPassesMdClear, initialPackages, compareLabEvr, readLibvirtCpu, renderNovaConf, repoOffers,
  type BootState, type FakeHostSpec, type InstalledRow, type RepoRow,
} from './lab-model.js';
import { shellWords } from './shell-words.js';

export const NOVA_CONF_PATH = '/etc/nova/nova.conf';
const MARKER_DIR = '/var/lib/mds-orchestrate';
const MARKER = `${MARKER_DIR}/restart-pending`;
const NOVA_UNITS = new Set(['openstack-nova-compute', 'openstack-nova-compute.service', 'nova-compute', 'nova-compute.service']);

export interface HostLifecycle {
  /** The host goes down (the cloud sees its service down and audits any instance still on it). */
  rebooting(host: string): void;
  booted(host: string): void;
  /** The guests libvirt shows on the host, from the cloud. */
  guests(host: string): { uuid: string; name: string; state: 'running' | 'paused' | 'shut off'; mdClear: boolean }[];
}

export type Answer = Partial<Pick<ExecResult, 'code' | 'stdout' | 'stderr'>>;

/** Anything that holds a session to the host; a reboot cuts them all. */
export interface Session {
  cut(): void;
}

export type Power = 'up' | 'going-down' | 'down';

export class SimHost {
  readonly name: string;
  installed: InstalledRow[];
  boot: BootState;
  novaConf: string;
  /** The nova.conf nova-compute read at its last start (boot or restart): what new guests get. */
  loadedNovaConf: string;
  marker: string | null = null;
  power: Power = 'up';
  bootCount = 0;
  /** Times the host went down (a command running across one was killed with it). */
  downs = 0;
  /** Completed reboots, and how many `yum update` transactions ran. */
  reboots = 0;
  updates = 0;
  /** Set at each boot of a host whose sshd refuses the key afterwards (fault auth_refused_after_reboot). */
  refusesAuth = false;
  readonly sessions = new Set<Session>();
  /** Backups the first write of a file left beside it (path + suffix -> the content before). */
  readonly backups = new Map<string, string>();
  private readonly offers: RepoRow[];

  constructor(readonly spec: FakeHostSpec, private readonly durations: Durations, private readonly life: HostLifecycle) {
    this.name = spec.name;
    this.installed = initialPackages(spec.dist, spec.fixed, 1_546_300_800);
    this.offers = repoOffers(spec.dist);
    this.boot = computeBootState(spec.dist, spec.cpu, this.installed, this.nextBootId());
    this.novaConf = renderNovaConf(spec);
    this.loadedNovaConf = this.novaConf;
  }

  /** Would a guest cold-booted here now get md-clear (the lab's rule: host-model offers it and the loaded nova.conf passes it)? */
  guestCpuGetsMdClear(): boolean {
    return this.boot.hostModelMdClear && configPassesMdClear(readLibvirtCpu(this.loadedNovaConf));
  }

  private nextBootId(): string {
    const h = createHash('sha1').update(`${this.name}:${this.bootCount++}`).digest('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  private wait(ms: number): Promise<void> {
    return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
  }

  /** The host's shell: every command the steps send, answered as the lab's fake tools answer it. Unknown ones fail loudly. */
  async exec(command: string, opts: ExecOptions): Promise<Answer> {
    const d = this.durations.s;
    if (command.includes(':begin:meta@@')) {
      await this.wait(d.gatherMs);
      return { stdout: gatherOutput(this, parseGatherRequest(command), this.life.guests(this.name)) };
    }
    const words = shellWords(command);
    const [cmd] = words;
    if ((cmd === 'yum' || cmd === 'dnf') && words.includes('check-update')) {
      await this.wait(d.checkUpdateMs);
      return this.checkUpdate(words.slice(words.indexOf('check-update') + 1));
    }
    if ((cmd === 'yum' || cmd === 'dnf') && words.includes('update')) {
      const downs = this.downs;
      await this.wait(this.durations.packageUpdate(this.name));
      // The host went down while yum ran: the transaction was killed before it committed (rpm's is all or nothing).
      if (this.downs !== downs) return { code: 137, stderr: 'Killed\n' };
      return this.update(words.slice(words.indexOf('update') + 1));
    }
    await this.wait(d.commandMs);
    if (command === `cat ${MARKER} 2>/dev/null || true`) return { stdout: this.marker === null ? '' : `${this.marker}\n` };
    if (command === `umask 077 && mkdir -p ${MARKER_DIR}`) return {};
    if (command === `rm -f ${MARKER}`) {
      this.marker = null;
      return {};
    }
    if (cmd === 'systemctl' && words[1] === 'restart') {
      await this.wait(d.serviceRestartMs);
      if (NOVA_UNITS.has(words[2] ?? '')) this.loadedNovaConf = this.novaConf;
      return {};
    }
    if (cmd === 'systemctl' && words[1] === 'is-active') return this.isActive(words[2] ?? '');
    if (command === 'cat /proc/sys/kernel/random/boot_id') return { stdout: `${this.boot.bootId}\n` };
    if (command.startsWith('nohup sh -c ') && command.includes('reboot')) {
      const delayS = Number(/sleep (\d+)/.exec(command)?.[1] ?? '0');
      this.requestReboot(delayS * 1000);
      return {};
    }
    return { code: 127, stderr: `rehearse: the simulated host does not model this command: ${command.split('\n')[0]}` };
  }

  /** The simulated agent runs whenever the host is up (restore asks before it enables the service; the gather asks too). */
  isActive(unit: string): { code: number; stdout: string } {
    return NOVA_UNITS.has(unit) ? { code: 0, stdout: 'active\n' } : { code: 3, stdout: 'inactive\n' };
  }

  readFile(path: string): Buffer | null {
    if (path === NOVA_CONF_PATH) return Buffer.from(this.novaConf);
    const backup = this.backups.get(path);
    return backup === undefined ? null : Buffer.from(backup);
  }

  private evr(r: { epoch: string | null; version: string; release: string }): string {
    return `${r.epoch ? `${r.epoch}:` : ''}${r.version}-${r.release}`;
  }

  private newestInstalled(name: string): InstalledRow | undefined {
    let best: InstalledRow | undefined;
    for (const r of this.installed) if (r.name === name && (!best || compareLabEvr(r, best) > 0)) best = r;
    return best;
  }

  private newerOffer(name: string): RepoRow | undefined {
    const offer = this.offers.find((o) => o.name === name);
    const inst = this.newestInstalled(name);
    return offer && (!inst || compareLabEvr(offer, inst) > 0) ? offer : undefined;
  }

  private checkUpdate(names: string[]): Answer {
    const rows = names.map((n) => this.newerOffer(n)).filter((o): o is RepoRow => o !== undefined)
      .map((o) => `${`${o.name}.${o.arch}`.padEnd(40)} ${this.evr(o).padEnd(22)} ${o.repo}`);
    return { code: rows.length ? 100 : 0, stdout: rows.length ? `\n${rows.join('\n')}\n` : '' };
  }

  private update(names: string[]): Answer {
    const f = this.spec.faults;
    if (f.yumFails) return { code: 1, stderr: 'Error: Failed to download metadata for repo (rehearsal fault yum_fails)\n' };
    const todo = names.map((n) => this.newerOffer(n)).filter((o): o is RepoRow => o !== undefined);
    const applied = f.partialUpdate ? todo.slice(0, -1) : todo;
    for (const o of applied) {
      const row: InstalledRow = { name: o.name, epoch: o.epoch, version: o.version, release: o.release, arch: o.arch, installTime: 1_558_000_000 };
      // kernel is installonly: the new one goes in beside the running one; the others are replaced.
      if (o.name === 'kernel') this.installed.push(row);
      else this.installed = [...this.installed.filter((r) => r.name !== o.name), row];
    }
    this.updates++;
    if (f.partialUpdate && todo.length) return { code: 1, stderr: `Error: transaction failed after ${applied.length} package(s) (rehearsal fault partial_update)\n` };
    return { stdout: `Updated:\n  ${applied.map((o) => o.name).join(' ')}\n\nComplete!\n` };
  }

  /**
   * Transport.writeFile on the host: nova.conf (its first write keeps the original at path + backupSuffix, as the
   * product's write script does) and the restart-pending marker. Returns false for a file the model does not hold.
   */
  writeFile(path: string, data: string, backupSuffix?: string): boolean {
    if (path === NOVA_CONF_PATH) {
      if (backupSuffix !== undefined && !this.backups.has(path + backupSuffix)) this.backups.set(path + backupSuffix, this.novaConf);
      this.novaConf = data;
      return true;
    }
    if (path === MARKER) {
      this.marker = data.trim();
      return true;
    }
    return false;
  }

  /** The detached reboot: the session that asked ends cleanly; after `delayMs` the host goes down, then boots. */
  private requestReboot(delayMs: number): void {
    setTimeout(() => {
      this.power = 'down';
      this.downs++;
      for (const s of [...this.sessions]) s.cut();
      this.sessions.clear();
      this.life.rebooting(this.name);
      const f = this.spec.faults;
      if (f.neverReturns) return;
      const bootMs = this.durations.boot(this.name, this.spec.bootDelayMs, this.reboots) + f.slowBootMs;
      setTimeout(() => this.powerOn(), bootMs);
    }, delayMs);
    this.power = 'going-down';
  }

  private powerOn(): void {
    // The newest installed kernel, microcode, qemu and libvirt take effect; nova-compute reads nova.conf afresh.
    this.boot = computeBootState(this.spec.dist, this.spec.cpu, this.installed, this.nextBootId());
    this.loadedNovaConf = this.novaConf;
    this.reboots++;
    this.refusesAuth = this.spec.faults.authRefusedAfterReboot;
    this.power = 'up';
    this.life.booted(this.name);
  }
}

function parseGatherRequest(command: string): GatherRequest {
  const nonce = /@@mds-orchestrate:([a-z0-9]+):begin:meta@@/.exec(command)?.[1] ?? '';
  const packages = [...command.matchAll(/printf 'package\\t%s\\n' ('[^']*'|[^\s;]+)/g)].map((m) => shellWords(m[1]!)[0] ?? '');
  // The gather decides the layout on the host: a simulated host is bare metal unless the command forces a nova.conf.
  const forced = /^_mo_o_nc=('[^']*'|[^\s;]+)$/m.exec(command)?.[1];
  const novaConfPath = (forced ? shellWords(forced)[0] : undefined) ?? NOVA_CONF_PATH;
  return { nonce, packages, novaConfPath };
}
