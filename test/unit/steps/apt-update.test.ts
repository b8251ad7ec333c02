// update-packages on Ubuntu: dpkg facts, apt's simulation for the plan, the non-interactive install, a held lock, an interrupted dpkg.
import { describe, expect, it } from 'vitest';
import { parseDpkgQuery } from '../../../src/facts/dpkg-query.js';
import type { HostFacts } from '../../../src/facts/types.js';
import { MemoryTransport } from '../../../src/transport/memory-transport.js';
import { rebootReasons } from '../../../src/steps/reboot-reasons.js';
import { updatePackages } from '../../../src/steps/update-packages.js';
import { verifyFindings } from '../../../src/steps/verify.js';
import { hostFacts } from '../../helpers/host-facts.js';
import { converge, kinds, stepContext } from './context.js';
import type { FakeHost } from './fake-host.js';

const MINS = {
  ubuntu1804: {
    'intel-microcode': '3.20190514.0ubuntu0.18.04.3',
    kernel: '4.15.0-50',
    'linux-image-generic': '4.15.0.50.52',
    'qemu-system-x86': '1:2.11+dfsg-1ubuntu7.13',
    libvirt0: '4.0.0-1ubuntu8.10',
  },
};

interface Row { version: string; status: string }

/** A Bionic host: dpkg's status database, the archive's candidates, and apt-get answering as apt 1.6 does. */
class FakeUbuntu {
  readonly state = { hostname: 'cmp-u1' };
  readonly db = new Map<string, Row>([
    ['intel-microcode', { version: '3.20180807a.0ubuntu0.18.04.1', status: 'install ok installed' }],
    ['linux-image-generic', { version: '4.15.0.48.50', status: 'install ok installed' }],
    ['linux-image-4.15.0-48-generic', { version: '4.15.0-48.51', status: 'install ok installed' }],
    // An old kernel removed with its configuration kept, as Ubuntu hosts carry them: not installed.
    ['linux-image-4.15.0-55-generic', { version: '4.15.0-55.60', status: 'deinstall ok config-files' }],
    ['qemu-system-x86', { version: '1:2.11+dfsg-1ubuntu7.12', status: 'install ok installed' }],
    ['libvirt0', { version: '4.0.0-1ubuntu8.9', status: 'install ok installed' }],
  ]);
  readonly archive: Record<string, string> = {
    'intel-microcode': '3.20190514.0ubuntu0.18.04.3',
    'linux-image-generic': '4.15.0.50.52',
    'qemu-system-x86': '1:2.11+dfsg-1ubuntu7.13',
    libvirt0: '4.0.0-1ubuntu8.10',
  };
  running = '4.15.0-48-generic';
  lockedFor = 0;
  interrupted = false;
  readonly transport = new MemoryTransport('cmp-u1', { handler: (_h, cmd) => this.exec(cmd) });

  dpkgQuery(): string {
    return [...this.db].map(([n, r]) => `${n}\t${r.version}\tamd64\t${r.status}\n`).join('');
  }

  facts(): HostFacts {
    const base = hostFacts({ release: 'el7' });
    const names = Object.keys(MINS.ubuntu1804);
    return {
      ...base,
      os: { id: 'ubuntu', versionId: '18.04', dist: 'ubuntu1804', prettyName: 'Ubuntu 18.04.2 LTS', packaging: 'deb' },
      kernelRunning: this.running,
      packages: parseDpkgQuery(this.dpkgQuery(), names, this.running),
      evidence: { ...base.evidence, rpm: { state: 'unreadable', reason: 'rpm -q: command not found' }, dpkg: { state: 'read' } },
    };
  }

  /** What an upgrade of these names brings: each newer candidate, and a new kernel image with the metapackage. */
  private plan(names: string[]): [string, string | null, string][] {
    const out: [string, string | null, string][] = [];
    for (const n of names) {
      const cand = this.archive[n];
      const cur = this.db.get(n);
      if (cur && cand && cand !== cur.version) out.push([n, cur.version, cand]);
      if (n === 'linux-image-generic' && cand && cand !== cur?.version) out.push(['linux-image-4.15.0-50-generic', null, '4.15.0-50.54']);
    }
    return out;
  }

