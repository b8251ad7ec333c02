// Runs one command on an open ssh2 connection: output capture with a cap, stdin, timeout and abort that really stop it.
import { performance } from 'node:perf_hooks';
import type { Client, ClientChannel } from 'ssh2';
import { AbortedError, ExecTimeoutError, InterruptedError, UnreachableError } from './types.js';

/** ExecResult before decoding: readFile needs the bytes as they were. */
export interface RawExecResult {
  code: number | null;
  signal: string | null;
  stdout: Buffer;
  stderr: Buffer;
  truncated: boolean;
  durationMs: number;
}

export const DEFAULT_MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

export interface RawExecOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  stdin?: string | Buffer;
  maxOutputBytes?: number;
  /** Host name for error context. */
  host: string;
  /** Short form of the command for error messages; never contains secrets (those travel on stdin). */
  label: string;
  /**
   * Called with the remote session leader's PID when a timeout or abort stops the command. Requires the
   * command to be wrapped by `withPidHeader`; the header line is stripped from stdout.
   */
  kill?: (pid: number) => void;
  /** The command reads /dev/null (withNullStdin): no stdin is sent, and no EOF either. */
  nullStdin?: boolean;
}

/**
 * sshd makes the login shell a session and process-group leader; printing its PID first lets a timeout kill
 * the whole group. Needed because sshd refuses SSH signal requests for root logins (no post-auth privsep).
 */
export function withPidHeader(command: string): string {
  return `echo "$$"; ${command}`;
}

/**
 * A command that is given no stdin reads /dev/null instead of waiting for our EOF: the same end of input, one packet
 * fewer per command (on a loopback-fast network each packet's write is a noticeable share of a sweep's controller CPU).
 */
export function withNullStdin(command: string): string {
  return `exec </dev/null; ${command}`;
}

// Channel-open refusals: the command never ran, so the caller may safely try again.
const channelRefusals = new WeakSet<Error>();
export function isChannelRefused(err: unknown): boolean {
  return err instanceof Error && channelRefusals.has(err);
}

interface ChannelInternals {
  outgoing?: { id?: number; state?: string };
  _client?: { _protocol?: { signal?: (id: number, name: string) => void } };
}

/**
 * ssh2's `signal()` silently does nothing once our side of the channel is ended, which it always is after
 * stdin EOF; the protocol request itself is still valid while the channel is open, so send it directly.
 */
function sendSignal(ch: ClientChannel, name: string): void {
  const internals = ch as unknown as ChannelInternals;
  const id = internals.outgoing?.id;
  const proto = internals._client?._protocol;
  try {
    if (id !== undefined && (internals.outgoing?.state === 'open' || internals.outgoing?.state === 'eof') && typeof proto?.signal === 'function') proto.signal(id, name);
    else ch.signal(name);
  } catch {
    // server or library without signal support: closing the channel is all that is left
  }
}

/** Called by the connection owner when the connection is gone, so a pending exec does not wait forever. */
export type InterruptHook = (reject: (err: Error) => void) => () => void;

