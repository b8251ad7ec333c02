// Bad input through the real CLI: lab descriptions, clouds.yaml, saved plans, step params: exit 4, file:line:col + field, no host contacted.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, FAST_PLAYBOOK } from '../helpers/lab.js';

const dir = mkdtempSync(join(tmpdir(), 'mds-faults-input-'));
const ADDR = '127.39.0.200';
const PORT = 2239;
let connections = 0;
let listener: net.Server;

const file = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const inventory = () => file('inv.yaml', `all:\n  hosts:\n    h1:\n      ansible_host: ${ADDR}\n      ansible_port: ${PORT}\n`);
const goodClouds = 'clouds:\n  lab:\n    auth:\n      auth_url: http://127.0.0.1:1/v3\n      username: u\n      password: p\n      project_name: admin\n';

interface Case { name: string; args: () => string[]; env?: Record<string, string>; where: RegExp; field: RegExp }

const labCase = (name: string, yaml: string, where: RegExp, field: RegExp): Case => ({
  name: `lab description: ${name}`, where, field,
  args: () => ['lab', 'up', '--config', file(`lab-${name.replace(/\W+/g, '-')}.yaml`, yaml), '--dir', join(dir, 'never')],
});
const cloudsCase = (name: string, yaml: string, where: RegExp, field: RegExp, cloud = 'lab'): Case => ({
  name: `clouds.yaml: ${name}`, where, field,
  args: () => ['run', FAST_PLAYBOOK, '-i', inventory(), '--state-dir', join(dir, 'st'), '-y', '--cloud', cloud],
  env: { OS_CLIENT_CONFIG_FILE: join(dir, `clouds-${name.replace(/\W+/g, '-')}.yaml`), __YAML: yaml },
});
const planCase = (name: string, text: string | null, field: RegExp): Case => ({
  name: `saved plan: ${name}`, where: /plan/, field,
  args: () => ['run', FAST_PLAYBOOK, '-i', inventory(), '--state-dir', join(dir, 'st'), '-y', '--plan',
    text === null ? join(dir, 'missing-plan.json') : file(`plan-${name.replace(/\W+/g, '-')}.json`, text)],
  env: { OS_CLIENT_CONFIG_FILE: file('clouds-good.yaml', goodClouds) },
});
const stepCase = (name: string, steps: string, where: RegExp, field: RegExp): Case => ({
  name: `step params: ${name}`, where, field,
  args: () => ['run', file(`pb-${name.replace(/\W+/g, '-')}.yaml`, `name: bad\nhosts: all\nsteps:\n${steps}`), '-i', inventory(), '--state-dir', join(dir, 'st'), '-y'],
});