  exec(cmd: string): { code: number; stdout?: string; stderr?: string } {
    if (!/^DEBIAN_FRONTEND=noninteractive; export DEBIAN_FRONTEND; .* <\/dev\/null$/.test(cmd) && cmd.includes('apt-get')) return { code: 99, stderr: `not non-interactive: ${cmd}` };
    const names = (cmd.split('--no-install-recommends ')[1] ?? '').replace(' </dev/null', '').split(' ').filter(Boolean);
    if (/ apt-get -q update /.test(cmd)) return { code: 0, stdout: 'Reading package lists...\n' };
    if (/ apt-get -s -q install --only-upgrade /.test(cmd)) {
      const lines = this.plan(names).map(([n, from, to]) => (from ? `Inst ${n} [${from}] (${to} Ubuntu:18.04/bionic-updates [amd64])` : `Inst ${n} (${to} Ubuntu:18.04/bionic-updates [amd64])`));
      return { code: 0, stdout: `NOTE: This is only a simulation!\n${lines.join('\n')}\n` };
    }
    if (/ apt-get -y -q -o 'Dpkg::Options::=--force-confdef' -o 'Dpkg::Options::=--force-confold' install --only-upgrade /.test(cmd)) {
      if (this.lockedFor > 0) {
        this.lockedFor--;
        return { code: 100, stderr: 'E: Could not get lock /var/lib/dpkg/lock-frontend - open (11: Resource temporarily unavailable)\nE: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), is another process using it?\n' };
      }
      if (this.interrupted) return { code: 100, stderr: "E: dpkg was interrupted, you must manually run 'dpkg --configure -a' to correct the problem.\n" };
      for (const [n, , to] of this.plan(names)) this.db.set(n, { version: to, status: 'install ok installed' });
      return { code: 0 };
    }
    if (/ dpkg --force-confdef --force-confold --configure -a </.test(cmd)) {
      this.interrupted = false;
      return { code: 0 };
    }
    return { code: 127, stderr: `unexpected command: ${cmd}` };
  }
}

async function ctxFor(host: FakeUbuntu, extra: Record<string, unknown> = {}) {
  return stepContext(updatePackages, host as unknown as FakeHost, null, { minimums: MINS, lock_poll: '1ms', ...extra });
}

