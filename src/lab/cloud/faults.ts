// Runtime faults: endpoint failures for the next K matching calls, held calls, failing or hanging migrations, token expiry.
import { z } from 'zod';

export const endpointFaultSchema = z.strictObject({
  /** HTTP method to match; any when absent. */
  method: z.string().min(1).transform((m) => m.toUpperCase()).optional(),
  /** Path glob on the request path (no query): `*` is one segment, `**` any number. */
  path: z.string().min(1),
  /** For POST .../action: the action key to match (e.g. os-migrateLive). */
  action: z.string().min(1).optional(),
  /** Query parameters the call must carry with these values; null: must not carry it at all. */
  query: z.record(z.string(), z.string().nullable()).optional(),
  /**
   * status: answer with `status` at once; hang: never answer; delay: wait `delayMs`, then answer normally (or with `status`);
   * hold: wait until the test releases held calls (`release: true`), then answer from the state at that moment, so a test
   * can change the world at an exact point of a run, not at a guessed time.
   */
  kind: z.enum(['status', 'hang', 'delay', 'hold']),
  status: z.number().int().min(400).max(599).optional(),
  delayMs: z.number().int().nonnegative().optional(),
  count: z.number().int().positive().default(1),
}).refine((f) => f.kind !== 'status' || f.status !== undefined, { message: 'kind "status" needs a status', path: ['status'] })
  .refine((f) => f.kind !== 'delay' || f.delayMs !== undefined, { message: 'kind "delay" needs delayMs', path: ['delayMs'] });

export const faultUpdateSchema = z.strictObject({
  /** Reset every fault before applying the rest of this update. */
  clear: z.boolean().optional(),
  /** Appended to the pending endpoint faults. */
  endpoints: z.array(endpointFaultSchema).optional(),
  /** Instance names or uuids whose live migrations end in status `error` (replaces the list). */
  migrationFailures: z.array(z.string().min(1)).optional(),
  /** Instance names or uuids whose live migrations stay `running` until aborted (replaces the list). */
  migrationHangs: z.array(z.string().min(1)).optional(),
  /** Answers every held call (kind hold) now. */
  release: z.boolean().optional(),
  /** Every token issued so far expires now (Nova calls with them get 401 until the client re-authenticates). */
  expireTokens: z.boolean().optional(),
  tokenTtlMs: z.number().int().positive().optional(),
  migrationMs: z.number().int().nonnegative().optional(),
  powerActionMs: z.number().int().nonnegative().optional(),
});

export type EndpointFault = z.output<typeof endpointFaultSchema>;
export type FaultUpdate = z.input<typeof faultUpdateSchema>;

interface PendingFault extends EndpointFault {
  remaining: number;
}

export interface FaultSnapshot {
  endpoints: (EndpointFault & { remaining: number })[];
  migrationFailures: string[];
  migrationHangs: string[];
  /** Calls held right now by a hold fault. */
  held: number;
}

export class FaultStore {
  private endpoints: PendingFault[] = [];
  private failures = new Set<string>();
  private hangs = new Set<string>();
  private held: (() => void)[] = [];

  /** Clearing also lets held calls go: no fault outlives its reset. */
  clear(): void {
    this.endpoints = [];
    this.failures.clear();
    this.hangs.clear();
    this.release();
  }

  /** Resolves when the test releases held calls. */
  hold(): Promise<void> {
    return new Promise((resolve) => this.held.push(resolve));
  }

  release(): void {
    const held = this.held;
    this.held = [];
    for (const go of held) go();
  }

  addEndpoint(f: EndpointFault): void {
    this.endpoints.push({ ...f, remaining: f.count });
  }

  setMigrationFailures(names: string[]): void {
    this.failures = new Set(names);
  }

  setMigrationHangs(names: string[]): void {
    this.hangs = new Set(names);
  }

  migrationOutcome(inst: { uuid: string; name: string }): 'fail' | 'hang' | 'ok' {
    if (this.failures.has(inst.uuid) || this.failures.has(inst.name)) return 'fail';
    if (this.hangs.has(inst.uuid) || this.hangs.has(inst.name)) return 'hang';
    return 'ok';
  }

  /** The first pending fault matching this call, consumed by one use. */
  take(method: string, path: string, action: string | undefined, query: URLSearchParams = new URLSearchParams()): EndpointFault | undefined {
    const idx = this.endpoints.findIndex((f) =>
      (f.method === undefined || f.method === method) && (f.action === undefined || f.action === action) && globMatch(f.path, path)
      && Object.entries(f.query ?? {}).every(([k, v]) => (v === null ? !query.has(k) : query.get(k) === v)));
    if (idx < 0) return undefined;
    const f = this.endpoints[idx]!;
    f.remaining -= 1;
    if (f.remaining <= 0) this.endpoints.splice(idx, 1);
    return f;
  }

  snapshot(): FaultSnapshot {
    return { endpoints: this.endpoints.map((f) => ({ ...f })), migrationFailures: [...this.failures], migrationHangs: [...this.hangs], held: this.held.length };
  }
}

export function globMatch(pattern: string, path: string): boolean {
  const strip = (s: string): string[] => s.split('/').filter((x) => x !== '');
  const pat = strip(pattern);
  const segs = strip(path);
  const walk = (i: number, j: number): boolean => {
    if (i === pat.length) return j === segs.length;
    const p = pat[i]!;
    if (p === '**') {
      for (let k = j; k <= segs.length; k++) if (walk(i + 1, k)) return true;
      return false;
    }
    if (j === segs.length) return false;
    return (p === '*' || p === segs[j]) && walk(i + 1, j + 1);
  };
  return walk(0, 0);
}
