// Builds realistic Reports for the report tests: a mix of statuses, a nova.conf diff, guests, an unreachable host, a trend.
import type { CheckReport, HostReport, HostStatus, Report, StepReport, TrendPoint } from '../../src/report/model.js';
import { migrationsOf } from '../../src/report/migrations.js';
import { summarizeHosts } from '../../src/report/summary.js';

export const NOVA_CONF_DIFF = [
  '--- /etc/nova/nova.conf',
  '+++ /etc/nova/nova.conf',
  '@@ -40,6 +40,6 @@',
  ' [libvirt]',
  ' virt_type = kvm',
  ' cpu_mode = custom',
  ' cpu_models = Haswell-noTSX-IBRS',
  '-cpu_model_extra_flags = pcid',
  '+cpu_model_extra_flags = pcid,md-clear',
  ' images_type = rbd',
  '',
].join('\n');

/** A note that would inject markup if any format forgot to escape it. */
export const HOSTILE_NOTE = 'operator said: <script>alert("x")</script> & "quotes" \'single\' | pipe `tick` *star*';
export const FAILURE_REASON = 'dnf update failed (exit 1): Error: Transaction check error: installing package kernel-4.18.0-80.el8 needs 52MB on the /boot filesystem';
export const UNREACHABLE_REASON = 'connect ECONNREFUSED 127.0.0.1:2204';

const MITIGATED = 'Mitigation: Clear CPU buffers; SMT vulnerable';
const VULNERABLE = 'Vulnerable: Clear CPU buffers attempted, no microcode; SMT vulnerable';

function checks(ok: boolean): CheckReport[] {
  return [
    { name: 'sysfs', ok, detail: `mds: ${ok ? MITIGATED : VULNERABLE}` },
    { name: 'dmesg', ok, detail: ok ? 'MDS: Mitigation: Clear CPU buffers' : 'MDS: Vulnerable: Clear CPU buffers attempted, no microcode' },
    { name: 'domcaps', ok, detail: ok ? 'guests get md-clear (domcapabilities + nova.conf)' : 'md-clear does not reach guests: not required in domcapabilities host-model' },
    { name: 'kernel', ok, detail: ok ? 'running 4.18.0-80.el8.x86_64, minimum 4.18.0-80.el8' : 'running 4.18.0-32.el8.x86_64, minimum 4.18.0-80.el8' },
    { name: 'packages', ok: true, detail: 'all at or above the minimums' },
    { name: 'nova-conf', ok, detail: `cpu_model_extra_flags = ${ok ? 'pcid,md-clear' : 'pcid'}` },
  ];
}

function step(id: string, status: StepReport['status'], extra: Partial<StepReport> = {}): StepReport {
  return { id, status, changes: [], notes: [], durationMs: 1200, ...extra };
}

function host(name: string, n: number, az: string | null, aggregate: string | null, status: HostStatus, extra: Partial<HostReport> = {}): HostReport {
  return {
    name,
    address: `127.0.1.${n}`,
    novaHost: `${name}.cloud.example`,
    availabilityZone: az,
    aggregate,
    status,
    facts: { os: 'Rocky Linux 8.10', kernelRunning: '4.18.0-80.el8.x86_64', bootId: `0b5e1c0e-0000-4000-8000-00000000000${n}`, cpuVendor: 'intel', mds: MITIGATED, tsxAsyncAbort: 'Not affected', mmioStaleData: 'Unknown: No mitigations' },
    steps: [],
    checks: [],
    rebootReasons: [],
    packagesBelowMinimum: [],
    guestsNeedingColdBoot: [],
    warnings: [],
    ...extra,
  };
}

