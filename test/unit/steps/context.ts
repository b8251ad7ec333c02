// Builds a StepContext over a FakeHost and a FakeNovaApi, and runs a step the pyinfra way (check, apply, verify, check).
import { pino } from 'pino';
import type { HostFacts } from '../../../src/facts/types.js';
import type { HostSpec } from '../../../src/inventory/types.js';
import { UnreachableError } from '../../../src/transport/types.js';
import type { Checkpoint, Diff, FleetCoordinator, Step, StepContext } from '../../../src/steps/types.js';
import type { FakeNovaApi } from '../../helpers/fake-nova-api.js';
import type { FakeHost } from './fake-host.js';

export class MemoryCheckpoint implements Checkpoint {
  data: unknown = undefined;
  writes = 0;
  get<T = unknown>(): T | undefined {
    return this.data === undefined ? undefined : (structuredClone(this.data) as T);
  }
  async set(data: unknown): Promise<void> {
    this.writes += 1;
    this.data = structuredClone(data);
  }
}

export const openFleet: FleetCoordinator = {
  withMigrationSlot: (fn) => fn(),
  withFailureDomain: (_h, fn) => fn(),
  inWindow: () => true,
};

export interface TestContext<P> extends StepContext<P> {
  warnings: string[];
  refreshes: number;
}

export interface ContextOptions {
  runId?: string;
  checkpoint?: MemoryCheckpoint;
  signal?: AbortSignal;
  fleet?: FleetCoordinator;
  novaHost?: string;
  /** Runs recorded in the state directory besides this one (their disables are this controller's). */
  ownRuns?: string[];
}

export function hostSpec(name: string, novaHost = name): HostSpec {
  return { name, address: '127.0.0.1', port: 22, user: 'root', become: true, novaHost, groups: ['compute', 'all'], vars: {} };
}

/** params go through the step's own schema, so defaults and validation are the real ones. */
export async function stepContext<P>(step: Step<P>, host: FakeHost, nova: FakeNovaApi | null, params: unknown = {}, o: ContextOptions = {}): Promise<TestContext<P>> {
  await host.transport.connect();
  let cached: HostFacts | null = null;
  const ctx: TestContext<P> = {
    host: hostSpec(host.state.hostname, o.novaHost ?? host.state.hostname),
    transport: host.transport,
    runId: o.runId ?? 'run-20190515T0900',
    params: step.params.parse(params),
    async facts() {
      cached ??= host.facts();
      return cached;
    },
    async refreshFacts() {
      // A real gather is one exec: it needs the connection.
      if (!host.transport.connected) throw new UnreachableError(`${host.state.hostname}: not connected`);
      ctx.refreshes += 1;
      cached = host.facts();
      return cached;
    },
    nova,
    checkpoint: o.checkpoint ?? new MemoryCheckpoint(),
    signal: o.signal ?? new AbortController().signal,
    log: pino({ level: 'silent' }),
    warn(message: string) {
      ctx.warnings.push(message);
    },
    fleet: o.fleet ?? openFleet,
    isOwnRun: (runId) => runId === ctx.runId || (o.ownRuns ?? []).includes(runId),
    warnings: [],
    refreshes: 0,
  };
  return ctx;
}

export interface Converged {
  first: Diff;
  verified: Diff;
  second: Diff;
}

/** check → apply (when there is a change) → verify must find nothing → a second check must be empty too. */
export async function converge<P>(step: Step<P>, ctx: StepContext<P>): Promise<Converged> {
  const first = await step.check(ctx);
  if (first.changes.length) await step.apply(ctx, first);
  const verified = await (step.verify ?? step.check)(ctx);
  const second = await step.check(ctx);
  return { first, verified, second };
}

export function kinds(diff: Diff): string[] {
  return diff.changes.map((c) => c.kind);
}
