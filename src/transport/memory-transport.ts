// An in-memory Transport for tests and the engine benchmark: exec answered by a handler, files in a map, optional latency.
import { RemoteFileError } from './remote-files.js';
import { AbortedError, UnreachableError, type ExecOptions, type ExecResult, type Transport, type WriteFileOptions } from './types.js';

export type ExecHandler = (host: string, command: string, opts: ExecOptions) => Partial<ExecResult> | Promise<Partial<ExecResult>>;

export interface MemoryTransportOptions {
  handler?: ExecHandler;
  /** Delay before each exec/connect answers, in ms. */
  latencyMs?: number;
  /** connect() fails with UnreachableError (or with this error when it is one). */
  unreachable?: boolean | Error;
  files?: Record<string, string | Buffer>;
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) {
    return signal?.aborted ? Promise.reject(new AbortedError()) : Promise.resolve();
  }
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new AbortedError());
    const onAbort = (): void => {
      clearTimeout(t);
      reject(new AbortedError());
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export class MemoryTransport implements Transport {
  readonly files: Map<string, Buffer>;
  /** Every command run, in order (tests assert on it). */
  readonly commands: string[] = [];
  connected = false;
  connects = 0;
  closed = false;

  constructor(
    readonly host: string,
    private readonly opts: MemoryTransportOptions = {},
  ) {
    this.files = new Map(Object.entries(opts.files ?? {}).map(([k, v]) => [k, Buffer.from(v)]));
  }

  async connect(signal?: AbortSignal): Promise<void> {
    if (this.connected) return;
    await delay(this.opts.latencyMs ?? 0, signal);
    const u = this.opts.unreachable;
    if (u) throw u instanceof Error ? u : new UnreachableError(`${this.host}: connection refused`, { host: this.host });
    this.connected = true;
    this.connects++;
  }

  async exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    if (!this.connected) throw new UnreachableError(`${this.host}: not connected`, { host: this.host });
    const started = performance.now();
    this.commands.push(command);
    await delay(this.opts.latencyMs ?? 0, opts.signal);
    const r = this.opts.handler ? await this.opts.handler(this.host, command, opts) : {};
    return {
      code: r.code === undefined ? 0 : r.code,
      signal: r.signal ?? null,
      stdout: r.stdout ?? '',
      stderr: r.stderr ?? '',
      truncated: r.truncated ?? false,
      durationMs: performance.now() - started,
    };
  }

  async readFile(path: string): Promise<Buffer> {
    const data = this.files.get(path);
    // As the SSH transport says it: a missing file is a RemoteFileError that knows it was not found.
    if (!data) throw Object.assign(new RemoteFileError(`${this.host}: ${path}: no such file`, path, true), { code: 'ENOENT' });
    return data;
  }

  async writeFile(path: string, data: string | Buffer, opts: WriteFileOptions = {}): Promise<void> {
    if (opts.signal?.aborted) throw new AbortedError();
    const before = this.files.get(path);
    // As the SSH transport's script: the file as it was before the first write is kept once beside it.
    if (opts.backupSuffix !== undefined && before && !this.files.has(path + opts.backupSuffix)) this.files.set(path + opts.backupSuffix, before);
    this.files.set(path, Buffer.from(data));
  }

  async reconnect(signal?: AbortSignal): Promise<void> {
    this.connected = false;
    await this.connect(signal);
  }

  async close(): Promise<void> {
    this.connected = false;
    this.closed = true;
  }
}