describe('update-packages on Ubuntu (apt)', () => {
  it('plans from -> to with the new kernel image, installs non-interactively, and a second run changes nothing', async () => {
    const host = new FakeUbuntu();
    const ctx = await ctxFor(host);
    const { first, verified, second } = await converge(updatePackages, ctx);
    expect(kinds(first)).toEqual(['package-update', 'package-update', 'package-update', 'package-update', 'package-update']);
    expect(first.changes.map((c) => c.summary)).toEqual([
      'intel-microcode 3.20180807a.0ubuntu0.18.04.1 -> 3.20190514.0ubuntu0.18.04.3 (minimum 3.20190514.0ubuntu0.18.04.3)',
      'kernel 4.15.0-48 -> 4.15.0-50 (minimum 4.15.0-50)',
      'linux-image-generic 4.15.0.48.50 -> 4.15.0.50.52 (minimum 4.15.0.50.52)',
      'qemu-system-x86 1:2.11+dfsg-1ubuntu7.12 -> 1:2.11+dfsg-1ubuntu7.13 (minimum 1:2.11+dfsg-1ubuntu7.13)',
      'libvirt0 4.0.0-1ubuntu8.9 -> 4.0.0-1ubuntu8.10 (minimum 4.0.0-1ubuntu8.10)',
    ]);
    expect(first.notes).toEqual([]);
    expect(verified.changes).toEqual([]);
    expect(second.changes).toEqual([]);
    const installs = host.transport.commands.filter((c) => c.includes(' apt-get -y '));
    // The kernel is a role, not a package name: the metapackage brings the image.
    expect(installs).toEqual([
      "DEBIAN_FRONTEND=noninteractive; export DEBIAN_FRONTEND; apt-get -y -q -o 'Dpkg::Options::=--force-confdef' -o 'Dpkg::Options::=--force-confold' install --only-upgrade --no-install-recommends intel-microcode linux-image-generic qemu-system-x86 libvirt0 </dev/null",
    ]);
    // The new kernel is installed, not running: a reboot is due, and verify still finds the running kernel short.
    const after = host.facts();
    expect(rebootReasons(after, false).map((r) => r.code)).toEqual(['kernel']);
    expect(verifyFindings(after, MINS).find((f) => f.check === 'kernel')?.status).toBe('drift');
    host.running = '4.15.0-50-generic';
    expect(rebootReasons(host.facts(), false)).toEqual([]);
    expect(verifyFindings(host.facts(), MINS).filter((f) => f.check === 'kernel' || f.check === 'packages').map((f) => f.status)).toEqual(['ok', 'ok']);
  });

  it('a removed kernel whose configuration is kept (dpkg status config-files) is not an installed kernel', () => {
    const host = new FakeUbuntu();
    // 4.15.0-55 would be "newer than running" if config-files counted as installed.
    expect(host.facts().packages['kernel']?.map((k) => k.name)).toEqual(['linux-image-4.15.0-48-generic']);
    expect(rebootReasons(host.facts(), false)).toEqual([]);
  });

  it('waits out a held dpkg lock, then installs', async () => {
    const host = new FakeUbuntu();
    host.lockedFor = 2;
    const ctx = await ctxFor(host);
    const diff = await updatePackages.check(ctx);
    await updatePackages.apply(ctx, diff);
    expect(host.transport.commands.filter((c) => c.includes(' apt-get -y ')).length).toBe(3);
    expect((await updatePackages.check(ctx)).changes).toEqual([]);
  });

  it('fails clearly, without hanging, when the lock stays held past lock_wait', async () => {
    const host = new FakeUbuntu();
    host.lockedFor = 1_000_000;
    const ctx = await ctxFor(host, { lock_wait: '20ms', lock_poll: '5ms' });
    const diff = await updatePackages.check(ctx);
    await expect(updatePackages.apply(ctx, diff)).rejects.toThrow(/dpkg\/apt lock is held by another process .* nothing was installed/);
    expect(host.db.get('qemu-system-x86')?.version).toBe('1:2.11+dfsg-1ubuntu7.12');
  });

  it('finishes an interrupted dpkg once, as apt asks, then installs', async () => {
    const host = new FakeUbuntu();
    host.interrupted = true;
    const ctx = await ctxFor(host);
    await updatePackages.apply(ctx, await updatePackages.check(ctx));
    expect(host.transport.commands.some((c) => c.includes('dpkg --force-confdef --force-confold --configure -a'))).toBe(true);
    expect(host.db.get('libvirt0')?.version).toBe('4.0.0-1ubuntu8.10');
  });

  it('an archive that does not offer the fix is found in the plan, and nothing is installed', async () => {
    const host = new FakeUbuntu();
    host.archive['qemu-system-x86'] = '1:2.11+dfsg-1ubuntu7.12';
    const ctx = await ctxFor(host);
    const diff = await updatePackages.check(ctx);
    expect(diff.notes.join()).toContain('qemu-system-x86 (wants 1:2.11+dfsg-1ubuntu7.13, offered nothing)');
    await expect(updatePackages.apply(ctx, diff)).rejects.toThrow(/nothing was updated/);
    expect(host.transport.commands.some((c) => c.includes(' apt-get -y '))).toBe(false);
  });

  it('an unreadable dpkg database is unknown, never "nothing installed"', async () => {
    const host = new FakeUbuntu();
    const facts = host.facts();
    facts.evidence.dpkg = { state: 'unreadable', reason: 'dpkg-query: exit status 2' };
    const ctx = await ctxFor(host);
    ctx.facts = async () => facts;
    await expect(updatePackages.check(ctx)).rejects.toThrow(/the dpkg database \(dpkg-query -W\) \(dpkg-query: exit status 2\)/);
  });
});
