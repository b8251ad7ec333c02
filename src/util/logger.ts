// The run's JSON log (pino) in <state-dir>/logs/<run-id>.log: runId on every line, host/step children, secrets scrubbed.
import { closeSync, fchmodSync, fstatSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pino, type DestinationStream, type Logger } from 'pino';

const SECRET_KEYS = [
  'password', 'passphrase', 'token', 'secret', 'authorization', 'apiKey', 'api_key',
  'ansible_password', 'ansible_ssh_pass', 'ansible_become_password', 'ansible_become_pass', 'ansible_ssh_private_key_passphrase',
  '"X-Auth-Token"', '"x-auth-token"', '"X-Subject-Token"', '"x-subject-token"',
];

const SECRET_KEY_SET = new Set(SECRET_KEYS.map((k) => k.replace(/"/g, '').toLowerCase()));
const CENSOR = '[redacted]';
const MAX_DEPTH = 8;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * A copy of a log object with the values of secret-named keys censored, at any depth of plain objects and arrays;
 * the object itself when it holds none (the common case costs one walk, no copy). This replaces pino's wildcard
 * redact paths, which cost more per line than the rest of the logging and still stopped at a fixed depth.
 */
export function censorSecretKeys<T>(value: T, depth = 0): T {
  if (depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const v = censorSecretKeys(value[i] as unknown, depth + 1);
      if (v !== value[i]) (copy ??= [...value])[i] = v;
    }
    return (copy ?? value) as T;
  }
  if (!isPlainObject(value)) return value;
  let copy: Record<string, unknown> | null = null;
  for (const key of Object.keys(value)) {
    const v = value[key];
    const next = SECRET_KEY_SET.has(key.toLowerCase()) && v !== undefined && v !== null ? CENSOR : censorSecretKeys(v, depth + 1);
    if (next !== v) (copy ??= { ...value })[key] = next;
  }
  return (copy ?? value) as T;
}

const secrets = new Set<string>();
let pattern: RegExp | null = null;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Any text passed through scrubSecrets (every log line, reporter output, error strings) loses this value. */
export function registerSecret(value: string | null | undefined): void {
  if (!value) return;
  const before = secrets.size;
  secrets.add(value);
  // Inside a JSON string the value appears escaped (quotes, backslashes, newlines).
  secrets.add(JSON.stringify(value).slice(1, -1));
  if (secrets.size === before) return;
  const alts = [...secrets].sort((a, b) => b.length - a.length).map(escapeRegExp);
  pattern = new RegExp(alts.join('|'), 'g');
}

/** Tests only: forget registered secrets. */
export function clearSecrets(): void {
  secrets.clear();
  pattern = null;
}

export function scrubSecrets(text: string): string {
  if (pattern === null) return text;
  return text.replace(pattern, '[redacted]');
}

/** A stream that scrubs each serialized line before it reaches the real destination. */
export function scrubbingStream(dest: DestinationStream): DestinationStream {
  return { write: (line: string) => dest.write(scrubSecrets(line)) };
}

export interface RunLogger {
  logger: Logger;
  path: string;
  /** Flushes and closes the file. */
  close(): void;
}

export function runLogPath(stateDir: string, runId: string): string {
  return join(stateDir, 'logs', `${encodeURIComponent(runId)}.log`);
}

/**
 * The log file, written synchronously (a kill -9 must not eat the last lines, which are the ones that explain it).
 * A write that fails (a full filesystem above all) is handed to `onError` once and the log stops there: pino's own
 * destination throws from whatever code logged, or in sync mode retries a full disk forever when flushed.
 */
class SyncLogFile implements DestinationStream {
  private fd: number | null;
  failed: Error | null = null;

  constructor(path: string, private readonly onError: (err: Error) => void) {
    this.fd = openSync(path, 'a', 0o600);
    // An existing file keeps its mode on open: make it private (but never chmod a device such as /dev/stderr).
    if (fstatSync(this.fd).isFile()) fchmodSync(this.fd, 0o600);
  }

  write(line: string): void {
    if (this.fd === null || this.failed) return;
    try {
      const buf = Buffer.from(line, 'utf8');
      for (let off = 0; off < buf.length;) off += writeSync(this.fd, buf, off);
    } catch (err) {
      this.failed = err as Error;
      this.onError(this.failed);
    }
  }

  close(): void {
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    closeSync(fd);
  }
}

export interface RunLoggerOptions {
  stateDir: string;
  runId: string;
  level?: string;
  /** Write here instead of <state-dir>/logs/<run-id>.log (--log-file). */
  path?: string;
  /** Told once when a line could not be written (ENOSPC, EDQUOT, EIO): the log stops, the caller decides the rest. */
  onWriteError?: (err: Error, path: string) => void;
}

export function createRunLogger(opts: RunLoggerOptions): RunLogger {
  const path = opts.path ?? runLogPath(opts.stateDir, opts.runId);
  mkdirSync(opts.path ? dirname(path) : join(opts.stateDir, 'logs'), { recursive: true, mode: 0o700 });
  const file = new SyncLogFile(path, (err) => opts.onWriteError?.(err, path));
  const logger = pino(
    {
      level: opts.level ?? 'info',
      base: { runId: opts.runId },
      formatters: { log: (obj) => censorSecretKeys(obj), bindings: (b) => censorSecretKeys(b) },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    scrubbingStream(file),
  );
  return {
    logger,
    path,
    close() {
      file.close();
    },
  };
}

/** For callers without a state dir (tests, plan runs to stdout). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** Child logger carrying host and (optionally) step on every line. */
export function hostLogger(parent: Logger, host: string, step?: string): Logger {
  return parent.child(step === undefined ? { host } : { host, step });
}
