// The ssh2 Transport: one reused connection per host, reconnect with backoff, exec/readFile/writeFile, sudo escalation.
import type { Client } from 'ssh2';
import type { HostSpec } from '../inventory/types.js';
import { retryWithBackoff, type BackoffOptions } from '../util/backoff.js';
import { sleep } from '../util/sleep.js';
import { SUDO_PROBE, wrapBecome, type BecomeMode } from './become.js';
import { READ_NOT_FOUND_EXIT, RemoteFileError, readFileScript, writeFileScript } from './remote-files.js';
import { ChannelSlots, raceAbort } from './channel-slots.js';
import { isTransient, openChain, type ConnectSettings } from './ssh-connect.js';
import { execOnClient, isChannelRefused, withNullStdin, withPidHeader, type RawExecResult } from './ssh-exec.js';
import type { SshTarget } from './ssh-target.js';
import {
  AbortedError,
  InterruptedError,
  UnreachableError,
  type ExecOptions,
  type ExecResult,
  type Transport,
  type WriteFileOptions,
} from './types.js';

export interface SshTransportOptions {
  connect: ConnectSettings;
  retry: BackoffOptions;
  /** Concurrent channels per connection; OpenSSH's MaxSessions defaults to 10. */
  maxChannels?: number;
  onRetry?: (host: string, err: unknown, retry: number, delayMs: number) => void;
}

interface Live {
  client: Client;
  /** Bastion connections carrying `client`, closed with it. */
  jumps: Client[];
  alive: boolean;
  interrupts: Set<(err: Error) => void>;
  become: Promise<BecomeMode> | undefined;
}

/** The command's first line, cut at 80 characters, for messages (one scan to the first newline, not a split of the script). */
function label(command: string): string {
  const nl = command.indexOf('\n');
  const first = nl < 0 ? command : command.slice(0, nl);
  return first.length > 80 || nl >= 0 ? `${first.slice(0, 80)}…` : first;
}

export class SshTransport implements Transport {
  readonly host: string;
  private live: Live | undefined;
  private connecting: Promise<Live> | undefined;
  private closed = new AbortController();
  private readonly slots: ChannelSlots;

  constructor(
    readonly spec: HostSpec,
    readonly target: SshTarget,
    private readonly opts: SshTransportOptions,
  ) {
    this.host = spec.name;
    this.slots = new ChannelSlots(opts.maxChannels ?? 8);
  }

  async connect(signal?: AbortSignal): Promise<void> {
    await this.ensure(signal);
  }

  async reconnect(signal?: AbortSignal): Promise<void> {
    this.drop(() => new InterruptedError(`connection to ${this.host} was reset by reconnect()`, { host: this.host }));
    await this.ensure(signal);
  }

  async close(): Promise<void> {
    // Only a connect in flight holds the signal; aborting one nobody holds would only build its AbortError (every host's close).
    if (this.connecting !== undefined) {
      this.closed.abort();
      this.closed = new AbortController(); // a closed transport may be connected again later
    }
    this.drop(() => new InterruptedError(`connection to ${this.host} was closed`, { host: this.host }));
  }

