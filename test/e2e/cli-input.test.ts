// End to end: bad inventories, playbooks and options through the real CLI exit 4, name file:line and field, and contact no host.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, FAST_PLAYBOOK } from '../helpers/lab.js';

// 127.34.0.1-.200 belong to the 200-host bench lab; each test gets its own trap address in 127.34.1.0/24, so tests run concurrently.
const TRAP_PORT = 2234;
const dir = mkdtempSync(join(tmpdir(), 'mds-cli-input-'));
const stateDir = join(dir, 'state');
const emptyKnownHosts = join(dir, 'known_hosts');

/**
 * A TCP listener that counts every connection to its address: the one address a test's inventory points at, on two ports
 * (two inventory entries at one address and port are one box, which the tool refuses at load time).
 */
interface Trap {
  addr: string;
  connections: number;
}
const servers: net.Server[] = [];
let nextTrap = 1;

async function openTrap(): Promise<Trap> {
  const trap: Trap = { addr: `127.34.1.${nextTrap++}`, connections: 0 };
  for (const port of [TRAP_PORT, TRAP_PORT + 1]) {
    const server = net.createServer((sock) => {
      trap.connections++;
      sock.destroy();
    });
    servers.push(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, trap.addr, () => resolve());
    });
  }
  return trap;
}

function file(name: string, text: string): string {
  const p = join(dir, name);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, text);
  return p;
}

function goodInventory(addr: string): string {
  return file(`good/inventory-${addr}.yaml`, `all:
  vars:
    ansible_user: root
    ansible_port: ${TRAP_PORT}
  children:
    compute:
      hosts:
        c01:
          ansible_host: ${addr}
        c02:
          ansible_host: ${addr}
          ansible_port: ${TRAP_PORT + 1}
`);
}

/** Facts and read-only checks only, so no cloud is needed: a good run of it must reach the trap. */
const GOOD_PLAYBOOK = `name: input checks
hosts: all
steps:
  - update-packages:
      minimums:
        el7:
          kernel: 3.10.0-957.12.2.el7
  - verify:
      minimums:
        el7:
          kernel: 3.10.0-957.12.2.el7
`;

let goodPlaybook = '';

beforeAll(() => {
  writeFileSync(emptyKnownHosts, '');
  goodPlaybook = file('good/playbook.yaml', GOOD_PLAYBOOK);
  file('inv/broken-clouds.yaml', 'clouds:\n  lab: [1,\n');
});

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  rmSync(dir, { recursive: true, force: true });
});

const common = ['--state-dir', stateDir, '--known-hosts', emptyKnownHosts];

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Exit 4, the message names where (file, and line when the problem sits on one) and the field; nothing contacted. */
async function expectRejected(trap: Trap, args: string[], where: { file: string; line?: number; field: string }): Promise<string> {
  const r = await cli([...args, ...common], { timeoutMs: 120_000 });
  const msg = r.stderr;
  expect(r.code, `stdout: ${r.stdout}\nstderr: ${msg}`).toBe(4);
  const pos = where.line === undefined ? '' : `:${where.line}(?::\\d+)?`;
  expect(msg).toMatch(new RegExp(`${escape(where.file)}${pos}: `));
  expect(msg).toContain(where.field);
  expect(trap.connections, 'a host was contacted').toBe(0);
  return msg;
}

/** For problems that are not in a file (commander's own usage errors): exit 4, the texts, nothing contacted. */
async function expectUsage(trap: Trap, args: string[], texts: string[]): Promise<void> {
  const r = await cli([...args, ...common], { timeoutMs: 120_000 });
  expect(r.code, `stderr: ${r.stderr}`).toBe(4);
  for (const t of texts) expect(r.stderr).toContain(t);
  expect(trap.connections, 'a host was contacted').toBe(0);
}

describe('the connection trap', () => {
  it('counts connections: a good inventory and playbook do reach it (so 0 below means "not contacted")', async () => {
    const trap = await openTrap();
    const r = await cli(['plan', goodPlaybook, '-i', goodInventory(trap.addr), ...common], { timeoutMs: 120_000 });
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('unreachable');
    expect(trap.connections).toBeGreaterThanOrEqual(2);
  });
});

interface Case {
  name: string;
  ext?: string;
  text: (addr: string) => string;
  line?: number;
  field: string;
  playbook?: string;
  extra?: string[];
}

