// Refused and unknown hosts read apart from ok, drift and failed in every format: console, JSON (+ schema), JUnit,
// Prometheus, Markdown, HTML.
import { describe, expect, it } from 'vitest';
import { renderHtml, renderJson, renderJunit, renderMarkdown, renderPrometheus, REPORT_JSON_SCHEMA } from '../../../src/report/index.js';
import { PLAIN } from '../../../src/report/console-format.js';
import type { HostReport, Report } from '../../../src/report/model.js';
import { reportLines } from '../../../src/report/plan-text.js';
import { summarizeHosts } from '../../../src/report/summary.js';
import { validateJsonSchema } from '../../helpers/json-schema.js';

const REFUSAL = 'refusing to reboot: Nova shows 1 instance(s) on c2: web-1 (ACTIVE)';
const UNREADABLE = 'cannot read /sys/devices/system/cpu/vulnerabilities/mds: Permission denied; set ansible_become';

function host(name: string, status: HostReport['status'], step: string, error?: string): HostReport {
  return {
    name, address: name, novaHost: name, availabilityZone: 'az1', aggregate: null, status, ...(error ? { error: `${step}: ${error}` } : {}),
    steps: [{ id: step, status: status === 'refused' || status === 'unknown' ? status : 'ok', changes: [], notes: [], ...(error ? { error } : {}), durationMs: 5 }],
    checks: [], rebootReasons: [], packagesBelowMinimum: [], guestsNeedingColdBoot: [], warnings: [],
  };
}

function report(kind: Report['kind']): Report {
  const hosts = [host('c1', 'ok', 'verify'), host('c2', 'refused', 'reboot', REFUSAL), host('c3', 'unknown', 'verify', UNREADABLE)];
  return {
    schemaVersion: 1, kind, tool: { name: 'mds-orchestrate', version: '0.0.0' }, runId: 'r-1', playbook: null,
    startedAt: '2026-12-07T01:00:00.000Z', finishedAt: '2026-12-07T01:01:00.000Z', durationMs: 60_000, summary: summarizeHosts(hosts), hosts,
  };
}

describe('refused and unknown in every format', () => {
  it('are counted apart in the summary', () => {
    expect(report('run').summary).toMatchObject({ ok: 1, refused: 1, unknown: 1, failed: 0, drift: 0 });
  });

  it('console: the final report line and each host say them', () => {
    const text = reportLines(report('run'), PLAIN).join('\n');
    expect(text).toContain('c2 (c2, az1): refused');
    expect(text).toContain('c3 (c3, az1): unknown');
    expect(text).toMatch(/0 failed, .*1 refused, 1 unknown/);
  });

  it('JSON: statuses and counts, valid against the schema', () => {
    const json = JSON.parse(renderJson(report('sweep'))) as Report;
    expect(json.hosts.map((h) => h.status)).toEqual(['ok', 'refused', 'unknown']);
    expect(validateJsonSchema(REPORT_JSON_SCHEMA, json)).toEqual([]);
  });

  it('JUnit: a refusal is a typed failure, an unknown verdict an error', () => {
    const xml = renderJunit(report('sweep'));
    expect(xml).toContain(`<failure message="refused: ${REFUSAL}" type="Refused">`);
    expect(xml).toMatch(/<error message="unknown: cannot read [^"]*" type="UnknownEvidence">/);
    expect(xml).toMatch(/<testsuites name="mds-orchestrate" tests="\d+" failures="1" errors="1"/);
  });

  it('Prometheus: own per-host gauges and status series; neither counts as compliant', () => {
    const prom = renderPrometheus(report('sweep'));
    expect(prom).toContain('mds_orchestrate_host_refused{host="c2",az="az1",aggregate=""} 1');
    expect(prom).toContain('mds_orchestrate_host_unknown{host="c3",az="az1",aggregate=""} 1');
    expect(prom).toContain('mds_orchestrate_host_compliant{host="c3",az="az1",aggregate=""} 0');
    expect(prom).toContain('mds_orchestrate_hosts{status="refused"} 1');
    expect(prom).toContain('mds_orchestrate_hosts{status="unknown"} 1');
  });

  it('Markdown: counted and listed among the hosts needing attention, with the reason', () => {
    const md = renderMarkdown(report('run'));
    expect(md).toMatch(/\| Refused \| Unknown \|/);
    expect(md).toContain('| c2 | **refused** | reboot: refusing to reboot: Nova shows 1 instance(s) on c2: web-1 (ACTIVE) |\n| c3 |');
    expect(md).toContain('| c3 | **unknown** | verify: cannot read');
  });

  it('HTML: own tiles, colours and badges', () => {
    const html = renderHtml(report('run'));
    expect(html).toContain('.s-refused{--c:');
    expect(html).toContain('.s-unknown{--c:');
    expect(html).toContain('data-status="refused"');
    expect(html).toContain('data-status="unknown"');
  });

  it('an unknown check (evidence never read) is a JUnit error and reads unknown in HTML, a drifted one a failure and fail', () => {
    const r = report('sweep');
    r.hosts[2]!.checks = [
      { name: 'guests', ok: false, detail: "unknown: could not read the hypervisor's guest list", unknown: true },
      { name: 'dmesg', ok: false, detail: 'no MDS: line in the kernel log' },
    ];
    expect(validateJsonSchema(REPORT_JSON_SCHEMA, JSON.parse(renderJson(r)))).toEqual([]);
    const xml = renderJunit(r);
    expect(xml).toMatch(/<testcase classname="sweep.c3" name="guests"[^>]*>\s*<error message="unknown: could not read the hypervisor&apos;s guest list" type="UnknownEvidence"/);
    expect(xml).toMatch(/<testcase classname="sweep.c3" name="dmesg"[^>]*>\s*<failure message="no MDS: line in the kernel log"/);
    const html = renderHtml(r);
    expect(html).toContain('<span class="ok-unknown">unknown</span>');
    expect(html).toContain('<span class="ok-no">fail</span>');
  });
});