  async exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    const raw = await this.execRaw(command, opts);
    return { ...raw, stdout: raw.stdout.toString('utf8'), stderr: raw.stderr.toString('utf8') };
  }

  async readFile(path: string, opts: { become?: boolean } = {}): Promise<Buffer> {
    const res = await this.execRaw(readFileScript(path), { become: opts.become ?? false, maxOutputBytes: 256 * 1024 * 1024 });
    const ctx = { host: this.host };
    if (res.code === READ_NOT_FOUND_EXIT) throw new RemoteFileError(`${this.host}: ${path}: no such file`, path, true, ctx);
    if (res.code !== 0) {
      throw new RemoteFileError(`${this.host}: cannot read ${path} (exit ${res.code ?? res.signal}): ${res.stderr.toString('utf8').trim()}`, path, false, ctx);
    }
    if (res.truncated) throw new RemoteFileError(`${this.host}: ${path} is larger than the read limit`, path, false, ctx);
    return res.stdout;
  }

  async writeFile(path: string, data: string | Buffer, opts: WriteFileOptions = {}): Promise<void> {
    const res = await this.execRaw(writeFileScript(path, data, opts.mode, opts.backupSuffix), { become: opts.become ?? false, stdin: Buffer.from(data), signal: opts.signal, timeoutMs: 60_000 });
    if (res.code !== 0) {
      throw new RemoteFileError(
        `${this.host}: cannot write ${path} (exit ${res.code ?? res.signal}): ${res.stderr.toString('utf8').trim()}; the original is unchanged`,
        path,
        false,
        { host: this.host },
      );
    }
  }

  private async execRaw(command: string, opts: ExecOptions): Promise<RawExecResult> {
    if (opts.signal?.aborted) throw new AbortedError(`aborted: ${label(command)}`, { host: this.host });
    // A dead connection (host rebooted, keepalive lost) is re-opened before the command, never after it.
    const live = await this.ensure(opts.signal);
    let cmd = command;
    let stdin = opts.stdin;
    if (opts.become === true && this.spec.become && this.target.user !== 'root') {
      const mode = await this.becomeMode(live, opts.signal);
      const password = mode === 'password' ? await this.opts.connect.secrets.becomePassword(this.target.user, this.host) : undefined;
      const wrapped = wrapBecome(command, mode, password);
      cmd = wrapped.command;
      if (wrapped.stdinPrefix !== undefined) {
        stdin = Buffer.concat([Buffer.from(wrapped.stdinPrefix), stdin === undefined ? Buffer.alloc(0) : Buffer.from(stdin)]);
      }
    }
    return this.onChannel(live, cmd, { ...opts, stdin }, label(command));
  }

  /**
   * sshd frees a session slot only after both sides closed the channel, so under a burst a new channel can be
   * refused for a moment even below MaxSessions; the command never started, so a short wait and retry is safe.
   */
  private async onChannel(live: Live, command: string, opts: ExecOptions, shown: string): Promise<RawExecResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.onChannelOnce(live, command, opts, shown);
      } catch (err) {
        if (!isChannelRefused(err) || attempt >= 8 || !live.alive) throw err;
        await sleep(25 * attempt, opts.signal);
      }
    }
  }

  private async onChannelOnce(live: Live, command: string, opts: ExecOptions, shown: string): Promise<RawExecResult> {
    await this.slots.acquire(opts.signal, this.host);
    try {
      if (!live.alive) throw new InterruptedError(`connection to ${this.host} lost before the command started: ${shown}`, { host: this.host });
      const nullStdin = opts.stdin === undefined || opts.stdin.length === 0;
      return await execOnClient(
        live.client,
        nullStdin ? withNullStdin(withPidHeader(command)) : withPidHeader(command),
        { ...opts, host: this.host, label: shown, nullStdin, kill: (pid) => this.killGroup(live, pid, opts.become === true) },
        (reject) => {
          live.interrupts.add(reject);
          return () => live.interrupts.delete(reject);
        },
      );
    } finally {
      this.slots.release();
    }
  }

  /** Best effort, in the background: the caller already has its timeout/abort error. */
  private killGroup(live: Live, pid: number, become: boolean): void {
    // `kill -9 -PGID` is the one spelling dash, bash and procps kill all accept for a process group.
    const kill = `kill -9 -${pid} 2>/dev/null || kill -9 ${pid} 2>/dev/null || :`;
    const run = async (): Promise<void> => {
      let cmd = kill;
      let stdin: Buffer | undefined;
      if (become && this.spec.become && this.target.user !== 'root') {
        const mode = await this.becomeMode(live);
        const w = wrapBecome(kill, mode, mode === 'password' ? await this.opts.connect.secrets.becomePassword(this.target.user, this.host) : undefined);
        cmd = w.command;
        if (w.stdinPrefix !== undefined) stdin = Buffer.from(w.stdinPrefix);
      }
      await this.onChannelOnce(live, cmd, { timeoutMs: 15_000, ...(stdin === undefined ? {} : { stdin }) }, 'kill timed-out command');
    };
    run().catch(() => undefined);
  }

  /** Decided once per connection: NOPASSWD sudo needs no password, and must then never be sent one. */
  private becomeMode(live: Live, signal?: AbortSignal): Promise<BecomeMode> {
    if (live.become === undefined) {
      live.become = (async (): Promise<BecomeMode> => {
        const probe = await this.onChannel(live, SUDO_PROBE, { timeoutMs: 30_000, ...(signal ? { signal } : {}) }, 'sudo -n true');
        if (probe.code === 0) return 'nopasswd';
        const pw = await this.opts.connect.secrets.becomePassword(this.target.user, this.host);
        return pw === undefined ? 'nopasswd' : 'password';
      })();
      live.become.catch(() => {
        live.become = undefined;
      });
    }
    return live.become;
  }

  private async ensure(signal?: AbortSignal): Promise<Live> {
    if (this.live?.alive) return this.live;
    if (this.connecting === undefined) {
      const attempt = this.open();
      this.connecting = attempt;
      attempt.then(
        () => { this.connecting = undefined; },
        () => { this.connecting = undefined; },
      );
    }
    return raceAbort(this.connecting, signal, this.host);
  }

  private async open(): Promise<Live> {
    const internal = this.closed.signal;
    try {
      const live = await retryWithBackoff(() => this.openOnce(internal), this.opts.retry, {
        isRetryable: isTransient,
        signal: internal,
        onRetry: (err, n, delay) => this.opts.onRetry?.(this.host, err, n, delay),
      });
      if (internal.aborted) {
        // close() ran while this attempt was finishing: do not resurrect the connection.
        live.alive = false;
        live.client.end();
        for (const j of live.jumps) j.end();
        throw new AbortedError('transport closed while connecting', { host: this.host });
      }
      this.live = live;
      return live;
    } catch (err) {
      if (isTransient(err)) {
        const attempts = this.opts.retry.retries + 1;
        throw new UnreachableError(`${this.host} unreachable after ${attempts} attempt(s): ${(err as Error).message}`, { host: this.host, cause: err });
      }
      throw err;
    }
  }

  private async openOnce(signal: AbortSignal): Promise<Live> {
    const clients = await openChain(this.target, this.opts.connect, this.host, signal);
    const client = clients[clients.length - 1] as Client;
    const live: Live = { client, jumps: clients.slice(0, -1), alive: true, interrupts: new Set(), become: undefined };
    const lost = (): void => {
      // ssh2 reports a host that died mid-command only as end/close of the connection: fail what was pending.
      if (!live.alive) return;
      live.alive = false;
      this.interruptAll(live, new InterruptedError(`connection to ${this.host} lost while a command was running (host rebooted or network dropped); its outcome is unknown`, { host: this.host }));
      for (const j of live.jumps) j.end();
    };
    client.on('end', lost);
    client.on('close', lost);
    client.on('error', () => undefined); // always followed by close, handled there
    for (const j of live.jumps) j.on('close', () => { lost(); client.end(); });
    return live;
  }

  private interruptAll(live: Live, err: Error): void {
    for (const reject of [...live.interrupts]) reject(err);
    live.interrupts.clear();
  }

  /** `err` is made only for commands still waiting on the connection: an Error's stack is not free, and most closes have none. */
  private drop(err: () => Error): void {
    const live = this.live;
    this.live = undefined;
    if (live === undefined) return;
    if (live.alive) {
      live.alive = false;
      if (live.interrupts.size > 0) this.interruptAll(live, err());
    }
    live.client.end();
    for (const j of live.jumps) j.end();
  }
}
