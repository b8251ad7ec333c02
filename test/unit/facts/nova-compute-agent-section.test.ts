// The gather's nova-compute-agent section: its parser over framed bodies, and the script run by sh (dash and bash) with stub tools.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildGatherCommand, type GatherOptions } from '../../../src/facts/gather-command.js';
import { DENIED_RC, LAYOUT_UNKNOWN_RC } from '../../../src/facts/evidence.js';
import { parseAgentSection } from '../../../src/facts/nova-compute-agent-section.js';
import { parseGatherReport } from '../../../src/facts/parse-gather.js';
import { writeStubTool } from '../../helpers/stub-tools.js';

const UNIT = { kind: 'unit', unit: 'openstack-nova-compute' } as const;
const DOCKER = { kind: 'container', engine: 'docker', container: 'nova_compute' } as const;
const section = (body: string, rc: number | null = 0) => ({ body, rc });

describe('parseAgentSection', () => {
  it('a unit is-active called active: active', () => {
    expect(parseAgentSection(section('agent\tsystemd:openstack-nova-compute\nrc\t0\nout\tactive\n'))).toEqual({ agent: UNIT, state: 'active', detail: 'active' });
  });

  it('a unit that failed to start (exit 3, "failed"): inactive, in systemctl\'s word', () => {
    expect(parseAgentSection(section('agent\tsystemd:openstack-nova-compute\nrc\t3\nout\tfailed\n'))).toEqual({ agent: UNIT, state: 'inactive', detail: 'failed' });
  });

  it('a unit systemd does not know ("unknown", exit 3): unknown, never inactive', () => {
    const g = parseAgentSection(section('agent\tsystemd:nova-compute\nrc\t3\nout\tunknown\n'));
    expect(g).toEqual({ agent: { kind: 'unit', unit: 'nova-compute' }, state: 'unknown', detail: 'unknown' });
  });

  it('a diagnostic on stderr is never read as the state word', () => {
    const g = parseAgentSection(section('agent\tsystemd:openstack-nova-compute\nrc\t1\nerr\tactive\n'));
    expect(g.state).toBe('unknown');
    expect(parseAgentSection(section('agent\tsystemd:openstack-nova-compute\nrc\t1\nerr\tFailed to connect to bus: No such file or directory\n')))
      .toEqual({ agent: UNIT, state: 'unknown', detail: 'Failed to connect to bus: No such file or directory' });
  });

  it('docker inspect as root: running is active, exited is inactive', () => {
    expect(parseAgentSection(section('agent\tdocker:nova_compute\nrc\t0\nout\trunning\n'))).toEqual({ agent: DOCKER, state: 'active', detail: 'nova_compute: running' });
    expect(parseAgentSection(section('agent\tdocker:nova_compute\nrc\t0\nout\texited\n'))).toEqual({ agent: DOCKER, state: 'inactive', detail: 'nova_compute: exited' });
  });

  it('an engine inspect not asked because the gather was not root: unknown, with the uid', () => {
    expect(parseAgentSection(section('agent\tpodman:nova_compute\nnot-root\t1000\n', DENIED_RC)))
      .toEqual({ agent: { kind: 'container', engine: 'podman', container: 'nova_compute' }, state: 'unknown', detail: 'podman inspect needs root; the gather ran as uid 1000' });
  });

  it('docker refusing its socket (exit 1): unknown, in docker\'s words', () => {
    const g = parseAgentSection(section('agent\tdocker:nova_compute\nrc\t1\nerr\tGot permission denied while trying to connect to the Docker daemon socket\n'));
    expect(g).toEqual({ agent: DOCKER, state: 'unknown', detail: 'Got permission denied while trying to connect to the Docker daemon socket' });
  });

  it('the engine or systemctl missing (127): unknown, named', () => {
    expect(parseAgentSection(section('agent\tdocker:nova_compute\n', 127))).toEqual({ agent: DOCKER, state: 'unknown', detail: 'docker: command not found' });
    expect(parseAgentSection(section('agent\tsystemd:openstack-nova-compute\n', 127))).toEqual({ agent: UNIT, state: 'unknown', detail: 'systemctl: command not found' });
  });

  it('the layout unknown: no agent was asked, unknown', () => {
    expect(parseAgentSection(section('', LAYOUT_UNKNOWN_RC))).toEqual({ agent: null, state: 'unknown', detail: 'the deployment layout is unknown' });
  });

  it('a timeout (124) is unknown even when a word was printed before the kill', () => {
    expect(parseAgentSection(section('agent\tsystemd:openstack-nova-compute\nrc\t124\nout\tactive\n'))).toEqual({ agent: UNIT, state: 'unknown', detail: 'systemctl is-active: timed out' });
  });

  it('output cut short, no status line, no section, no agent named: unknown', () => {
    expect(parseAgentSection(section('agent\tsystemd:openstack-nova-compute\nrc\t0\nout\tactive', null)).state).toBe('unknown');
    expect(parseAgentSection(section('agent\tsystemd:openstack-nova-compute\nout\tactive\n'))).toMatchObject({ agent: UNIT, state: 'unknown' });
    expect(parseAgentSection(undefined)).toEqual({ agent: null, state: 'unknown', detail: 'the gather printed no nova-compute-agent section' });
    expect(parseAgentSection(section('agent\t\nrc\t0\nout\tactive\n'))).toMatchObject({ agent: null, state: 'unknown' });
  });
});

let dir: string;
let calls: string;

function stub(name: string, body: string): void {
  writeStubTool(join(dir, 'bin'), calls, name, body);
}