const INVENTORIES: Case[] = [
  { name: 'malformed YAML', text: (a) => `all:\n  vars:\n    ansible_port: ${TRAP_PORT}\n  children:\n    compute: [unclosed\n`, line: 6, field: 'invalid YAML' },
  { name: 'port of the wrong type', text: (a) => `all:\n  vars:\n    ansible_port: twenty-two\n  hosts:\n    c01:\n      ansible_host: ${a}\n`, line: 3, field: 'ansible_port' },
  { name: 'port out of range', text: (a) => `all:\n  hosts:\n    c01:\n      ansible_host: ${a}\n      ansible_port: 70000\n`, line: 5, field: 'ansible_port' },
  { name: 'unknown key in a group', text: (a) => `all:\n  hostz:\n    c01:\n      ansible_host: ${a}\n`, line: 2, field: 'all.hostz' },
  { name: 'empty inventory', text: () => '', line: 1, field: 'hosts' },
  { name: 'a cycle in children', text: (a) => `all:\n  children:\n    a:\n      children:\n        b:\n          hosts:\n            c01:\n              ansible_host: ${a}\n              ansible_port: ${TRAP_PORT}\n          children:\n            a: {}\n`, line: 11, field: 'b.children.a' },
  { name: 'missing private key file', text: (a) => `all:\n  vars:\n    ansible_port: ${TRAP_PORT}\n    ansible_ssh_private_key_file: keys/no-such-key\n  hosts:\n    c01:\n      ansible_host: ${a}\n`, line: 4, field: 'ansible_ssh_private_key_file' },
  { name: 'missing key file set on one host only (legacy name)', text: (a) => `all:\n  vars:\n    ansible_port: ${TRAP_PORT}\n  hosts:\n    c01:\n      ansible_host: ${a}\n    c02:\n      ansible_host: ${a}\n      ansible_private_key_file: /nonexistent/id_rsa\n`, line: 9, field: 'ansible_private_key_file' },
  { name: 'hosts written as a list', text: () => 'all:\n  hosts:\n    - c01\n', line: 3, field: 'all.hosts' },
  { name: 'bad host range', text: (a) => `all:\n  vars:\n    ansible_host: ${a}\n  hosts:\n    c[09:01]:\n`, line: 5, field: 'c[09:01]' },
  { name: 'address of the wrong type', text: (a) => `all:\n  hosts:\n    c01:\n      ansible_host: [${a}]\n      ansible_port: ${TRAP_PORT}\n`, line: 4, field: 'ansible_host' },
  { name: 'user of the wrong type', text: (a) => `all:\n  vars:\n    ansible_port: ${TRAP_PORT}\n    ansible_user: {name: root}\n  hosts:\n    c01:\n      ansible_host: ${a}\n`, line: 4, field: 'ansible_user' },
  { name: 'become that is not a boolean', text: (a) => `all:\n  vars:\n    ansible_port: ${TRAP_PORT}\n  hosts:\n    c01:\n      ansible_host: ${a}\n      ansible_become: maybe\n`, line: 7, field: 'ansible_become' },
  { name: 'vars written as a list', text: (a) => `all:\n  vars: [1, 2]\n  hosts:\n    c01:\n      ansible_host: ${a}\n`, line: 2, field: 'all.vars' },
  { name: 'a host written twice', text: (a) => `all:\n  hosts:\n    c01:\n      ansible_host: ${a}\n    c01:\n      ansible_host: ${a}\n`, line: 5, field: 'all.hosts.c01' },
  { name: 'INI: unknown section type', ext: 'ini', text: (a) => `[compute]\nc01 ansible_host=${a} ansible_port=${TRAP_PORT}\n\n[compute:weird]\nx=1\n`, line: 4, field: '[compute:weird]' },
  { name: 'INI: bad port', ext: 'ini', text: (a) => `[compute]\nc01 ansible_host=${a} ansible_port=${TRAP_PORT}\nc02 ansible_host=${a} ansible_port=ssh\n`, line: 3, field: 'ansible_port' },
  { name: 'host key checking misspelt', text: (a) => `all:\n  vars:\n    ansible_port: ${TRAP_PORT}\n    mds_host_key_checking: acept-new\n  hosts:\n    c01:\n      ansible_host: ${a}\n`, line: 4, field: 'mds_host_key_checking' },
  { name: 'host key checking off in a file', text: (a) => `all:\n  vars:\n    ansible_port: ${TRAP_PORT}\n    mds_host_key_checking: "off"\n  hosts:\n    c01:\n      ansible_host: ${a}\n`, line: 4, field: 'only accepted on the command line' },
  { name: 'unreadable clouds.yaml (a directory)', text: (a) => `all:\n  vars:\n    ansible_port: ${TRAP_PORT}\n    mds_os_cloud: lab\n    mds_os_client_config_file: ${dir}\n  hosts:\n    c01:\n      ansible_host: ${a}\n`, field: 'cannot read', playbook: FAST_PLAYBOOK },
  { name: 'clouds.yaml that is not YAML', text: (a) => `all:\n  vars:\n    ansible_port: ${TRAP_PORT}\n    mds_os_cloud: lab\n    mds_os_client_config_file: broken-clouds.yaml\n  hosts:\n    c01:\n      ansible_host: ${a}\n`, field: 'invalid YAML', playbook: FAST_PLAYBOOK },
];

