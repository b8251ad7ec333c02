// Tests the Prometheus textfile: strict exposition syntax, HELP/TYPE first, no duplicate series, the right per-host values.
import { describe, expect, it } from 'vitest';
import type { Report } from '../../../src/report/model.js';
import { renderPrometheus } from '../../../src/report/prometheus.js';
import { parsePrometheusText, sampleValue } from '../../helpers/prometheus-text.js';
import { buildReport } from '../../helpers/report-fixture.js';

const HOST_METRICS = ['compliant', 'reboot_required', 'guests_needing_cold_boot', 'unreachable'].map((m) => `mds_orchestrate_host_${m}`);

describe('renderPrometheus', () => {
  it.each<Report['kind']>(['plan', 'run', 'sweep'])('%s: every family is a gauge with HELP and TYPE and one sample per host', (kind) => {
    const report = buildReport(kind);
    const families = parsePrometheusText(renderPrometheus(report));
    for (const f of families.values()) {
      expect(f.help, f.name).toBeTruthy();
      expect(f.type, f.name).toBe('gauge');
      expect(f.samples.length, f.name).toBeGreaterThan(0);
    }
    for (const m of HOST_METRICS) {
      expect(families.get(m)?.samples.map((s) => s.labels.host)).toEqual(report.hosts.map((h) => h.name));
    }
  });

  it('gives each host its compliance, reboot, cold-boot and reachability values', () => {
    const f = parsePrometheusText(renderPrometheus(buildReport('sweep')));
    const v = (m: string, host: string, az: string, aggregate: string): number | undefined => sampleValue(f, `mds_orchestrate_host_${m}`, { host, az, aggregate });
    expect(v('compliant', 'compute01', 'az1', 'agg-a')).toBe(1);
    expect(v('compliant', 'compute03', 'az2', 'agg-b')).toBe(0);
    expect(v('compliant', 'compute04', 'az2', 'agg-b')).toBe(0);
    expect(v('unreachable', 'compute04', 'az2', 'agg-b')).toBe(1);
    expect(v('unreachable', 'compute01', 'az1', 'agg-a')).toBe(0);
    expect(v('reboot_required', 'compute03', 'az2', 'agg-b')).toBe(1);
    expect(v('reboot_required', 'compute02', 'az1', 'agg-a')).toBe(0);
    expect(v('guests_needing_cold_boot', 'compute06', '', '')).toBe(1);
    expect(sampleValue(f, 'mds_orchestrate_hosts', { status: 'drift' })).toBe(2);
    expect(sampleValue(f, 'mds_orchestrate_hosts', { status: 'unreachable' })).toBe(1);
  });

  it('writes the sweep time and duration in seconds', () => {
    const f = parsePrometheusText(renderPrometheus(buildReport('sweep')));
    expect(sampleValue(f, 'mds_orchestrate_last_sweep_timestamp_seconds', {})).toBe(Date.parse('2026-03-22T02:41:07.250Z') / 1000);
    expect(sampleValue(f, 'mds_orchestrate_last_sweep_duration_seconds', {})).toBe(2467.25);
  });

  it('names the fleet gauges after the kind, so a run never looks like a sweep', () => {
    const f = parsePrometheusText(renderPrometheus(buildReport('run')));
    expect(f.has('mds_orchestrate_last_run_timestamp_seconds')).toBe(true);
    expect(f.has('mds_orchestrate_last_sweep_timestamp_seconds')).toBe(false);
  });

  it('escapes label values and keeps them intact', () => {
    const report = buildReport('sweep');
    report.hosts[0] = { ...report.hosts[0]!, name: 'odd"host\\name\nx', availabilityZone: 'zone "1"' };
    const text = renderPrometheus(report);
    const f = parsePrometheusText(text);
    expect(sampleValue(f, 'mds_orchestrate_host_compliant', { host: 'odd"host\\name\nx', az: 'zone "1"', aggregate: 'agg-a' })).toBe(1);
    expect(text.split('\n').every((l) => !l.includes('odd"host'))).toBe(true);
  });

  it('never repeats a series when a host appears twice', () => {
    const report = buildReport('sweep');
    report.hosts.push({ ...report.hosts[0]!, status: 'drift' });
    const f = parsePrometheusText(renderPrometheus(report));
    expect(sampleValue(f, 'mds_orchestrate_host_compliant', { host: 'compute01', az: 'az1', aggregate: 'agg-a' })).toBe(1);
  });
});