function gather(opts: Partial<GatherOptions>, shell = 'sh') {
  writeFileSync(calls, '');
  const out = execFileSync(shell, ['-c', buildGatherCommand({ packages: ['kernel'], novaConfPath: join(dir, 'nova.conf'), virshTimeoutSec: 0, ...opts })], {
    env: { PATH: `${join(dir, 'bin')}:/usr/bin:/bin` }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'],
  });
  return { facts: parseGatherReport(out).facts, calls: readFileSync(calls, 'utf8').split('\n').filter(Boolean) };
}

const BAREMETAL = { layout: { name: 'baremetal' as const, basis: [] } };
const TRIPLEO_DOCKER = { layout: { name: 'tripleo-docker' as const, basis: [] } };

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mds-agent-section-'));
  mkdirSync(join(dir, 'bin'));
  calls = join(dir, 'calls.log');
  writeFileSync(join(dir, 'nova.conf'), '[libvirt]\ncpu_mode = host-model\n');
});

beforeEach(() => {
  for (const t of ['systemctl', 'docker', 'id', 'timeout']) rmSync(join(dir, 'bin', t), { force: true });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the section run by sh', () => {
  it.each(['sh', 'bash'])('asks the unit with systemctl is-active, quoted, and keeps stderr apart from the state (%s)', (shell) => {
    stub('systemctl', 'case "$1" in is-active) echo "Warning: something odd" >&2; echo failed; exit 3 ;; show) echo LoadState=not-found ;; esac');
    const { facts, calls: c } = gather({ layout: { name: 'baremetal', novaCompute: { kind: 'unit', unit: 'nova-compute' }, basis: [] } }, shell);
    expect(c).toContain('systemctl is-active nova-compute');
    expect(facts.novaComputeAgent).toEqual({ agent: { kind: 'unit', unit: 'nova-compute' }, state: 'inactive', detail: 'failed' });
  });

  it('an active unit is active', () => {
    stub('systemctl', 'case "$1" in is-active) echo active ;; show) echo LoadState=loaded ;; esac');
    expect(gather(BAREMETAL).facts.novaComputeAgent).toEqual({ agent: UNIT, state: 'active', detail: 'active' });
  });

  it('as root, asks docker inspect for the container\'s State.Status', () => {
    stub('docker', 'case "$1" in ps) printf "nova_compute img Up 5 days\\n" ;; inspect) [ "$2 $3 $4" = "--format {{.State.Status}} nova_compute" ] && echo running ;; *) exit 1 ;; esac');
    stub('id', 'echo 0');
    const { facts, calls: c } = gather(TRIPLEO_DOCKER);
    expect(c).toContain('docker inspect --format {{.State.Status}} nova_compute');
    expect(facts.novaComputeAgent).toEqual({ agent: DOCKER, state: 'active', detail: 'nova_compute: running' });
  });

  it('not root: never asks the engine (a user\'s podman has its own storage), unknown', () => {
    stub('docker', 'case "$1" in ps) printf "nova_compute img Up 5 days\\n" ;; inspect) echo exited ;; *) exit 1 ;; esac');
    stub('id', 'case "$1" in -u) echo 1000 ;; *) echo stack ;; esac');
    const { facts, calls: c } = gather(TRIPLEO_DOCKER);
    expect(c.filter((l) => l.startsWith('docker inspect'))).toEqual([]);
    expect(facts.novaComputeAgent).toEqual({ agent: DOCKER, state: 'unknown', detail: 'docker inspect needs root; the gather ran as uid 1000' });
  });

  // The gather appends the sbin and local dirs to PATH: the engine must be missing from this machine, not only from the stubs.
  const absent = (['podman', 'docker'] as const).find((e) => !['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'].some((d) => existsSync(join(d, e))));
  it.skipIf(absent === undefined)('the engine missing: unknown, command not found', () => {
    stub('id', 'echo 0');
    const agent = { kind: 'container', engine: absent!, container: 'nova_compute' } as const;
    expect(gather({ layout: { name: 'baremetal', novaCompute: agent, basis: [] } }).facts.novaComputeAgent).toEqual({ agent, state: 'unknown', detail: `${absent}: command not found` });
  });

  it('a layout the probes cannot settle: nothing asked, unknown', () => {
    // A nova_compute container without any container layout's nova.conf: the layout is unknown.
    stub('docker', 'case "$1" in ps) printf "nova_compute img Up 5 days\\n" ;; *) echo running ;; esac');
    stub('systemctl', 'case "$1" in is-active) echo active ;; show) echo LoadState=not-found ;; esac');
    const { facts, calls: c } = gather({});
    expect(facts.layout).toBeUndefined();
    expect(c.filter((l) => / is-active| inspect/.test(l))).toEqual([]);
    expect(facts.novaComputeAgent).toEqual({ agent: null, state: 'unknown', detail: 'the deployment layout is unknown' });
  });

  it('asks through the gather\'s timeout; a timed-out answer is unknown', () => {
    stub('systemctl', 'case "$1" in is-active) echo active ;; show) echo LoadState=loaded ;; esac');
    // timeout(1) stands in for a hung systemctl: it kills the command and says 124.
    stub('timeout', 'case "$2" in systemctl) [ "$3" = is-active ] && { echo active; exit 124; }; shift; exec "$@" ;; *) shift; exec "$@" ;; esac');
    const { facts, calls: c } = gather({ ...BAREMETAL, virshTimeoutSec: 7 });
    expect(c).toContain('timeout 7 systemctl is-active openstack-nova-compute');
    expect(facts.novaComputeAgent).toEqual({ agent: UNIT, state: 'unknown', detail: 'systemctl is-active: timed out' });
  });
});
