// A reporter that throws is reported on stderr and in the run log, and the other listeners still hear every event.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { prepareConnections } from '../../../src/cli/connections.js';
import { openSession } from '../../../src/cli/session.js';
import { EngineEvents } from '../../../src/engine/events.js';

const dirs: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('listener errors', () => {
  it('are kept by a bare emitter, and the next listener still runs', () => {
    const events = new EngineEvents();
    const heard: string[] = [];
    events.onAny(() => { throw new Error('broken reporter'); });
    events.onAny((e) => heard.push(e.type));
    events.emit({ type: 'warning', message: 'x' });
    expect(heard).toEqual(['warning']);
    expect(events.listenerErrors.map((e) => (e as Error).message)).toEqual(['broken reporter']);
  });

  it('reach stderr and the log in a session', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'mds-session-'));
    dirs.push(stateDir);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    writeFileSync(join(stateDir, 'ssh_config'), '');
    const opts = { stateDir, logLevel: 'info', sshConfig: join(stateDir, 'ssh_config') };
    const session = await openSession(opts, { connections: await prepareConnections(opts, {}, null), lock: false });
    try {
      session.events.on('warning', () => { throw new Error('the HTML renderer fell over'); });
      session.events.emit({ type: 'warning', message: 'x' });
    } finally {
      await session.close();
    }
    const said = stderr.mock.calls.map((c) => String(c[0])).join('');
    expect(said).toContain('a reporter failed on a warning event: the HTML renderer fell over');
    expect(readFileSync(session.logPath, 'utf8')).toContain('reporter failed');
  });
});

describe('warnings the cloud connection finds once the session is open', () => {
  it('a Keystone clock skew seen at the first login reaches stderr and the log, once', async () => {
    const { startFakeCloud, PASSWORD } = await import('../openstack/fake-cloud.js');
    const { json } = await import('../openstack/stub-server.js');
    // Keystone's clock three hours behind this controller's.
    const cloud = await startFakeCloud({ issuedAt: () => new Date(Date.now() - 3 * 3600_000), expiresAt: () => new Date(Date.now() - 2 * 3600_000),
      nova: (_path, _req, res) => json(res, 200, { services: [] }) });
    const stateDir = mkdtempSync(join(tmpdir(), 'mds-session-'));
    dirs.push(stateDir);
    writeFileSync(join(stateDir, 'ssh_config'), '');
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const opts = { stateDir, logLevel: 'info', sshConfig: join(stateDir, 'ssh_config') };
    const connections = await prepareConnections(opts, {}, {
      name: 'lab', file: 'clouds.yaml', interface: 'public', tls: { verify: true },
      auth: { authUrl: cloud.authUrl, username: 'admin', password: PASSWORD, projectName: 'admin', userDomain: { id: 'default' }, projectDomain: { id: 'default' } },
    });
    const session = await openSession(opts, { connections, lock: false, onWarning: (m) => process.stderr.write(`warning: ${m}\n`) });
    try {
      await session.nova!.listComputeServices();
      await session.nova!.listComputeServices();
    } finally {
      await session.close();
      connections.close();
      await cloud.close();
    }
    const said = stderr.mock.calls.map((c) => String(c[0])).join('');
    expect(said.match(/clock is 180 min ahead of Keystone's/g)).toHaveLength(1);
    expect(readFileSync(session.logPath, 'utf8')).toMatch(/cloud lab: this controller's clock is 180 min ahead of Keystone's/);
    // The token's own hour, not the controller's clock: one login for both calls.
    expect(cloud.authRequests()).toHaveLength(1);
  });
});