describe.concurrent('bad inventories: exit 4, file:line and field, no host contacted', () => {
  it.each(INVENTORIES.map((c, i) => [c.name, c, i] as const))('%s', async (_name, c, i) => {
    const trap = await openTrap();
    const inv = file(`inv/case-${i}.${c.ext ?? 'yaml'}`, c.text(trap.addr));
    // A clouds.yaml problem is reported against the clouds file, not the inventory that named it.
    const brokenClouds = c.field === 'invalid YAML' && c.playbook !== undefined;
    const where = c.playbook === undefined
      ? { file: inv, line: c.line!, field: c.field }
      : { file: brokenClouds ? join(dir, 'inv/broken-clouds.yaml') : dir, field: c.field, ...(brokenClouds ? { line: 3 } : {}) };
    await expectRejected(trap, ['plan', c.playbook ?? goodPlaybook, '-i', inv], where);
  });

  it('a missing inventory file', async () => {
    const trap = await openTrap();
    const missing = join(dir, 'no-such-inventory.yaml');
    await expectRejected(trap, ['plan', goodPlaybook, '-i', missing], { file: missing, field: 'inventory source not found' });
  });

  it('a --limit that matches nothing', async () => {
    const trap = await openTrap();
    const inv = goodInventory(trap.addr);
    await expectRejected(trap, ['plan', goodPlaybook, '-i', inv, '-l', 'nosuch'], { file: '--limit', field: 'limit' });
    await expectRejected(trap, ['plan', goodPlaybook, '-i', inv, '-l', 'c01:!c01'], { file: '--limit', field: 'selects no hosts' });
  });
});

const PLAYBOOKS: Case[] = [
  { name: 'malformed YAML', text: () => 'name: x\nhosts: all\nsteps:\n  - verify: {minimums: [\n', line: 5, field: 'invalid YAML' },
  { name: 'unknown step', text: () => 'name: x\nhosts: all\nsteps:\n  - verify: {}\n  - defragment: {}\n', line: 5, field: 'steps[1].defragment' },
  { name: 'bad version string', text: () => 'name: x\nhosts: all\nsteps:\n  - verify:\n      minimums:\n        el7:\n          kernel: "3.10 beta!"\n', line: 7, field: 'steps[0].verify.minimums.el7.kernel' },
  { name: 'bad serial', text: () => 'name: x\nhosts: all\nserial: [0, "abc%"]\nsteps:\n  - verify: {}\n', line: 3, field: 'serial[0]' },
  { name: 'bad duration', text: () => 'name: x\nhosts: all\nsteps:\n  - reboot:\n      timeout: 10 parsecs\n', line: 5, field: 'steps[0].reboot.timeout' },
  { name: 'unknown top-level key', text: () => 'name: x\nhosts: all\nforkz: 5\nsteps:\n  - verify: {}\n', line: 3, field: 'forkz' },
  { name: 'wrong type', text: () => 'name: x\nhosts: all\nforks: many\nsteps:\n  - verify: {}\n', line: 3, field: 'forks' },
  { name: 'no steps', text: () => 'name: x\nhosts: all\nsteps: []\n', line: 3, field: 'steps' },
  { name: 'unknown step parameter', text: () => 'name: x\nhosts: all\nsteps:\n  - drain:\n      bogus: 1\n', line: 5, field: 'steps[0].drain.bogus' },
  { name: 'max_fail_percentage over 100', text: () => 'name: x\nhosts: all\nmax_fail_percentage: 150\nsteps:\n  - verify: {}\n', line: 3, field: 'max_fail_percentage' },
  { name: 'hosts pattern matching nothing', text: () => 'name: x\nhosts: nosuchgroup\nsteps:\n  - verify: {}\n', line: 2, field: 'hosts' },
  { name: 'steps as a mapping', text: () => 'name: x\nhosts: all\nsteps:\n  verify: {}\n', line: 4, field: 'steps' },
  { name: 'two steps in one item', text: () => 'name: x\nhosts: all\nsteps:\n  - verify: {}\n    guests: {}\n', line: 5, field: 'steps[0]' },
  { name: 'window of the wrong type', text: () => 'name: x\nhosts: all\nwindow: whenever\nsteps:\n  - verify: {}\n', line: 3, field: 'window' },
  { name: 'empty file', text: () => '', line: 1, field: 'expected a playbook mapping' },
];

