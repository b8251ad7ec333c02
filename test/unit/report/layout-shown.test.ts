// Each host's layout in the reports: plan/sweep text, JSON (schema-valid) and the HTML host detail; an unknown layout says why.
import { describe, expect, it } from 'vitest';
import { REPORT_JSON_SCHEMA } from '../../../src/report/json-schema.js';
import { renderJson } from '../../../src/report/json.js';
import { reportLines } from '../../../src/report/plan-text.js';
import { renderHostDetails } from '../../../src/report/html-host.js';
import { PLAIN } from '../../../src/report/console-format.js';
import { validateJsonSchema } from '../../helpers/json-schema.js';
import { buildReport } from '../../helpers/report-fixture.js';

function withLayouts() {
  const r = buildReport('plan');
  r.hosts[0]!.facts!.layout = {
    name: 'tripleo-modular', source: 'detected', basis: ['nova_virtqemud container', 'puppet-generated nova_libvirt nova.conf'],
    summary: 'tripleo-modular (detected): nova.conf /var/lib/config-data/puppet-generated/nova_libvirt/etc/nova/nova.conf, virsh podman:nova_virtqemud, nova-compute systemd:tripleo_nova_compute',
  };
  r.hosts[1]!.facts!.layout = null;
  r.hosts[1]!.facts!.layoutUnknown = 'deployment layout unknown: a nova_compute container under both docker and podman';
  return r;
}

describe('the layout in reports', () => {
  it('plan text shows the layout with its basis, or why it is unknown', () => {
    const lines = reportLines(withLayouts(), PLAIN);
    expect(lines).toContain('  layout tripleo-modular (detected): nova.conf /var/lib/config-data/puppet-generated/nova_libvirt/etc/nova/nova.conf, virsh podman:nova_virtqemud, nova-compute systemd:tripleo_nova_compute [nova_virtqemud container; puppet-generated nova_libvirt nova.conf]');
    expect(lines).toContain('  layout unknown: deployment layout unknown: a nova_compute container under both docker and podman');
  });

  it('JSON keeps it and validates; a layout of the wrong shape does not', () => {
    const doc = JSON.parse(renderJson(withLayouts())) as { hosts: { facts: { layout: unknown } }[] };
    expect(validateJsonSchema(REPORT_JSON_SCHEMA, doc)).toEqual([]);
    expect(doc.hosts[0]!.facts.layout).toMatchObject({ name: 'tripleo-modular', source: 'detected' });
    (doc.hosts[0]!.facts.layout as { source: string }).source = 'guessed';
    expect(validateJsonSchema(REPORT_JSON_SCHEMA, doc)).not.toEqual([]);
  });

  it('the HTML host detail has a Layout row', () => {
    const r = withLayouts();
    expect(renderHostDetails(r.hosts[0]!, 0, 'plan')).toMatch(/<td>Layout<\/td><td>tripleo-modular \(detected\): .*; from nova_virtqemud container, puppet-generated nova_libvirt nova.conf<\/td>/);
    expect(renderHostDetails(r.hosts[1]!, 1, 'plan')).toContain('unknown: deployment layout unknown');
  });
});
