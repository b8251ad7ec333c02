// Security end to end: hostile values are never executed, secrets never written anywhere, private modes, verified TLS.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostAddress, inventoryWith } from '../helpers/fault-tools.js';
import { baseline, checkInvariants, type Baseline } from '../helpers/invariants.js';
import { cli, FAST_PLAYBOOK, sshHost, startLab, type LabHandle } from '../helpers/lab.js';

const BECOME = 'Become-S3cret-7f3a';
const PASSPHRASE = 'Key-Passphrase-91cc';
const CLOUD_PASSWORD = 'lab-password'; // the lab's Keystone password, as written in its clouds.yaml
const MARKS = ['/tmp/pwned-az', '/tmp/pwned-flag', '/tmp/pwned-nh', '/tmp/pwned-reboot'];

let lab: LabHandle;
let base: Baseline;
let reports: string;
let outputs = '';

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

beforeAll(async () => {
  for (const m of MARKS) expect(existsSync(m)).toBe(false);
  lab = await startLab({
    address_base: '127.39.0.0', port: 2239, user: 'stack', instances: 6,
    hosts: [
      { name: 's1', boot_delay: '300ms', availability_zone: '$(touch /tmp/pwned-az); `touch /tmp/pwned-az`' },
      { name: 's2', boot_delay: '300ms', dist: 'el8', cpu_mode: 'custom', cpu_model: 'IvyBridge', extra_flags: 'spec-ctrl' },
      { name: 's3', boot_delay: '300ms' },
    ],
  }, 'security');
  // The lab refuses a hostile flag in its description, so it is written into s2's nova.conf the way a careless admin would.
  await sshHost(lab, hostAddress(lab, 's2'), "sed -i 's|^cpu_model_extra_flags = spec-ctrl$|cpu_model_extra_flags = spec-ctrl,$(touch /tmp/pwned-flag);reboot|' /etc/nova/nova.conf", 2239);
  base = await baseline(lab);
  expect(base.novaConf.get('s2')).toContain('$(touch /tmp/pwned-flag);reboot');
  reports = join(lab.dir, 'reports');
}, 120_000);

afterAll(async () => { await lab?.down(); });

