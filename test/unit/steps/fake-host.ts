// A compute host simulated behind the in-memory transport: yum/dnf, nova.conf, markers, systemctl and reboots.
import { MemoryTransport } from '../../../src/transport/memory-transport.js';
import { RemoteFileError, writeFileScript } from '../../../src/transport/remote-files.js';
import { AbortedError, AuthError, UnreachableError, type ExecOptions, type ExecResult, type WriteFileOptions } from '../../../src/transport/types.js';
import type { HostFacts } from '../../../src/facts/types.js';
import type { LayoutFact } from '../../../src/layout/names.js';
import { compareEvr, newestOf, parseEvr } from '../../../src/rpm/index.js';
import { VERSIONS, factsFromState, hostState, installedFixed, packagesOf, unameOf, type HostFactsOptions, type HostState } from '../../helpers/host-facts.js';
import { shellWords } from '../../../src/rehearse/shell-words.js';

export const NOVA_CONF = '/etc/nova/nova.conf';
const MARKER = '/var/lib/mds-orchestrate/restart-pending';

/** How the next reboot goes, seen from the controller. */
export interface RebootScript {
  /** boot_id reads that still answer with the old boot (the detached reboot has not started yet). */
  oldAnswers?: number;
  /** Connection attempts refused while the host is down. */
  refusals?: number;
  /** The host never comes back. */
  never?: boolean;
  /** connect() never answers while the host is down (only the caller's signal ends it). */
  hangWhileDown?: boolean;
  /** After coming back, sshd refuses our key. */
  authRefused?: boolean;
  /** boot_id reads after the return before the host reboots once more on its own. */
  crashAfterReads?: number;
}

/** What the fake shell answers to one command. */
type Answer = Partial<ExecResult>;

/** The rehearsal's own splitter: the fake shell reads commands as the simulated hosts do. */
export { shellWords };

/** yum's fmtColumns with its default widths: a value wider than its column ends the line, the row goes on indented. */
export function yumColumns(values: string[], widths: number[] = [40, 22]): string {
  let out = '';
  let used = 0;
  values.slice(0, -1).forEach((v, i) => {
    const w = widths[i] ?? 16;
    out += v.length <= w ? `${v.padEnd(w)} ` : `${v}\n${' '.repeat(used + w + 1)}`;
    used += w + 1;
  });
  return out + (values[values.length - 1] ?? '');
}

class FakeHostTransport extends MemoryTransport {
  constructor(private readonly fake: FakeHost) {
    super(fake.state.hostname, { handler: (_h, command, opts) => fake.exec(command, opts) });
  }

  override async connect(signal?: AbortSignal): Promise<void> {
    if (!this.connected) await this.fake.beforeConnect(signal);
    return super.connect(signal);
  }

  /** cat follows a symlink, as the kernel does. */
  override async readFile(path: string): Promise<Buffer> {
    return super.readFile(this.fake.resolve(path));
  }

  /** As the SSH transport does it: the real write script, the content on stdin, answered by the fake shell. */
  override async writeFile(path: string, data: string | Buffer, opts: WriteFileOptions = {}): Promise<void> {
    const res = await this.exec(writeFileScript(path, data, opts.mode, opts.backupSuffix), { become: opts.become ?? false, stdin: Buffer.from(data), ...(opts.signal ? { signal: opts.signal } : {}) });
    if (res.code !== 0) throw new RemoteFileError(`cannot write ${path}: ${res.stderr}`, path, false);
  }
}

