import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPlaybook, parsePlaybook } from '../../../src/playbook/index.js';
import { cleanupTrees, writeTree } from '../inventory/temp-files.js';
import { STEP_SCHEMAS } from './step-registry.js';

afterAll(cleanupTrees);

const GOOD = `name: MDS remediation
hosts: compute
cloud: lab
serial: [1, 5, "20%"]
max_fail_percentage: 0
failure_budget: "10%"
forks: 50
window: { start: "22:00", end: "06:00", timezone: UTC, days: [mon, tue] }
failure_domains: [availability_zone]
vars:
  reboot_timeout: 15m
  el7: &el7 { microcode_ctl: 2.1-47.2.el7_6 }
  settle: "{{ short }}"
  short: 30
steps:
  - update-packages: { minimums: { el7: *el7 } }
  - drain: {}
  - cpu-flags
  - reboot: { timeout: "{{ reboot_timeout }}", stable_for: "{{ settle }}" }
  - restore:
`;

describe('loadPlaybook', () => {
  it('reads a full playbook into typed values', async () => {
    const dir = writeTree({ 'pb.yaml': GOOD });
    const pb = await loadPlaybook(path.join(dir, 'pb.yaml'), STEP_SCHEMAS);
    expect(pb).toMatchObject({
      name: 'MDS remediation',
      hosts: 'compute',
      cloud: 'lab',
      serial: [1, 5, '20%'],
      maxFailPercentage: 0,
      failureBudget: '10%',
      forks: 50,
      window: { start: '22:00', end: '06:00', timezone: 'UTC', days: ['mon', 'tue'] },
      failureDomains: ['availability_zone'],
    });
    expect(pb.hostsLocation).toMatchObject({ line: 2, column: 8 });
    expect(pb.steps.map((s) => s.id)).toEqual(['update-packages', 'drain', 'cpu-flags', 'reboot', 'restore']);
    expect(pb.steps.map((s) => s.location.line)).toEqual([16, 17, 18, 19, 20]);
    expect(pb.steps[0]!.params).toEqual({ minimums: { el7: { microcode_ctl: '2.1-47.2.el7_6' } } });
    expect(pb.steps[1]!.params).toEqual({ migration_timeout: 900_000, parallel_per_host: 2 });
    expect(pb.steps[3]!.params).toEqual({ timeout: 900_000, stable_for: 30_000 });
  });

  it('applies defaults: hosts all, forks 5, no serial (one batch), no limits', () => {
    const pb = parsePlaybook('name: x\nsteps:\n  - restore: {}\n', 'pb.yaml', STEP_SCHEMAS);
    expect(pb).toMatchObject({ hosts: 'all', forks: 5, failureDomains: [], vars: {} });
    expect(pb.serial).toBeUndefined();
    expect(pb.maxFailPercentage).toBeUndefined();
    expect(pb.failureBudget).toBeUndefined();
  });

  it('takes serial: auto as the word, not a batch size (sized from Placement at run time); other words stay errors', () => {
    expect(parsePlaybook('name: x\nserial: auto\nsteps: [restore]\n', 'pb.yaml', STEP_SCHEMAS).serial).toBe('auto');
    expect(() => parsePlaybook('name: x\nserial: [auto]\nsteps: [restore]\n', 'pb.yaml', STEP_SCHEMAS)).toThrow(/expected a batch size/);
    expect(() => parsePlaybook('name: x\nserial: automatic\nsteps: [restore]\n', 'pb.yaml', STEP_SCHEMAS)).toThrow(/expected a batch size/);
  });

  it('normalises serial and budgets: one value becomes a list, "5" a count', () => {
    const pb = parsePlaybook('name: x\nserial: "25 %"\nfailure_budget: "3"\nhosts: [a, "b:!c"]\nsteps: [restore]\n', 'pb.yaml', STEP_SCHEMAS);
    expect(pb.serial).toEqual(['25%']);
    expect(pb.failureBudget).toBe(3);
    expect(pb.hosts).toBe('a,b:!c');
  });

  it('interpolation embeds values into longer strings and keeps the type of a lone template', () => {
    const pb = parsePlaybook(
      'name: x\nvars: { pkgs: [a, b], rack: r1, host: "{{ rack }}-c1" }\nsteps:\n  - guests: { allow: "{{ pkgs }}" }\n  - guests: { allow: ["{{ host }}", "x-{{ rack }}"] }\n',
      'pb.yaml',
      STEP_SCHEMAS,
    );
    expect(pb.steps[0]!.params).toEqual({ cold_boot: false, allow: ['a', 'b'] });
    expect(pb.steps[1]!.params).toEqual({ cold_boot: false, allow: ['r1-c1', 'x-r1'] });
  });
});