describe.concurrent('bad playbooks: exit 4, file:line and field, no host contacted', () => {
  it.each(PLAYBOOKS.map((c, i) => [c.name, c, i] as const))('%s', async (_name, c, i) => {
    const trap = await openTrap();
    const pb = file(`pb/case-${i}.yaml`, c.text(trap.addr));
    await expectRejected(trap, ['plan', pb, '-i', goodInventory(trap.addr)], { file: pb, line: c.line!, field: c.field });
  });

  it('a missing playbook file', async () => {
    const trap = await openTrap();
    const missing = join(dir, 'no-such-playbook.yaml');
    await expectRejected(trap, ['plan', missing, '-i', goodInventory(trap.addr)], { file: missing, field: 'file not found' });
  });
});

describe.concurrent('bad command lines: exit 4, no host contacted', () => {
  it('a cron expression sweep --schedule cannot parse', async () => {
    const trap = await openTrap();
    for (const cron of ['61 * * * *', 'every day']) {
      const msg = await expectRejected(trap, ['sweep', '--playbook', goodPlaybook, '-i', goodInventory(trap.addr), '--schedule', cron], { file: '--schedule', field: cron });
      expect(msg).toContain('not a cron expression');
    }
  });

  it('a per-second sweep --schedule (6 or 7 fields) without --allow-sub-minute', async () => {
    const trap = await openTrap();
    for (const cron of ['*/5 * * * * *', '* * * * * * 2027']) {
      const msg = await expectRejected(trap, ['sweep', '--playbook', goodPlaybook, '-i', goodInventory(trap.addr), '--schedule', cron], { file: '--schedule', field: cron });
      expect(msg).toContain('--allow-sub-minute');
    }
  });

  it('an unknown option, and out-of-range option values', async () => {
    const trap = await openTrap();
    const inv = goodInventory(trap.addr);
    await expectUsage(trap, ['plan', goodPlaybook, '-i', inv, '--bogus'], ["unknown option '--bogus'", 'Usage: mds-orchestrate plan']);
    await expectRejected(trap, ['plan', goodPlaybook, '-i', inv, '--forks', '0'], { file: '--forks', field: 'expected 1 to 5000' });
    await expectRejected(trap, ['run', goodPlaybook, '-i', inv, '--serial', '0', '-y'], { file: '--serial', field: 'got "0"' });
    await expectRejected(trap, ['exec', 'true', '-i', inv, '--host-key-checking', 'sometimes'], { file: '--host-key-checking', field: '"sometimes"' });
  });
});

describe('a playbook that talks to Nova with no cloud configured', () => {
  it('plan playbooks/remediate.yaml exits 4 naming the steps, before any lock, log, state file or connection', async () => {
    const trap = await openTrap();
    const fresh = join(dir, 'no-cloud-state');
    const home = mkdtempSync(join(dir, 'home-'));
    // No clouds.yaml anywhere it is looked for (a fresh HOME), no OS_* variables: no cloud at all. (An OS_CLIENT_CONFIG_FILE
    // naming a missing file is a refusal of its own, tested in test/unit/openstack/clouds.test.ts.)
    const env = { HOME: home, OS_CLOUD: '', XDG_CONFIG_HOME: join(home, '.config') };
    const r = await cli(['plan', 'playbooks/remediate.yaml', '-i', goodInventory(trap.addr), '--state-dir', fresh, '--known-hosts', emptyKnownHosts], { env, timeoutMs: 120_000 });
    expect(r.code, `stdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(4);
    expect(r.stderr).toMatch(/playbooks\/remediate\.yaml:\d+(:\d+)?: cloud: steps drain, reboot, restore, guests talk to Nova but no cloud is configured/);
    expect(existsSync(fresh), 'the state directory (lock, logs, run records) was created').toBe(false);
    expect(trap.connections, 'a host was contacted').toBe(0);
  });
});