export class FakeHost {
  readonly state: HostState;
  readonly transport: MemoryTransport;
  /** What the repositories offer per package (defaults to the fixed builds of the release). */
  offers: Record<string, string>;
  /** The next `yum/dnf update` answers with this instead of updating. */
  updateFailure: Answer | null = null;
  systemctlFailure: Answer | null = null;
  /** What `systemctl is-active <nova unit>` answers (a dead agent: 'failed'). */
  agentState: string = 'active';
  readonly restarts: string[] = [];
  readonly stdins: { command: string; stdin: string }[] = [];
  reboots = 0;
  /** Symlinks on the host: link path -> the path it points to (absolute). */
  readonly links = new Map<string, string>();
  /** What stops a replace of nova.conf (immutable, read-only mount): the gather reports it, the write script then fails. */
  novaConfBlockers: string[] = [];
  /** The default boot entry still names the kernel running now: a reboot comes back on it, not on the newest installed. */
  bootsOldKernel = false;
  nextReboot: RebootScript = {};
  /** The deployment layout the gather reports (absent: bare metal); nova.conf lives at its path (see useLayout). */
  layout: LayoutFact | undefined;
  /** The container image's rpm database (layouts that keep qemu/libvirt there), or why it could not be read. */
  image: { installed: Record<string, string[]> } | { unreadable: string } | null = null;
  /** What `<engine> inspect` says of the nova-compute container. */
  containerState = 'running';
  private down: (RebootScript & { refused: number; reads: number }) | null = null;
  private afterBoot: { reads: number; crashAfter: number } | null = null;
  private bootSeq = 0;

  constructor(opts: HostFactsOptions = {}) {
    this.state = hostState(opts);
    this.offers = { ...VERSIONS[this.state.release].fixed };
    this.transport = new FakeHostTransport(this);
    if (this.state.novaConf !== null) this.transport.files.set(NOVA_CONF, Buffer.from(this.state.novaConf));
  }

  /** Where nova-compute's nova.conf is: the layout's, else /etc/nova/nova.conf. */
  get novaConfPath(): string {
    return this.layout?.novaConf ?? NOVA_CONF;
  }

  /** Gives the host a layout: its nova.conf moves to the layout's path; `decoy` leaves another file at /etc/nova/nova.conf. */
  useLayout(layout: LayoutFact, decoy?: string): void {
    const text = this.transport.files.get(NOVA_CONF);
    this.transport.files.delete(NOVA_CONF);
    this.layout = layout;
    if (text) this.transport.files.set(layout.novaConf, text);
    if (decoy !== undefined) this.transport.files.set(NOVA_CONF, Buffer.from(decoy));
  }

  /** Facts as a fresh gather would report them now. */
  facts(): HostFacts {
    const path = this.novaConfPath;
    const f = this.transport.files.get(this.resolve(path));
    let facts = factsFromState({ ...this.state, novaConf: f ? f.toString('utf8') : null });
    facts = { ...facts, novaConfPath: path };
    if (this.layout) facts = { ...facts, layout: this.layout };
    const virt = this.layout?.virtPackages;
    if (virt?.where === 'container') {
      // As the gather reports it: the image's rpm answer, or why there is none (never an empty list taken as read).
      const img = this.image;
      facts = {
        ...facts,
        imagePackages: img && !('unreadable' in img) ? packagesOf(img.installed) : {},
        evidence: { ...facts.evidence, 'image-rpm': !img ? { state: 'unreadable', reason: 'rpm -q in the libvirt container: the gather printed no such section' } : 'unreadable' in img ? { state: 'unreadable', reason: img.unreadable } : { state: 'read' } },
      };
    } else {
      facts = { ...facts, imagePackages: {}, evidence: { ...facts.evidence, 'image-rpm': { state: 'absent', reason: 'qemu/libvirt are host packages in this layout' } } };
    }
    return f ? { ...facts, novaConfTarget: { path: this.resolve(path), blockers: [...this.novaConfBlockers], unknown: [] } } : facts;
  }

  /** readlink -f: the path with its links followed. */
  resolve(path: string): string {
    let p = path;
    for (let i = 0; i < 40 && this.links.has(p); i++) p = this.links.get(p)!;
    return p;
  }

  get novaConf(): string {
    return this.transport.files.get(this.resolve(this.novaConfPath))?.toString('utf8') ?? '';
  }

  get restartMarker(): string | null {
    return this.transport.files.get(MARKER)?.toString('utf8').trim() ?? null;
  }

