// The transport contract: how the engine and steps talk to one host, whatever carries it (ssh2, in-memory).
import { OrchestratorError, type ErrorContext } from '../util/errors.js';

export interface ExecOptions {
  /** Kill the command (and fail with ExecTimeoutError) after this long. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Bytes fed to the command's stdin, then EOF. Secrets go here, never into the command line. */
  stdin?: string | Buffer;
  /** Run through privilege escalation (sudo) when the host is configured to become root. */
  become?: boolean;
  /** Cap on captured stdout+stderr; the rest is dropped and `truncated` set. */
  maxOutputBytes?: number;
}

export interface ExecResult {
  /** Exit status; null when the command ended on a signal. */
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  truncated: boolean;
  durationMs: number;
}

export interface WriteFileOptions {
  /** The file's mode; absent keeps an existing file's mode and owner. */
  mode?: number;
  become?: boolean;
  /** Before the first write, the file as it was is copied (mode and owner kept) to path + this suffix; later writes keep that copy. */
  backupSuffix?: string;
  signal?: AbortSignal;
}

export interface Transport {
  readonly host: string;
  /** Opens the connection if not open; throws UnreachableError or AuthError. Idempotent. */
  connect(signal?: AbortSignal): Promise<void>;
  exec(command: string, opts?: ExecOptions): Promise<ExecResult>;
  readFile(path: string, opts?: { become?: boolean }): Promise<Buffer>;
  /** Atomic on the host: temp file beside the target, fsync, rename. */
  writeFile(path: string, data: string | Buffer, opts?: WriteFileOptions): Promise<void>;
  /** Drops the current connection (if any) and connects again, retrying as configured. */
  reconnect(signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

/** The host could not be reached or refused us at the SSH level: never confused with a failed command. */
export class UnreachableError extends OrchestratorError {
  constructor(message: string, ctx: ErrorContext = {}) {
    super('E_UNREACHABLE', message, ctx);
  }
}

/** Authentication failed (key refused, bad passphrase). A kind of unreachable for reporting purposes. */
export class AuthError extends UnreachableError {}

/** The host key does not match known_hosts (or is unknown under the strict policy). */
export class HostKeyError extends UnreachableError {}

/** The connection dropped while a command ran: its outcome is unknown (e.g. the host rebooted). */
export class InterruptedError extends OrchestratorError {
  constructor(message: string, ctx: ErrorContext = {}) {
    super('E_INTERRUPTED', message, ctx);
  }
}

export class ExecTimeoutError extends OrchestratorError {
  constructor(message: string, ctx: ErrorContext = {}) {
    super('E_TIMEOUT', message, ctx);
  }
}

export class AbortedError extends OrchestratorError {
  constructor(message = 'aborted', ctx: ErrorContext = {}) {
    super('E_ABORTED', message, ctx);
  }
}