const cases: Case[] = [
  labCase('host name with capitals', 'hosts:\n  - name: Bad_Name\n', /lab-.*\.yaml:2:\d+/, /hosts\[0\]\.name/),
  labCase('shell in cpu_model', 'hosts:\n  - name: a\n    cpu_mode: custom\n    cpu_model: "$(touch /tmp/pwned)"\n', /:4:\d+/, /hosts\[0\]\.cpu_model: expected a libvirt CPU model name/),
  labCase('address not loopback', 'address_base: 10.0.0.0\nhosts:\n  - name: a\n', /:1:\d+/, /address_base/),
  labCase('port below 1024', 'port: 80\nhosts:\n  - name: a\n', /:1:\d+/, /port: expected a number >= 1024/),
  labCase('typo in a host key', 'hosts:\n  - name: a\n    cpu_mod: custom\n', /:3:\d+/, /hosts\[0\]\.cpu_mod: unknown key/),
  labCase('bad boot delay', 'hosts:\n  - name: a\n    boot_delay: soon\n', /:3:\d+/, /hosts\[0\]\.boot_delay: expected a duration/),
  labCase('unknown fault', 'hosts:\n  - name: a\n    faults: { explode: true }\n', /:3:\d+/, /hosts\[0\]\.faults\.explode: unknown key/),
  labCase('no hosts', 'hosts: []\n', /:1:\d+/, /hosts: expected at least one host/),
  labCase('bad indentation', 'hosts:\n  - name: a\n   dist: el9\n', /:3:\d+/, /invalid YAML/),
  labCase('unknown dist', 'hosts:\n  - name: a\n    dist: el9\n', /:3:\d+/, /hosts\[0\]\.dist/),
  cloudsCase('no auth_url', 'clouds:\n  lab:\n    auth:\n      username: u\n      password: p\n      project_name: a\n', /clouds-.*\.yaml:3:\d+/, /clouds\.lab\.auth\.auth_url: missing/),
  cloudsCase('no password', 'clouds:\n  lab:\n    auth:\n      auth_url: http://127.0.0.1:1/v3\n      username: u\n      project_name: a\n', /:3:\d+/, /clouds\.lab\.auth\.password: missing password/),
  cloudsCase('no project', 'clouds:\n  lab:\n    auth:\n      auth_url: http://127.0.0.1:1/v3\n      username: u\n      password: p\n', /:3:\d+/, /project_name/),
  cloudsCase('unknown cloud', goodClouds, /:1:\d+/, /clouds\.other: unknown cloud \(defined: lab\)/, 'other'),
  cloudsCase('malformed YAML', 'clouds:\n  lab: [\n', /:\d+:\d+/, /invalid YAML/),
  cloudsCase('cacert that does not exist', `${goodClouds}    cacert: /nonexistent/ca.pem\n`, /:\d+:\d+/, /cacert/),
  planCase('not JSON', '{not json', /not a readable plan file/),
  planCase('missing file', null, /not a readable plan file/),
  planCase('not a plan', '{"hosts": 3}', /expected a plan written by 'mds-orchestrate plan --out'/),
  stepCase('bad migration timeout', '  - drain:\n      migration_timeout: forever\n', /pb-.*\.yaml:5:\d+/, /steps\[0\]\.drain\.migration_timeout: expected a duration/),
  stepCase('zero parallel migrations', '  - drain:\n      parallel_per_host: 0\n', /:5:\d+/, /steps\[0\]\.drain\.parallel_per_host: expected a number >= 1/),
  stepCase('shell in a package name', '  - update-packages:\n      minimums:\n        el7:\n          "kernel; reboot": 1.0-1\n', /:7:\d+/, /update-packages\.minimums\.el7\["kernel; reboot"\]/),
  stepCase('shell in a version', '  - update-packages:\n      minimums:\n        el7:\n          kernel: "$(touch /tmp/pwned)"\n', /:7:\d+/, /minimums\.el7\.kernel: expected a version/),
  stepCase('another flag', '  - cpu-flags:\n      flag: other\n', /:5:\d+/, /steps\[0\]\.cpu-flags\.flag/),
  stepCase('typo in reboot params', '  - reboot:\n      timeot: 5s\n', /:5:\d+/, /steps\[0\]\.reboot\.timeot: unknown key/),
  stepCase('systemd unit with shell', '  - cpu-flags:\n      service: "nova; reboot"\n', /:5:\d+/, /cpu-flags\.service: expected a systemd unit name/),
];

beforeAll(async () => {
  listener = net.createServer((s) => { connections += 1; s.destroy(); });
  await new Promise<void>((r) => listener.listen(PORT, ADDR, r));
});

afterAll(async () => {
  await new Promise<void>((r) => listener.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

describe('bad input is refused before any host is contacted', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const env = { ...c.env };
    if (env['__YAML'] !== undefined) {
      writeFileSync(env['OS_CLIENT_CONFIG_FILE']!, env['__YAML']);
      delete env['__YAML'];
    }
    const r = await cli(c.args(), { env });
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toMatch(c.where);
    expect(r.stderr).toMatch(c.field);
    expect(r.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
    expect(connections).toBe(0);
  });
});