/** The remediated host: every kind of change a run makes. `applied` = run (changed), otherwise plan (would-change). */
function remediated(applied: boolean): HostReport {
  const st = applied ? 'changed' : 'would-change';
  return host('compute01', 1, 'az1', 'agg-a', st, {
    steps: [
      step('update-packages', st, {
        changes: [
          { kind: 'package-update', summary: 'kernel 4.18.0-32.el8 -> 4.18.0-80.el8 (minimum 4.18.0-80.el8)', data: { name: 'kernel', installed: '4.18.0-32.el8', minimum: '4.18.0-80.el8', available: '4.18.0-80.el8' } },
          { kind: 'package-update', summary: 'microcode_ctl 4:20180807a-2.el8 -> 4:20190507-1.el8 (minimum 4:20190507-1.el8)', data: { name: 'microcode_ctl', installed: '4:20180807a-2.el8', minimum: '4:20190507-1.el8', available: '4:20190507-1.el8' } },
        ],
      }),
      step('drain', st, {
        changes: [
          { kind: 'disable-service', summary: 'disable nova-compute on compute01.cloud.example (reason: "mds-orchestrate run r-1")', data: { serviceId: 'svc-1' } },
          { kind: 'migrate-instance', summary: 'live-migrate web-1 (6f1e0c52-8c3a-4d1b-9b1e-000000000001)', data: { serverId: '6f1e0c52-8c3a-4d1b-9b1e-000000000001', name: 'web-1', projectId: 'p-42', flavor: { vcpus: 1, ramMb: 2048 } } },
          { kind: 'migrate-instance', summary: 'live-migrate db-1 (6f1e0c52-8c3a-4d1b-9b1e-000000000002)', data: { serverId: '6f1e0c52-8c3a-4d1b-9b1e-000000000002', name: 'db-1', projectId: 'p-42', flavor: { vcpus: 4, ramMb: 8192 } } },
        ],
      }),
      step('cpu-flags', st, {
        changes: [{ kind: 'nova-conf-edit', summary: 'add md-clear to [libvirt] cpu_model_extra_flags in /etc/nova/nova.conf', data: { path: '/etc/nova/nova.conf', diff: NOVA_CONF_DIFF } }],
        notes: ['nova-compute picks up the change at the reboot that follows'],
      }),
      step('reboot', st, { changes: [{ kind: 'reboot', summary: 'reboot: running kernel 4.18.0-32.el8.x86_64 is older than the newest installed kernel 4.18.0-80.el8', data: { reasons: [{ code: 'kernel', message: 'running kernel is older' }] } }], durationMs: 95_000 }),
      step('verify', applied ? 'ok' : 'skipped', { notes: applied ? checks(true).map((c) => `${c.name}: ${c.detail}`) : [], findings: applied ? [{ kind: 'checks', checks: checks(true).map((c) => ({ check: c.name as 'sysfs', ok: c.ok, detail: c.detail })) }] : undefined }),
      step('restore', st, { changes: [{ kind: 'enable-service', summary: 'enable nova-compute on compute01.cloud.example (disabled by this tool: "mds-orchestrate run r-1")', data: { serviceId: 'svc-1' } }] }),
    ],
    checks: applied ? checks(true) : checks(false),
    rebootReasons: applied ? [] : ['running kernel 4.18.0-32.el8.x86_64 is older than the newest installed kernel 4.18.0-80.el8'],
    warnings: ['MDS mitigated but SMT vulnerable: disable SMT where guests are untrusted'],
  });
}

function compliant(): HostReport {
  return host('compute02', 2, 'az1', 'agg-a', 'ok', {
    steps: [step('update-packages', 'ok'), step('verify', 'ok', { notes: ['sysfs: mds: ' + MITIGATED] })],
    checks: checks(true),
  });
}

function failed(): HostReport {
  return host('compute03', 3, 'az2', 'agg-b', 'failed', {
    error: FAILURE_REASON,
    steps: [
      step('update-packages', 'failed', {
        error: FAILURE_REASON,
        changes: [{ kind: 'package-update', summary: 'kernel 4.18.0-32.el8 -> 4.18.0-80.el8 (minimum 4.18.0-80.el8)' }],
      }),
      step('drain', 'skipped'),
    ],
    checks: checks(false),
    packagesBelowMinimum: [{ name: 'kernel', installed: '4.18.0-32.el8', minimum: '4.18.0-80.el8' }],
    rebootReasons: ['microcode is not loaded: sysfs mds says "Vulnerable: Clear CPU buffers attempted, no microcode"'],
  });
}

