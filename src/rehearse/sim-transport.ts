// The Transport to a simulated host: connect (refused while it is down, with the SSH transport's retries), exec, files.
import { AbortedError, AuthError, InterruptedError, UnreachableError, type ExecOptions, type ExecResult, type Transport, type WriteFileOptions } from '../transport/types.js';
import { RemoteFileError } from '../transport/remote-files.js';
import { sleep } from '../util/sleep.js';
import type { Durations } from './durations.js';
import type { Session, SimHost } from './sim-host.js';

/** The SSH transport's default connect retries (util/backoff.ts DEFAULT_BACKOFF), at the middle of their jitter. */
const CONNECT_RETRY_DELAYS_MS = [187, 375, 750];

/** The project's abortable sleep, except that no wait at all resolves at once instead of after a zero timer. */
function wait(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(new AbortedError());
  return ms <= 0 ? Promise.resolve() : sleep(ms, signal);
}

/**
 * Its own Transport rather than MemoryTransport, whose connect is a flag: reaching a rebooting host needs refusals,
 * the SSH transport's retries and their waits, and sessions that the reboot cuts mid-command.
 */
export class SimTransport implements Transport, Session {
  readonly host: string;
  private connected = false;
  /** Bumped when the host's reboot cuts the session: a command in flight then ends as interrupted. */
  private generation = 0;
  connects = 0;
  execs = 0;

  constructor(private readonly sim: SimHost, private readonly durations: Durations) {
    this.host = sim.name;
  }

  cut(): void {
    this.connected = false;
    this.generation++;
  }

  private async connectOnce(signal?: AbortSignal): Promise<void> {
    await wait(this.durations.s.connectMs, signal);
    if (this.sim.power === 'down') throw new UnreachableError(`${this.host}: connect ECONNREFUSED`, { host: this.host });
    if (this.sim.refusesAuth) throw new AuthError(`${this.host}: all configured authentication methods failed`, { host: this.host });
  }

  async connect(signal?: AbortSignal): Promise<void> {
    if (this.connected) return;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.connectOnce(signal);
        break;
      } catch (err) {
        const delay = CONNECT_RETRY_DELAYS_MS[attempt];
        if (!(err instanceof UnreachableError) || err instanceof AuthError || delay === undefined) throw err;
        await wait(delay, signal);
      }
    }
    this.connected = true;
    this.connects++;
    this.sim.sessions.add(this);
  }

  async exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    if (!this.connected) throw new UnreachableError(`${this.host}: not connected`, { host: this.host });
    if (opts.signal?.aborted) throw new AbortedError();
    this.execs++;
    const started = performance.now();
    const gen = this.generation;
    const r = await this.sim.exec(command, opts);
    if (gen !== this.generation) throw new InterruptedError(`${this.host}: the connection dropped while the command ran`, { host: this.host });
    return { code: r.code ?? 0, signal: null, stdout: r.stdout ?? '', stderr: r.stderr ?? '', truncated: false, durationMs: performance.now() - started };
  }

  async readFile(path: string): Promise<Buffer> {
    if (!this.connected) throw new UnreachableError(`${this.host}: not connected`, { host: this.host });
    await wait(this.durations.s.commandMs);
    const data = this.sim.readFile(path);
    if (!data) throw new RemoteFileError(`${this.host}: ${path}: No such file or directory`, path, true, { host: this.host });
    return data;
  }

  async writeFile(path: string, data: string | Buffer, opts: WriteFileOptions = {}): Promise<void> {
    if (!this.connected) throw new UnreachableError(`${this.host}: not connected`, { host: this.host });
    if (opts.signal?.aborted) throw new AbortedError();
    const gen = this.generation;
    await wait(this.durations.s.commandMs, opts.signal);
    // Cut mid-write, the real script's temp file never replaced the target: nothing changed.
    if (gen !== this.generation) throw new InterruptedError(`${this.host}: the connection dropped while ${path} was written`, { host: this.host });
    if (!this.sim.writeFile(path, data.toString(), opts.backupSuffix)) {
      throw new RemoteFileError(`${this.host}: rehearse: the simulated host does not model writing ${path}`, path, false, { host: this.host });
    }
  }

  async reconnect(signal?: AbortSignal): Promise<void> {
    this.connected = false;
    this.sim.sessions.delete(this);
    await this.connect(signal);
  }

  async close(): Promise<void> {
    this.connected = false;
    this.sim.sessions.delete(this);
  }
}
