// Benchmark: runFleet over the in-memory transport with trivial steps at 1,000 and 10,000 hosts (wall, CPU, peak RSS).
// Run: npx tsx test/bench/engine-memory.ts [--no-state] [--latency MS]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { EngineEvents } from '../../src/engine/events.js';
import { runFleet } from '../../src/engine/runner.js';
import type { HostFacts } from '../../src/facts/types.js';
import type { HostSpec } from '../../src/inventory/types.js';
import { StateStore } from '../../src/state/store.js';
import type { Diff, Step } from '../../src/steps/types.js';
import { MemoryTransport } from '../../src/transport/memory-transport.js';
import { createRunLogger } from '../../src/util/logger.js';

const withState = !process.argv.includes('--no-state');
const latencyArg = process.argv.indexOf('--latency');
const latencyMs = latencyArg > 0 ? Number(process.argv[latencyArg + 1]) : 1;

const FACTS = { hostname: '', os: { id: 'rhel', versionId: '7.6', dist: 'el7', prettyName: 'RHEL 7.6' } } as unknown as HostFacts;

/** check() runs one command; the first check finds a change, apply runs one command, verify finds none. */
function trivialStep(id: string): Step<unknown> {
  const done = new Set<string>();
  return {
    id,
    title: id,
    disruptive: false,
    params: z.unknown(),
    async check(ctx): Promise<Diff> {
      await ctx.facts();
      await ctx.transport.exec(`check-${id}`);
      return { step: id, changes: done.has(ctx.host.name) ? [] : [{ kind: 'x', summary: `${id} on ${ctx.host.name}` }], notes: [] };
    },
    async apply(ctx) {
      await ctx.transport.exec(`apply-${id}`);
      done.add(ctx.host.name);
    },
  };
}

function fleet(n: number): HostSpec[] {
  return Array.from({ length: n }, (_, i) => ({
    name: `compute-${String(i).padStart(5, '0')}`, address: '127.0.0.1', port: 22, user: 'root', become: true,
    novaHost: `compute-${i}`, groups: ['compute', 'all'], vars: { availability_zone: `az${i % 3}` },
  }));
}

async function bench(n: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'engine-bench-'));
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
  try {
    const store = withState ? await StateStore.open(dir) : null;
    const log = createRunLogger({ stateDir: dir, runId: `bench-${n}` });
    const events = new EngineEvents();
    let stepEnds = 0;
    events.on('step-end', () => stepEnds++);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const summary = await runFleet({
      runId: `bench-${n}`, mode: 'apply', hosts: fleet(n), forks: 50, serial: '25%', maxFailPercentage: 10,
      steps: ['update-packages', 'drain', 'reboot', 'verify'].map((id) => ({ step: trivialStep(id), params: {} })),
      transportFactory: (h) => new MemoryTransport(h.name, { latencyMs, handler: () => ({ stdout: 'ok\n' }) }),
      gatherFacts: async () => FACTS,
      state: store, logger: log.logger, events,
    });
    const wall = performance.now() - t0;
    if (process.env.BENCH_HEAP) { (globalThis as { gc?: () => void }).gc?.(); console.log("heap after run", (process.memoryUsage().heapUsed / 2 ** 20).toFixed(1), "MB rss", (process.memoryUsage().rss / 2 ** 20).toFixed(0)); }
    const cpu = process.cpuUsage(cpu0);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    log.close();
    if (summary.changed !== n || stepEnds !== n * 4) throw new Error(`unexpected result: ${JSON.stringify({ ...summary, hosts: undefined })}`);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    console.log(
      `${String(n).padStart(6)} hosts  wall ${(wall / 1000).toFixed(2)} s  cpu ${(cpuMs / 1000).toFixed(2)} s ` +
        `(user ${(cpu.user / 1e6).toFixed(2)} / sys ${(cpu.system / 1e6).toFixed(2)})  cpu/host ${(cpuMs / n).toFixed(3)} ms  peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MB`,
    );
  } finally {
    clearInterval(sampler);
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`engine benchmark: 4 steps/host, forks 50, serial 25%, exec latency ${latencyMs} ms, state store ${withState ? 'on (fsync per transition)' : 'off'}, JSON log on`);
for (const n of [1000, 10000]) await bench(n);