function unreachable(): HostReport {
  const h = host('compute04', 4, 'az2', 'agg-b', 'unreachable', { error: UNREACHABLE_REASON });
  delete h.facts;
  return h;
}

function deferred(): HostReport {
  return host('compute05', 5, 'az3', null, 'deferred', { error: 'outside the maintenance window (Sat 22:00-06:00 UTC)', steps: [step('drain', 'deferred')] });
}

function drifted(): HostReport {
  return host('compute06', 6, null, null, 'drift', {
    steps: [step('cpu-flags', 'would-change', { changes: [{ kind: 'nova-conf-edit', summary: 'add md-clear to [libvirt] cpu_model_extra_flags in /etc/nova/nova.conf', data: { path: '/etc/nova/nova.conf', diff: NOVA_CONF_DIFF } }] }),
      step('guests', 'ok', { notes: ['needs a cold boot: legacy-vm (9a9a9a9a-0000-4000-8000-000000000009), project p-7', HOSTILE_NOTE] })],
    checks: [...checks(true).filter((c) => c.name !== 'nova-conf'), { name: 'nova-conf', ok: false, detail: 'cpu_model_extra_flags = pcid' }, { name: 'guests', ok: false, detail: '1 running guest lacks md-clear' }],
    guestsNeedingColdBoot: [{ uuid: '9a9a9a9a-0000-4000-8000-000000000009', name: 'legacy-vm', host: 'compute06.cloud.example', projectId: 'p-7' }],
    warnings: [HOSTILE_NOTE],
  });
}

export const FIXTURE_TREND: TrendPoint[] = [
  { runId: 'sweep-2026-03-01', at: '2026-03-01T02:00:00.000Z', hosts: { compute01: 'drift', compute02: 'ok', compute03: 'drift', compute04: 'ok', compute06: 'ok' } },
  { runId: 'sweep-2026-03-08', at: '2026-03-08T02:00:00.000Z', hosts: { compute01: 'drift', compute02: 'ok', compute03: 'drift', compute04: 'unreachable', compute06: 'ok' } },
  { runId: 'sweep-2026-03-15', at: '2026-03-15T02:00:00.000Z', hosts: { compute01: 'ok', compute02: 'ok', compute03: 'drift', compute04: 'unreachable', compute05: 'ok', compute06: 'drift' } },
];

/** Statuses a sweep can produce: a run's 'changed' becomes 'ok', its 'failed' becomes 'drift', deferral does not happen. */
function asSweep(h: HostReport): HostReport {
  const map: Partial<Record<HostStatus, HostStatus>> = { changed: 'ok', failed: 'drift', deferred: 'ok', 'would-change': 'drift' };
  const status = map[h.status] ?? h.status;
  return { ...h, status, steps: status === 'unreachable' ? [] : h.steps.map((s) => ({ ...s, status: s.status === 'failed' ? 'would-change' : s.status === 'changed' ? 'ok' : s.status })) };
}

export function buildReport(kind: Report['kind'] = 'run'): Report {
  let hosts = [remediated(kind !== 'plan'), compliant(), failed(), unreachable(), deferred(), drifted()];
  if (kind === 'sweep') hosts = hosts.map(asSweep);
  if (kind === 'plan') hosts = hosts.map((h) => (h.status === 'failed' ? { ...h, status: 'would-change', error: undefined } : h));
  const report: Report = {
    schemaVersion: 1,
    kind,
    tool: { name: 'mds-orchestrate', version: '0.1.0' },
    runId: `${kind}-2026-03-22T02-00-00Z`,
    playbook: 'playbooks/mds.yml',
    startedAt: '2026-03-22T02:00:00.000Z',
    finishedAt: '2026-03-22T02:41:07.250Z',
    durationMs: 2_467_250,
    summary: summarizeHosts(hosts, kind === 'run' ? 'failure budget exceeded: 1 of 6 hosts failed (max 10%)' : undefined),
    hosts,
  };
  if (kind === 'sweep') report.trend = FIXTURE_TREND;
  if (kind === 'run') report.migrations = migrationsOf(hosts);
  return report;
}