  async beforeConnect(signal?: AbortSignal): Promise<void> {
    const d = this.down;
    if (!d || d.reads < (d.oldAnswers ?? 0)) return;
    if (d.hangWhileDown) {
      await new Promise<never>((_, reject) => {
        if (signal?.aborted) return reject(new AbortedError());
        signal?.addEventListener('abort', () => reject(new AbortedError()), { once: true });
      });
    }
    if (d.never || d.refused < (d.refusals ?? 0)) {
      d.refused += 1;
      throw new UnreachableError(`${this.state.hostname}: connect ECONNREFUSED 127.0.0.1:22`, { host: this.state.hostname });
    }
    this.boot();
    this.down = null;
    if (d.authRefused) throw new AuthError(`${this.state.hostname}: all configured authentication methods failed`, { host: this.state.hostname });
  }

  /** The host boots: the newest kernel runs, microcode and qemu/libvirt as installed now take effect. */
  boot(): void {
    const s = this.state;
    this.bootSeq += 1;
    const kernel = newestOf(packagesOf(s.installed)['kernel'] ?? []);
    if (!this.bootsOldKernel) s.kernelRunning = unameOf(`${kernel.version}-${kernel.release}`);
    s.bootId = `9b0e7c1d-${String(this.bootSeq).padStart(4, '0')}-4a2b-8c3d-5e6f7a8b9c0d`;
    if (!this.bootsOldKernel) s.kernelHasFix = installedFixed(s, 'kernel');
    s.microcodeLoaded = s.vendor === 'intel' && s.kernelHasFix && installedFixed(s, 'microcode_ctl');
    s.virtOffersMdClear = s.microcodeLoaded && installedFixed(s, 'qemu-kvm') && installedFixed(s, 'libvirt');
    // Defined but stopped domains survive a reboot; nothing runs until Nova starts it.
    s.guests = s.guests.filter((g) => g.state === 'shut off');
  }

  /** The shell of the host: each command the steps send, answered as the real tools would. */
  exec(command: string, opts: ExecOptions): Answer {
    if (opts.stdin !== undefined) this.stdins.push({ command, stdin: opts.stdin.toString() });
    const words = shellWords(command);
    const [cmd] = words;
    if ((cmd === 'yum' || cmd === 'dnf') && words.includes('check-update')) return this.checkUpdate(words.slice(words.indexOf('check-update') + 1));
    if ((cmd === 'yum' || cmd === 'dnf') && words.includes('update')) return this.update(words.slice(words.indexOf('update') + 1));
    if (command === `cat ${MARKER} 2>/dev/null || true`) return { stdout: this.transport.files.get(MARKER)?.toString('utf8') ?? '' };
    if (command === 'umask 077 && mkdir -p /var/lib/mds-orchestrate') {
      return {};
    }
    if (command === `rm -f ${MARKER}`) {
      this.transport.files.delete(MARKER);
      return {};
    }
    if (command.startsWith('set -eu\nf=')) return this.writeFile(command, opts);
    if (cmd === 'systemctl' && words[1] === 'restart') {
      if (this.systemctlFailure) return { code: 1, ...this.systemctlFailure };
      this.restarts.push(words[2] ?? '');
      return {};
    }
    if ((cmd === 'docker' || cmd === 'podman') && words[1] === 'restart') {
      if (this.systemctlFailure) return { code: 1, ...this.systemctlFailure };
      this.restarts.push(`${cmd} restart ${words[2] ?? ''}`);
      return { stdout: `${words[2] ?? ''}\n` };
    }
    if ((cmd === 'docker' || cmd === 'podman') && words[1] === 'inspect' && words[2] === '--format' && words[3] === '{{.State.Status}}') {
      if (words[4] !== 'nova_compute') return { code: 1, stderr: `Error: No such object: ${words[4] ?? ''}\n` };
      return { stdout: `${this.containerState}\n` };
    }
    if (cmd === 'systemctl' && words[1] === 'is-active') return { code: this.agentState === 'active' ? 0 : 3, stdout: `${this.agentState}\n` };
    if (command === 'cat /proc/sys/kernel/random/boot_id') return this.readBootId();
    if (command === 'grubby --default-kernel 2>/dev/null || grub2-editenv list 2>/dev/null') return { stdout: `/boot/vmlinuz-${this.state.kernelRunning}\n` };
    if (command.startsWith('nohup sh -c ') && command.includes('systemctl reboot')) return this.requestReboot();
    throw new Error(`fake host: unexpected command: ${command}`);
  }

