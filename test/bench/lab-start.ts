// Benchmark: boots N fake hosts (default 200), reports start time, memory per host and stop time. Run: npx tsx test/bench/lab-start.ts [N] [concurrency]
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { LabFleet } from '../../src/lab/host/fleet.js';
import { resolveHostSpec } from '../../src/lab/host/spec.js';

const count = Number(process.argv[2] ?? 200);
const concurrency = process.argv[3] === undefined ? undefined : Number(process.argv[3]);
const port = 30_000 + Math.floor(Math.random() * 10_000);
const labDir = mkdtempSync(path.join(os.tmpdir(), 'lab-bench-'));
const hosts = Array.from({ length: count }, (_, i) => resolveHostSpec({
  name: `bench${String(i + 1).padStart(3, '0')}`,
  dist: i % 2 ? 'el8' : 'el7',
  cpu: i % 7 === 3 ? 'amd' : 'intel',
}, i, '127.20.0.0', port));

/** Proportional set size (shared pages split between sharers), kB; the fair per-process memory figure. */
function pssKb(pid: number): number {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

const fleet = new LabFleet({ labDir, hosts, ...(concurrency ? { concurrency } : {}) });
const cpu0 = process.cpuUsage();
const t0 = performance.now();
try {
  await fleet.start();
  const startMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  let pss = 0;
  for (const n of fleet.names) pss += pssKb(fleet.pid1(n) ?? -1) + pssKb(fleet.supervisorPid(n) ?? -1);
  // One real login per host proves they all answer.
  const sample = fleet.names.filter((_, i) => i % Math.max(1, Math.floor(count / 10)) === 0);
  const t1 = performance.now();
  await Promise.all(sample.map((n) => promisify(execFile)('ssh', ['-i', fleet.keys.privateKey, '-o', `UserKnownHostsFile=${fleet.keys.knownHosts}`,
    '-o', 'BatchMode=yes', '-p', String(port), `root@${fleet.spec(n).address}`, 'hostname'])));
  const sshMs = (performance.now() - t1) / sample.length;
  const t2 = performance.now();
  await fleet.stop();
  const stopMs = performance.now() - t2;
  console.log(JSON.stringify({
    hosts: count,
    cores: os.availableParallelism(),
    startSeconds: +(startMs / 1000).toFixed(1),
    startMsPerHost: +(startMs / count).toFixed(0),
    controllerCpuMsPerHost: +((cpu.user + cpu.system) / 1000 / count).toFixed(1),
    hostPssKbPerHost: Math.round(pss / count),
    nodeRssMb: Math.round(process.memoryUsage().rss / 1e6),
    sampleSshLoginMs: Math.round(sshMs),
    stopSeconds: +(stopMs / 1000).toFixed(2),
  }, null, 2));
} finally {
  await fleet.stop();
  rmSync(labDir, { recursive: true, force: true });
}
