// Test helpers for the engine: hosts, facts and scriptable steps over the in-memory transport.
import { z } from 'zod';
import { allRead } from '../../../src/facts/index.js';
import type { HostFacts } from '../../../src/facts/types.js';
import type { HostSpec } from '../../../src/inventory/types.js';
import type { Diff, Step, StepContext } from '../../../src/steps/types.js';
import type { PlannedStep } from '../../../src/engine/host-runner.js';

export function host(name: string, vars: Record<string, unknown> = {}): HostSpec {
  return { name, address: '127.0.0.1', port: 22, user: 'root', become: false, novaHost: name, groups: ['all'], vars };
}

export function hosts(n: number, prefix = 'h'): HostSpec[] {
  return Array.from({ length: n }, (_, i) => host(`${prefix}${i + 1}`));
}

export function fakeFacts(hostname: string): HostFacts {
  return {
    hostname,
    os: { id: 'rhel', versionId: '7.6', dist: 'el7', prettyName: 'RHEL 7.6' },
    kernelRunning: '3.10.0',
    bootId: 'boot-1',
    packages: {},
    sysfs: { mds: null, tsxAsyncAbort: null, mmioStaleData: null },
    mds: { kind: 'absent' },
    cpu: { vendor: 'intel', mdClearFlag: false },
    dmesgMds: [],
    kernelLog: { tried: [], mdsSource: null, ringWrapped: null },
    novaConfPath: '/etc/nova/nova.conf',
    novaConf: null,
    novaLibvirt: { cpuMode: null, cpuModels: [], extraFlags: [], virtType: null },
    domcaps: null,
    guests: [],
    privilege: { uid: 0, user: 'root' },
    evidence: allRead(),
  };
}

export function diff(step: string, ...summaries: string[]): Diff {
  return { step, changes: summaries.map((s) => ({ kind: 'test', summary: s })), notes: [] };
}

export interface Calls {
  log: string[];
}

/**
 * A step whose desired state is a per-host flag: check() reports a change until apply() sets it.
 * Hooks let a test make it fail, defer, hang or leave changes behind.
 */
export function flagStep(
  id: string,
  calls: Calls,
  hooks: {
    disruptive?: boolean;
    initiallyDone?: (host: string) => boolean;
    apply?: (ctx: StepContext<unknown>) => Promise<void> | void;
    check?: (ctx: StepContext<unknown>) => Promise<Diff | undefined> | Diff | undefined;
    verify?: (ctx: StepContext<unknown>) => Promise<Diff> | Diff;
  } = {},
): Step<unknown> & { done: Set<string> } {
  const done = new Set<string>();
  return {
    id,
    title: `step ${id}`,
    disruptive: hooks.disruptive ?? false,
    params: z.unknown(),
    done,
    async check(ctx) {
      calls.log.push(`${ctx.host.name}:${id}:check`);
      const custom = await hooks.check?.(ctx);
      if (custom) return custom;
      const isDone = done.has(ctx.host.name) || (hooks.initiallyDone?.(ctx.host.name) ?? false);
      return isDone ? diff(id) : diff(id, `set ${id} on ${ctx.host.name}`);
    },
    async apply(ctx) {
      calls.log.push(`${ctx.host.name}:${id}:apply`);
      await hooks.apply?.(ctx);
      done.add(ctx.host.name);
    },
    ...(hooks.verify ? { verify: async (ctx: StepContext<unknown>) => hooks.verify!(ctx) } : {}),
  };
}

export function planned(...steps: Step<unknown>[]): PlannedStep[] {
  return steps.map((step) => ({ step, params: {} }));
}

export function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