export function execOnClient(client: Client, command: string, opts: RawExecOptions, onInterrupt: InterruptHook): Promise<RawExecResult> {
  const started = performance.now();
  const cap = opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  const ctx = { host: opts.host };
  return new Promise<RawExecResult>((resolve, reject) => {
    let settled = false;
    let stream: ClientChannel | undefined;
    let timer: NodeJS.Timeout | undefined;
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let captured = 0;
    let truncated = false;
    let code: number | null = null;
    let signalName: string | null = null;

    const cleanup = (): void => {
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      unhook();
    };
    const fail = (err: Error): void => {
      if (settled) return;
      cleanup();
      reject(err);
    };
    // The signal request reaches the command's process group (sshd makes it a session leader); closing the
    // channel alone would leave a command that ignores its closed pipes running on the host.
    let pid: number | undefined;
    let header: Buffer | undefined = opts.kill === undefined ? undefined : Buffer.alloc(0);
    let grace: NodeJS.Timeout | undefined;
    const stop = (): void => {
      if (stream === undefined) return;
      sendSignal(stream, 'KILL');
      if (pid === undefined && header !== undefined && opts.kill !== undefined) {
        // Stopped before the remote PID arrived: closing now would orphan the command (it ignores its closed pipes).
        // Keep the channel until the PID line comes (the data handler calls stop() again), within a grace period.
        grace ??= setTimeout(() => stream?.close(), 5_000);
        grace.unref();
        return;
      }
      if (grace !== undefined) clearTimeout(grace);
      if (pid !== undefined) opts.kill?.(pid);
      stream.close();
    };
    const onAbort = (): void => {
      stop();
      fail(new AbortedError(`aborted: ${opts.label}`, ctx));
    };
    const unhook = onInterrupt((err) => fail(err));

    if (opts.signal?.aborted) {
      fail(new AbortedError(`aborted: ${opts.label}`, ctx));
      return;
    }
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    if (opts.timeoutMs !== undefined && opts.timeoutMs > 0) {
      timer = setTimeout(() => {
        stop();
        fail(new ExecTimeoutError(`command timed out after ${opts.timeoutMs} ms: ${opts.label}`, ctx));
      }, opts.timeoutMs);
    }

    const keep = (into: Buffer[], chunk: Buffer): void => {
      if (captured >= cap) {
        truncated = true;
        return;
      }
      const room = cap - captured;
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
      if (part.length < chunk.length) truncated = true;
      into.push(part);
      captured += part.length;
    };

    try {
      client.exec(command, (err, ch) => {
        if (err) {
          // The command never started: the host refused a session channel, which is not a command failure.
          const refused = new UnreachableError(`could not open a session channel (${err.message}): ${opts.label}`, { ...ctx, cause: err });
          channelRefusals.add(refused);
          fail(refused);
          return;
        }
        stream = ch;
        ch.on('data', (c: Buffer) => {
          if (header === undefined) return keep(stdout, c);
          const all = Buffer.concat([header, c]);
          const nl = all.indexOf(10);
          if (nl < 0 && all.length < 24) {
            header = all;
            return;
          }
          header = undefined;
          const line = nl < 0 ? '' : all.subarray(0, nl).toString('latin1');
          if (/^\d+$/.test(line)) {
            pid = Number(line);
            if (settled) stop(); // stopped before the PID was known: finish the job now
            if (all.length > nl + 1) keep(stdout, all.subarray(nl + 1));
          } else {
            keep(stdout, all); // not our header (odd login shell): keep every byte as output
          }
        });
        ch.stderr.on('data', (c: Buffer) => keep(stderr, c));
        ch.on('exit', (c: number | null, sig?: string) => {
          code = typeof c === 'number' ? c : null;
          signalName = sig ?? null;
        });
        ch.on('error', (e: Error) => fail(new InterruptedError(`channel error (${e.message}): ${opts.label}`, { ...ctx, cause: e })));
        ch.on('close', () => {
          if (settled) return;
          if (code === null && signalName === null) {
            fail(new InterruptedError(`channel closed without an exit status (outcome unknown): ${opts.label}`, ctx));
            return;
          }
          cleanup();
          resolve({
            code,
            signal: signalName,
            stdout: Buffer.concat(stdout),
            stderr: Buffer.concat(stderr),
            truncated,
            durationMs: Math.round(performance.now() - started),
          });
        });
        if (opts.stdin !== undefined && opts.stdin.length > 0) ch.end(opts.stdin);
        else if (opts.nullStdin !== true) ch.end();
        // Timed out or aborted before the channel opened: stop it now (the handlers above catch the PID line).
        if (settled) stop();
      });
    } catch (err) {
      // ssh2 throws synchronously when the connection is not (or no longer) usable.
      fail(new UnreachableError(`connection not usable, command not started: ${opts.label}`, { ...ctx, cause: err }));
    }
  });
}
