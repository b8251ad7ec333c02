// Prometheus textfile (node_exporter textfile collector): per-host compliance gauges and fleet sweep gauges.
import { escapeHelp, escapeLabelValue } from './escape.js';
import { HOST_STATUS_ORDER, isCompliant } from './status.js';
import type { HostReport, Report } from './model.js';

interface Family {
  name: string;
  help: string;
  samples: { labels: Record<string, string>; value: number }[];
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

function formatLabels(labels: Record<string, string>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabelValue(v)}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

/** Host labels: an empty az/aggregate reads in PromQL as the label being absent, which is what null means. */
function hostLabels(h: HostReport): Record<string, string> {
  return { host: h.name, az: h.availabilityZone ?? '', aggregate: h.aggregate ?? '' };
}

function perHost(name: string, help: string, hosts: readonly HostReport[], value: (h: HostReport) => number): Family {
  return { name, help, samples: hosts.map((h) => ({ labels: hostLabels(h), value: value(h) })) };
}

/**
 * No sample timestamps: the textfile collector rejects them. The fleet gauges are named after the kind
 * (last_sweep_*, last_run_*, last_plan_*) so a run's textfile never masquerades as a compliance sweep.
 * A host name that appears twice in a report is counted once (first wins): duplicate series would make
 * node_exporter drop the whole file.
 */
export function renderPrometheus(report: Report): string {
  const seen = new Set<string>();
  const hosts = report.hosts.filter((h) => (seen.has(h.name) ? false : (seen.add(h.name), true)));
  const p = 'mds_orchestrate';
  const families: Family[] = [
    perHost(`${p}_host_compliant`, 'Whether the host is known to be mitigated against MDS (1) or not, or not known to be (unreachable, unknown, refused: 0).', hosts, (h) => (isCompliant(h.status) ? 1 : 0)),
    perHost(`${p}_host_reboot_required`, 'Whether the host needs a reboot to finish the MDS mitigation (new kernel, microcode, config).', hosts, (h) => (h.rebootReasons.length ? 1 : 0)),
    perHost(`${p}_host_guests_needing_cold_boot`, 'Running guests on the host whose CPU lacks md-clear until they are stopped and started.', hosts, (h) => h.guestsNeedingColdBoot.length),
    perHost(`${p}_host_unreachable`, 'Whether the host could not be reached over SSH (1).', hosts, (h) => (h.status === 'unreachable' ? 1 : 0)),
    perHost(`${p}_host_unknown`, 'Whether evidence a check needs could not be read on the host (1): its compliance is unknown, not ok.', hosts, (h) => (h.status === 'unknown' ? 1 : 0)),
    perHost(`${p}_host_refused`, 'Whether a safety check left the host untouched on purpose (1): it is not remediated.', hosts, (h) => (h.status === 'refused' ? 1 : 0)),
    {
      name: `${p}_hosts`,
      help: 'Hosts in the last report by status.',
      samples: HOST_STATUS_ORDER.map((status) => ({ labels: { status }, value: hosts.filter((h) => h.status === status).length })),
    },
    {
      name: `${p}_last_${report.kind}_timestamp_seconds`,
      help: `Unix time the last ${report.kind} finished.`,
      samples: [{ labels: {}, value: Date.parse(report.finishedAt) / 1000 }],
    },
    {
      name: `${p}_last_${report.kind}_duration_seconds`,
      help: `How long the last ${report.kind} took.`,
      samples: [{ labels: {}, value: report.durationMs / 1000 }],
    },
  ];
  const lines: string[] = [];
  for (const f of families) {
    lines.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} gauge`);
    for (const s of f.samples) lines.push(`${f.name}${formatLabels(s.labels)} ${formatValue(s.value)}`);
  }
  return `${lines.join('\n')}\n`;
}