  private checkUpdate(names: string[]): Answer {
    const lines = ['', ...names.flatMap((n) => {
      const offer = this.offers[n];
      const inst = packagesOf(this.state.installed)[n] ?? [];
      if (!offer || (inst.length && compareEvr(parseEvr(offer), newestOf(inst)) <= 0)) return [];
      const repo = this.state.release === 'el7' ? 'rhel-7-server-rpms' : 'rhel-8-for-x86_64-baseos-rpms';
      return [yumColumns([`${n}.x86_64`, offer, repo])];
    })];
    return { code: lines.length > 1 ? 100 : 0, stdout: `${lines.join('\n')}\n` };
  }

  private update(names: string[]): Answer {
    if (this.updateFailure) return { code: 1, ...this.updateFailure };
    for (const n of names) {
      const offer = this.offers[n];
      if (!offer) continue;
      const list = this.state.installed[n] ?? [];
      // kernel is installonly: the new one goes in beside the running one.
      this.state.installed[n] = n === 'kernel' ? [...list, offer] : [offer];
    }
    return { stdout: `Updated:\n  ${names.join(' ')}\n\nComplete!\n` };
  }

  /** The transport's write script: f= the file, b= its one-time backup (when asked for), the content on stdin. */
  private writeFile(command: string, opts: ExecOptions): Answer {
    const named = shellWords(/^f=(.*)$/m.exec(command)?.[1] ?? '')[0] ?? '';
    // The script resolves the link itself (readlink -f); a script that did not would replace the link.
    const follows = /^f=\$\(readlink -f -- "\$f"\)$/m.test(command);
    const path = follows ? this.resolve(named) : named;
    if (!follows) this.links.delete(named);
    const suffix = /^b="\$f"(.*)$/m.exec(command)?.[1];
    const backup = suffix === undefined ? undefined : path + (shellWords(suffix)[0] ?? '');
    if (this.novaConfBlockers.length && path === this.resolve(this.novaConfPath)) return { code: 1, stderr: `mv: cannot move '${path}.Xk3p9a' to '${path}': Operation not permitted\n` };
    const files = this.transport.files;
    if (backup !== undefined && files.has(path) && !files.has(backup)) files.set(backup, files.get(path)!);
    files.set(path, Buffer.from(opts.stdin ?? ''));
    return {};
  }

  private readBootId(): Answer {
    const d = this.down;
    if (d && d.reads < (d.oldAnswers ?? 0)) {
      d.reads += 1;
      return { stdout: `${this.state.bootId}\n` };
    }
    if (d) {
      // The reboot has begun: this session is cut.
      this.transport.connected = false;
      throw new UnreachableError(`${this.state.hostname}: connection reset`, { host: this.state.hostname });
    }
    if (this.afterBoot) {
      this.afterBoot.reads += 1;
      if (this.afterBoot.reads > this.afterBoot.crashAfter) {
        this.afterBoot = null;
        this.boot();
      }
    }
    return { stdout: `${this.state.bootId}\n` };
  }

  private requestReboot(): Answer {
    this.reboots += 1;
    const script = this.nextReboot;
    this.nextReboot = {};
    this.down = { ...script, refused: 0, reads: 0 };
    this.afterBoot = script.crashAfterReads === undefined ? null : { reads: 0, crashAfter: script.crashAfterReads };
    if (!script.oldAnswers) this.transport.connected = false;
    return {};
  }
}
