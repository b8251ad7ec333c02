import { afterAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { loadPlaybook, parsePlaybook } from '../../../src/playbook/index.js';
import { catchConfigErrors, cleanupTrees, expectErrorAt, writeTree } from '../inventory/temp-files.js';
import { STEP_SCHEMAS } from './step-registry.js';

afterAll(cleanupTrees);

const F = 'pb.yaml';
const errorsOf = (text: string) => catchConfigErrors(() => parsePlaybook(text, F, STEP_SCHEMAS));

describe('bad playbooks name file, line, column and field', () => {
  it('1. malformed YAML, with its line', async () => {
    const errors = await errorsOf('name: x\nsteps:\n  - drain: { a: 1\n  - reboot: {}\n');
    expect(errors[0]!.location.file).toBe(F);
    expect(errors[0]!.location.line).toBeGreaterThanOrEqual(3);
    expect(errors[0]!.message).toMatch(/invalid YAML/);
  });

  it('2. wrong type at the top level', async () => {
    const errors = await errorsOf('name: x\nforks: many\nsteps: [restore]\n');
    expectErrorAt(errors, { file: F, line: 2, column: 8, field: 'forks', text: 'expected number, got string "many"' });
  });

  it('3. unknown top-level key, listing the accepted ones', async () => {
    const errors = await errorsOf('name: x\nserail: 1\nsteps: [restore]\n');
    expectErrorAt(errors, { file: F, line: 2, column: 1, field: 'serail', text: /unknown key; expected one of: name, hosts, .*serial/ });
  });

  it('4. unknown step id at its line', async () => {
    const errors = await errorsOf('name: x\nsteps:\n  - drain: {}\n  - rebot: { timeout: 5m }\n');
    expectErrorAt(errors, { file: F, line: 4, column: 5, field: 'steps[1].rebot', text: 'unknown step "rebot"; expected one of: update-packages, drain' });
  });

  it('5. bad serial value inside the list', async () => {
    const errors = await errorsOf('name: x\nserial: [1, 0, "120%"]\nsteps: [restore]\n');
    expectErrorAt(errors, { file: F, line: 2, column: 13, field: 'serial[1]', text: 'expected a batch size' });
    expectErrorAt(errors, { file: F, line: 2, column: 16, field: 'serial[2]', text: 'got "120%"' });
  });

  it('6. bad duration in step params, with the full field path', async () => {
    const errors = await errorsOf('name: x\nsteps:\n  - drain: {}\n  - cpu-flags: {}\n  - reboot:\n      timeout: 15 minutes\n');
    expectErrorAt(errors, { file: F, line: 6, column: 16, field: 'steps[2].reboot.timeout', text: 'expected a duration such as 30s, 15m, 1h' });
  });

  it('7. bad window time', async () => {
    const errors = await errorsOf('name: x\nwindow:\n  start: "25:00"\n  end: "06:00"\nsteps: [restore]\n');
    expectErrorAt(errors, { file: F, line: 3, column: 10, field: 'window.start', text: 'expected a time HH:MM' });
  });

  it('8. cycle in vars, naming the chain', async () => {
    const errors = await errorsOf('name: x\nvars:\n  a: "{{ b }}"\n  b: "x-{{ c }}"\n  c: "{{ a }}"\nsteps:\n  - reboot: { timeout: "{{ a }}" }\n');
    expectErrorAt(errors, { file: F, line: 3, column: 6, field: 'vars.a', text: 'cycle in vars: a -> b -> c -> a' });
    expect(errors).toHaveLength(1);
  });

  it('9. missing required value', async () => {
    const errors = await errorsOf('hosts: all\nsteps: [restore]\n');
    expect(errors[0]!.field).toBe('name');
    expect(errors[0]!.message).toContain('pb.yaml:1:1: name: a value is required (expected string)');
  });

  it('10. empty steps list', async () => {
    const errors = await errorsOf('name: x\nsteps: []\n');
    expectErrorAt(errors, { file: F, line: 2, column: 8, field: 'steps', text: 'expected at least one step' });
  });

  it('11. unknown key inside step params', async () => {
    const errors = await errorsOf('name: x\nsteps:\n  - drain:\n      migration_timeout: 5m\n      paralel_per_host: 3\n');
    expectErrorAt(errors, { file: F, line: 5, column: 7, field: 'steps[0].drain.paralel_per_host', text: 'expected one of: migration_timeout, parallel_per_host' });
  });

  it('12. undefined variable in step params', async () => {
    const errors = await errorsOf('name: x\nvars: { t: 5m }\nsteps:\n  - reboot: { timeout: "{{ tt }}" }\n');
    expectErrorAt(errors, { file: F, line: 4, column: 24, field: 'steps[0].reboot.timeout', text: 'undefined variable "tt"' });
  });

  it('13. a step item with two keys (a forgotten dash)', async () => {
    const errors = await errorsOf('name: x\nsteps:\n  - drain: {}\n    reboot: {}\n');
    expectErrorAt(errors, { file: F, line: 4, column: 5, field: 'steps[0]', text: 'write each step as its own list item' });
  });

  it('14. bad failure domain, bad max_fail_percentage and a duplicate key together', async () => {
    const errors = await errorsOf('name: x\nfailure_domains: [rack]\nmax_fail_percentage: 150\nsteps: [restore]\nname: y\n');
    expectErrorAt(errors, { file: F, line: 5, column: 1, field: 'name', text: 'duplicate key "name"' });
  });

  it('15. failure domains and percentage checked once the YAML parses', async () => {
    const errors = await errorsOf('name: x\nfailure_domains: [rack]\nmax_fail_percentage: 150\nsteps: [restore]\n');
    expectErrorAt(errors, { file: F, line: 2, column: 19, field: 'failure_domains[0]', text: 'expected one of "availability_zone", "aggregate"' });
    expectErrorAt(errors, { file: F, line: 3, column: 22, field: 'max_fail_percentage', text: 'expected a number <= 100, got 150' });
  });

  it('16. unsupported template syntax and a bad timezone', async () => {
    const errors = await errorsOf('name: x\nwindow: { start: "22:00", end: "06:00", timezone: Mars/Olympus }\nvars: { t: 5m }\nsteps:\n  - reboot: { timeout: "{{ t | default(1) }}" }\n');
    expectErrorAt(errors, { file: F, line: 2, field: 'window.timezone', text: 'IANA time zone' });
    expectErrorAt(errors, { file: F, line: 5, field: 'steps[0].reboot.timeout', text: 'only {{ name }} or {{ name.key }} is supported' });
  });

  it('17. a document that is not a mapping, and a missing file', async () => {
    expect((await errorsOf('- name: x\n'))[0]!.message).toContain('pb.yaml:1:1: expected a playbook mapping');
    const dir = writeTree({});
    const errors = await catchConfigErrors(() => loadPlaybook(path.join(dir, 'missing.yaml'), STEP_SCHEMAS));
    expect(errors[0]!.message).toContain('missing.yaml: file not found');
  });

  it('reports every problem at once, in file order', async () => {
    const errors = await errorsOf('name: 3\nforks: 0\nsteps:\n  - nope\n  - reboot: { timeout: soon }\n');
    expect(errors.map((e) => [e.location.line, e.field])).toEqual([
      [1, 'name'],
      [2, 'forks'],
      [4, 'steps[0]'],
      [5, 'steps[1].reboot.timeout'],
    ]);
  });
});
