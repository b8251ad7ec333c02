// Tests the tenants' list: guests needing a cold boot grouped by project, on the console and as RFC 4180 CSV and JSON.
import { describe, expect, it } from 'vitest';
import { PLAIN } from '../../../src/report/console-format.js';
import type { GuestReport, HostReport, Report } from '../../../src/report/model.js';
import { GUESTS_CSV_HEADER, renderGuestsCsv, renderGuestsJson, tenantLines, tenantProjects } from '../../../src/report/tenants.js';
import { buildReport } from '../../helpers/report-fixture.js';

/** A strict RFC 4180 reader (CRLF records, quoted fields with doubled quotes), written here so the test does not trust the writer. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      i += 1;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quoted field');
        if (text[i] === '"' && text[i + 1] === '"') { field += '"'; i += 2; continue; }
        if (text[i] === '"') { i += 1; break; }
        field += text[i++];
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r') {
        if (text[i] === '"' || text[i] === '\n') throw new Error(`bare ${JSON.stringify(text[i])} in an unquoted field at ${i}`);
        field += text[i++];
      }
    }
    row.push(field);
    if (text[i] === ',') { i += 1; continue; }
    if (text.slice(i, i + 2) !== '\r\n') throw new Error(`expected CRLF at ${i}`);
    i += 2;
    rows.push(row);
    row = [];
  }
  return rows;
}

function withGuests(perHost: Record<string, GuestReport[]>): Report {
  const base = buildReport('run');
  const hosts: HostReport[] = Object.entries(perHost).map(([name, guests]) => ({ ...base.hosts[1]!, name, guestsNeedingColdBoot: guests }));
  return { ...base, hosts };
}

const g = (uuid: string, name: string, projectId: string | null, host = 'nova-a'): GuestReport => ({ uuid, name, host, projectId });
const HOSTILE = 'db, "primary"\nline two';

describe('tenantProjects', () => {
  it('groups every host\'s guests by project, projects by id with the unknown last, guests by name', () => {
    const r = withGuests({ c1: [g('u3', 'zeta', 'p-2'), g('u1', 'alpha', null)], c2: [g('u2', 'beta', 'p-2', 'nova-b'), g('u4', 'gamma', 'p-1')] });
    expect(tenantProjects(r)).toEqual([
      { projectId: 'p-1', guests: [{ id: 'u4', name: 'gamma', novaHost: 'nova-a', inventoryHost: 'c2' }] },
      { projectId: 'p-2', guests: [{ id: 'u2', name: 'beta', novaHost: 'nova-b', inventoryHost: 'c2' }, { id: 'u3', name: 'zeta', novaHost: 'nova-a', inventoryHost: 'c1' }] },
      { projectId: null, guests: [{ id: 'u1', name: 'alpha', novaHost: 'nova-a', inventoryHost: 'c1' }] },
    ]);
  });
});

describe('renderGuestsCsv', () => {
  it('writes a header row and one CRLF record per guest, and a name with a comma, a quote and a newline round-trips', () => {
    const r = withGuests({ c1: [g('u1', HOSTILE, 'p-1'), g('u2', 'plain', null)] });
    const text = renderGuestsCsv(r);
    expect(text).toContain('"db, ""primary""\nline two"');
    expect(parseCsv(text)).toEqual([
      [...GUESTS_CSV_HEADER],
      ['p-1', HOSTILE, 'u1', 'nova-a', 'c1'],
      ['', 'plain', 'u2', 'nova-a', 'c1'],
    ]);
  });

  it('writes the header alone when no guest needs a cold boot', () => {
    expect(parseCsv(renderGuestsCsv(withGuests({ c1: [] })))).toEqual([[...GUESTS_CSV_HEADER]]);
  });
});

describe('renderGuestsJson', () => {
  it('holds the run, the total and the projects, and the hostile name round-trips', () => {
    const doc = JSON.parse(renderGuestsJson(withGuests({ c1: [g('u1', HOSTILE, 'p-1')] }))) as { runId: string; guests: number; projects: { projectId: string; guests: { name: string }[] }[] };
    expect(doc.runId).toBe('run-2026-03-22T02-00-00Z');
    expect(doc.guests).toBe(1);
    expect(doc.projects[0]!.guests[0]!.name).toBe(HOSTILE);
  });
});

describe('tenantLines', () => {
  it('lists each guest when the list is short, and quotes a name with control characters', () => {
    const lines = tenantLines(withGuests({ c1: [g('u1', HOSTILE, 'p-1'), g('u2', 'web', 'p-1')], c2: [g('u3', 'x', null)] }), PLAIN, false);
    expect(lines).toEqual([
      '3 guests in 2 projects need a cold boot (stop and start) to get md-clear:',
      '  project p-1: 2',
      `    ${JSON.stringify(HOSTILE)} (u1) on nova-a`,
      '    web (u2) on nova-a',
      '  project (not known): 1',
      '    x (u3) on nova-a',
    ]);
  });

  it('gives counts per project only for a long list, unless the full list is asked for', () => {
    const many = Array.from({ length: 12 }, (_, i) => g(`u${i}`, `vm-${i}`, i % 2 ? 'p-odd' : 'p-even'));
    const short = tenantLines(withGuests({ c1: many }), PLAIN, false);
    expect(short.slice(0, 3)).toEqual(['12 guests in 2 projects need a cold boot (stop and start) to get md-clear:', '  project p-even: 6', '  project p-odd: 6']);
    expect(short.some((l) => l.includes('vm-1 '))).toBe(false);
    expect(tenantLines(withGuests({ c1: many }), PLAIN, true).filter((l) => l.startsWith('    vm-'))).toHaveLength(12);
  });

  it('says so when no guest needs a cold boot', () => {
    expect(tenantLines(withGuests({ c1: [] }), PLAIN, false)).toEqual(['no guest needs a cold boot']);
  });

  it('does not claim "no guest" for hosts that did not finish (a run stopped after a refused host)', () => {
    const base = withGuests({ c1: [], c2: [], c3: [], c4: [] });
    const hosts = base.hosts.map((h, i) => ({ ...h, status: (['refused', 'skipped', 'skipped', 'changed'] as const)[i]! }));
    expect(tenantLines({ ...base, hosts }, PLAIN, false)).toEqual([
      'no guest seen needing a cold boot',
      '  3 hosts did not finish (1 refused, 2 not started): guests on them may be missing from this list',
    ]);
    const some = withGuests({ c1: [g('u1', 'web', 'p-1')], c2: [] });
    const oneUnreachable = { ...some, hosts: some.hosts.map((h, i) => (i === 1 ? { ...h, status: 'unreachable' as const } : h)) };
    expect(tenantLines(oneUnreachable, PLAIN, false).at(-1)).toBe('  1 host did not finish (1 unreachable): guests on it may be missing from this list');
  });
});
