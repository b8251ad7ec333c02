// Benchmark: gather the fact set from a 200-host lab with the real CLI; prints wall time, controller CPU and peak RSS.
// Run (root, after `npm run build`; needs /usr/bin/time):  npx tsx test/bench/facts-200.ts [--hosts 200] [--runs 1] [--forks 200]
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, startLab, type LabHandle } from '../helpers/lab.js';
import { measure } from './measure.js';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] ?? dflt : dflt;
}
const HOSTS = Number(arg('hosts', '200'));
const RUNS = Number(arg('runs', '1'));
const FORKS = Number(arg('forks', '200'));

/**
 * verify is read-only and needs no Nova, so the run is: connect, one gather exec per host, parse, check. That is the
 * engine's fixed cost per host, which every verb pays before its first step.
 */
const FACTS_PLAYBOOK = `name: facts only
hosts: all
forks: ${FORKS}
steps:
  - verify:
      minimums:
        el7:
          microcode_ctl: 2.1-47.2.el7_6
          kernel: 3.10.0-957.12.2.el7
          qemu-kvm-rhev: 2.12.0-18.el7_6.5
          libvirt: 4.5.0-10.el7_6.9
        el8:
          microcode_ctl: 20180807a-2.20190507.1.el8_0
          kernel: 4.18.0-80.1.2.el8_0
          qemu-kvm: 2.12.0-64.module+el8.0.0+3180+d6a3561d.2
          libvirt: 4.5.0-24.1.module+el8.0.0+3213+df1a4ad1
`;

interface ReportJson {
  hosts: { name: string; status: string; facts?: unknown }[];
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'bench-facts-'));
  const playbook = join(work, 'facts.yaml');
  writeFileSync(playbook, FACTS_PLAYBOOK);
  let lab: LabHandle | undefined;
  try {
    const t0 = performance.now();
    lab = await startLab({
      address_base: '127.34.0.0',
      port: 2234,
      hosts: Array.from({ length: HOSTS }, (_, i) => ({
        name: `f${String(i + 1).padStart(3, '0')}`,
        dist: i % 2 ? 'el8' : 'el7',
        ...(i % 10 === 3 ? { fixed: true } : {}),
      })),
      instances: 0,
    }, 'facts200');
    process.stdout.write(`lab: ${HOSTS} hosts up in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);

    for (let run = 1; run <= RUNS; run++) {
      const report = join(work, `report-${run}.json`);
      const m = await measure([process.execPath, CLI, 'plan', playbook, '-i', lab.inventory, '--state-dir', join(work, `state-${run}`), '--json', report]);
      // plan exits 2 when some host would change; anything else means the measurement is not of a clean gather.
      if (m.code !== 0 && m.code !== 2) throw new Error(`plan exited ${m.code}:\n${m.stdout}\n${m.stderr}`);
      const hosts = (JSON.parse(readFileSync(report, 'utf8')) as ReportJson).hosts;
      const gathered = hosts.filter((h) => h.facts !== undefined && h.facts !== null).length;
      const bad = hosts.filter((h) => h.status === 'unreachable' || h.status === 'failed');
      if (hosts.length !== HOSTS || gathered !== HOSTS || bad.length) {
        throw new Error(`expected facts from ${HOSTS} hosts; report has ${hosts.length} hosts, ${gathered} with facts, ${bad.length} unreachable/failed`);
      }
      process.stdout.write(
        `run ${run}: facts from ${gathered}/${HOSTS} hosts (forks ${FORKS}) — wall ${(m.wallMs / 1000).toFixed(2)} s, `
        + `controller CPU ${(m.cpuMs / 1000).toFixed(2)} s (user+sys), peak RSS ${m.maxRssMb.toFixed(0)} MB\n`,
      );
    }
    const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    process.stdout.write(`load average at the end: ${load} (other labs on this machine inflate wall time, not CPU)\n`);
  } finally {
    await lab?.down();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