describe('hostile values are data, never commands', () => {
  it('a full remediation as stack with sudo and key passphrase, with hostile host vars and nova.conf values', async () => {
    // An encrypted copy of the lab key, unlocked only through MDS_SSH_PASSPHRASE.
    const enc = join(lab.dir, 'id_encrypted');
    copyFileSync(join(lab.dir, 'id_ed25519'), enc);
    chmodSync(enc, 0o600);
    execFileSync('ssh-keygen', ['-q', '-p', '-N', PASSPHRASE, '-P', '', '-f', enc]);
    const inv = inventoryWith(lab, 'hostile', {
      s1: { ansible_ssh_private_key_file: enc },
      s2: { ansible_ssh_private_key_file: enc },
      s3: { ansible_ssh_private_key_file: enc, mds_note: '; reboot; touch /tmp/pwned-reboot' },
    });
    // A hostile nova_host is refused by validation before anything is contacted.
    const bad = inventoryWith(lab, 'hostile-nova-host', { s3: { nova_host: '$(touch /tmp/pwned-nh)' } });
    const refused = await cli(['run', FAST_PLAYBOOK, '-i', bad, '--state-dir', lab.stateDir, '-y']);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toMatch(/hostile-nova-host\.yaml:\d+:\d+: nova_host: host s3: expected Nova's compute host name/);
    const r = await cli(['run', FAST_PLAYBOOK, '-i', inv, '--state-dir', lab.stateDir, '-y', '--log-level', 'trace',
      '--json', join(reports, 'r.json'), '--junit', join(reports, 'r.xml'), '--html', join(reports, 'r.html'),
      '--markdown', join(reports, 'r.md'), '--prometheus', join(reports, 'r.prom')],
    { env: { MDS_BECOME_PASSWORD: BECOME, MDS_SSH_PASSPHRASE: PASSPHRASE } });
    outputs = r.stdout + r.stderr;
    expect(r.code, outputs.slice(-2000)).toBe(0);
    const rep = JSON.parse(readFileSync(join(reports, 'r.json'), 'utf8')) as { hosts: { name: string; status: string }[] };
    expect(rep.hosts.find((h) => h.name === 's1')!.status).toBe('changed');
    expect(rep.hosts.find((h) => h.name === 's2')!.status).toBe('changed');
    await checkInvariants(lab, base);
  }, 170_000);

  it('no marker file exists on any host or on this machine', async () => {
    for (const m of MARKS) expect(existsSync(m), m).toBe(false);
    for (const h of ['s1', 's2', 's3']) {
      const out = await sshHost(lab, hostAddress(lab, h), `for f in ${MARKS.join(' ')}; do [ -e "$f" ] && echo "FOUND $f"; done; echo checked`, 2239);
      expect(out.trim()).toBe('checked');
    }
  });

  it('the hostile extra flag stays an inert value in nova.conf (md-clear added beside it)', () => {
    const conf = readFileSync(join(lab.dir, 'hosts', 's2', 'etc-upper', 'nova', 'nova.conf'), 'utf8');
    expect(conf).toContain('$(touch /tmp/pwned-flag);reboot');
  });

  it('no secret appears in stdout, stderr, logs, state or any report', () => {
    const files = [...filesUnder(lab.stateDir), ...filesUnder(reports)];
    expect(files.some((f) => f.endsWith('.log'))).toBe(true);
    expect(files.length).toBeGreaterThanOrEqual(7);
    const everything = [outputs, ...files.map((f) => readFileSync(f, 'utf8'))].join('\n');
    for (const secret of [BECOME, PASSPHRASE, CLOUD_PASSWORD]) expect(everything.includes(secret), secret).toBe(false);
  });

  it('state, logs and reports are 0600 and their directories 0700; the Prometheus textfile 0644 for node_exporter', () => {
    // The textfile holds host names and gauges (checked secret-free above); node_exporter, not root, must read it.
    for (const f of [...filesUnder(lab.stateDir), ...filesUnder(reports)]) expect((statSync(f).mode & 0o777).toString(8), f).toBe(f.endsWith('.prom') ? '644' : '600');
    for (const d of [lab.stateDir, join(lab.stateDir, 'logs')]) expect((statSync(d).mode & 0o777).toString(8), d).toBe('700');
  });
});

describe('TLS to Keystone is verified', () => {
  let server: https.Server;
  let cacert: string;
  let cloudsFile: (withCa: boolean) => string;

  beforeAll(async () => {
    const dir = lab.dir;
    cacert = join(dir, 'tls-cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'tls-key.pem'), '-out', cacert,
      '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    // An https front for the fake Keystone/Nova: every request relayed to the lab's plain-http API.
    const target = new URL(lab.novaUrl);
    server = https.createServer({ key: readFileSync(join(dir, 'tls-key.pem')), cert: readFileSync(cacert) }, (req, res) => {
      const up = http.request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      req.pipe(up);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    cloudsFile = (withCa) => {
      const f = join(dir, withCa ? 'clouds-ca.yaml' : 'clouds-noca.yaml');
      writeFileSync(f, `clouds:\n  lab:\n    auth:\n      auth_url: https://127.0.0.1:${port}/identity/v3\n      username: mds-orchestrate\n`
        + `      password: ${CLOUD_PASSWORD}\n      project_name: admin\n      user_domain_name: Default\n      project_domain_name: Default\n`
        + (withCa ? `    cacert: ${cacert}\n` : ''));
      return f;
    };
  });

  afterAll(async () => { await new Promise<void>((r) => server.close(() => r())); });

  const plan = (clouds: string, extra: string[] = []) => cli(['plan', FAST_PLAYBOOK, '-i', lab.inventory, '-l', 's1', '--state-dir', join(lab.dir, 'tls-state'), ...extra],
    { env: { OS_CLIENT_CONFIG_FILE: clouds } });

  it('fails against a self-signed certificate without cacert', async () => {
    const r = await plan(cloudsFile(false));
    expect([1, 4]).toContain(r.code);
    expect(r.stdout + r.stderr).toMatch(/certificate|TLS/i);
  }, 60_000);

  it('works with the certificate as cacert in clouds.yaml', async () => {
    const r = await plan(cloudsFile(true));
    expect([0, 2], r.stdout + r.stderr).toContain(r.code); // 2: the plan found work; either way Keystone was reached
    expect(r.stdout).toMatch(/plan .*: 1 hosts/);
    expect(r.stderr).not.toMatch(/verification is disabled/);
  }, 60_000);

  it('--insecure works and says loudly that verification is off', async () => {
    const r = await plan(cloudsFile(false), ['--insecure']);
    expect([0, 2], r.stdout + r.stderr).toContain(r.code);
    expect(r.stdout).toMatch(/plan .*: 1 hosts/);
    expect(r.stderr).toMatch(/warning: .*TLS certificate verification is disabled/);
  }, 60_000);
});
