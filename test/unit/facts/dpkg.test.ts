// Debian-family facts: release keys from os-release, dpkg-query's status, and the gather's dpkg section through parseGatherReport.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ABSENT_RC, buildGatherCommand } from '../../../src/facts/gather-command.js';
import { dpkgQueryNames, isInstalledStatus, parseDpkgQuery } from '../../../src/facts/dpkg-query.js';
import { parseOsRelease } from '../../../src/facts/os-release.js';
import { parseGatherReport } from '../../../src/facts/parse-gather.js';
import { beginMarker, doneMarker, endMarkerPrefix } from '../../../src/facts/sections.js';

const N = 'deb0';
function frame(sections: [string, string, number][]): string {
  return sections.map(([name, body, rc]) => `${beginMarker(N, name)}\n${body}\n${endMarkerPrefix(N, name)}${rc}@@\n`).join('') + `${doneMarker(N)}\n`;
}

const BIONIC = 'NAME="Ubuntu"\nVERSION="18.04.2 LTS (Bionic Beaver)"\nID=ubuntu\nID_LIKE=debian\nPRETTY_NAME="Ubuntu 18.04.2 LTS"\nVERSION_ID="18.04"\nUBUNTU_CODENAME=bionic\n';

function gather(dpkg: [string, number]): string {
  return frame([
    ['meta', 'nova-conf-path\t/etc/nova/nova.conf\npackage\tkernel\npackage\tmicrocode_ctl\npackage\tqemu-system-x86\npackage\tlibvirt0\n', 0],
    ['whoami', 'uid\t0\nuser\troot\n', 0],
    ['os-release', BIONIC, 0],
    ['redhat-release', '', ABSENT_RC],
    ['uname-r', '4.15.0-48-generic\n', 0],
    ['boot-id', '0b5a3c52-8c9d-4f0e-9a57-2a8f1d0c6e11\n', 0],
    ['rpm', '', 127],
    ['dpkg', dpkg[0], dpkg[1]],
  ]);
}

describe('Debian-family facts', () => {
  it('keys releases as ubuntu1804, ubuntu1604, debian10, and marks their packaging deb; RHEL keeps el7 and rpm', () => {
    expect(parseOsRelease(BIONIC)).toEqual({ id: 'ubuntu', versionId: '18.04', dist: 'ubuntu1804', prettyName: 'Ubuntu 18.04.2 LTS', packaging: 'deb' });
    expect(parseOsRelease('ID=ubuntu\nVERSION_ID="16.04"\n').dist).toBe('ubuntu1604');
    expect(parseOsRelease('ID=debian\nVERSION_ID="10"\nPRETTY_NAME="Debian GNU/Linux 10 (buster)"\n')).toMatchObject({ dist: 'debian10', packaging: 'deb' });
    expect(parseOsRelease('ID=linuxmint\nID_LIKE="ubuntu debian"\nVERSION_ID="19.1"\n')).toMatchObject({ dist: 'linuxmint19', packaging: 'deb' });
    expect(parseOsRelease('ID="rhel"\nVERSION_ID="7.6"\n').packaging).toBeUndefined();
  });

  it('counts only configured packages as installed', () => {
    expect(isInstalledStatus('install ok installed')).toBe(true);
    expect(isInstalledStatus('hold ok installed')).toBe(true);
    expect(isInstalledStatus('install ok triggers-pending')).toBe(true);
    for (const s of ['deinstall ok config-files', 'install ok half-installed', 'install ok unpacked', 'install ok half-configured', 'install reinstreq installed', 'unknown ok not-installed']) {
      expect(isInstalledStatus(s), s).toBe(false);
    }
  });

  it('asks dpkg only about names it can hold, and lists the kernel images of the running flavour under kernel', () => {
    expect(dpkgQueryNames(['kernel', 'microcode_ctl', 'qemu-kvm-rhev', 'intel-microcode'])).toEqual(['qemu-kvm-rhev', 'intel-microcode']);
    const out = parseDpkgQuery(
      [
        'linux-image-4.15.0-48-generic\t4.15.0-48.51\tamd64\tinstall ok installed',
        'linux-image-4.15.0-50-lowlatency\t4.15.0-50.54\tamd64\tinstall ok installed',
        'linux-image-4.15.0-45-generic\t4.15.0-45.48\tamd64\tdeinstall ok config-files',
        'linux-image-generic\t4.15.0.48.50\tamd64\tinstall ok installed',
        'linux-image-generic\t4.15.0.48.50\tamd64\tinstall ok installed',
        'libvirt0\t4.0.0-1ubuntu8.9\tamd64\tinstall ok installed',
        'libvirt0\t4.0.0-1ubuntu8.9\ti386\tinstall ok half-configured',
        'broken\tnot a version\tamd64\tinstall ok installed',
      ].join('\n'),
      ['kernel', 'linux-image-generic', 'libvirt0', 'qemu-system-x86'],
      '4.15.0-48-generic',
    );
    expect(out['kernel']).toEqual([{ name: 'linux-image-4.15.0-48-generic', arch: 'amd64', epoch: null, version: '4.15.0', release: '48' }]);
    expect(out['linux-image-generic']).toEqual([{ name: 'linux-image-generic', arch: 'amd64', epoch: null, version: '4.15.0.48.50', release: null }]);
    expect(out['libvirt0']).toEqual([{ name: 'libvirt0', arch: 'amd64', epoch: null, version: '4.0.0', release: '1ubuntu8.9' }]);
    expect(out['qemu-system-x86']).toEqual([]);
  });

  it('reads packages from dpkg on an Ubuntu host; exit 1 (a name matched nothing) is an answer', () => {
    const r = parseGatherReport(gather(['linux-image-4.15.0-48-generic\t4.15.0-48.51\tamd64\tinstall ok installed\nlibvirt0\t4.0.0-1ubuntu8.9\tamd64\tinstall ok installed\n', 1]));
    expect(r.facts.os.dist).toBe('ubuntu1804');
    expect(r.facts.evidence.dpkg).toEqual({ state: 'read' });
    expect(r.facts.packages['kernel']?.map((k) => k.name)).toEqual(['linux-image-4.15.0-48-generic']);
    expect(r.facts.packages['libvirt0']?.[0]?.release).toBe('1ubuntu8.9');
    // rpm is not there (exit 127), which on Ubuntu is no problem at all.
    expect(r.problems.filter((p) => p.startsWith('dpkg') || p.startsWith('rpm'))).toEqual([]);
  });

  it('an unreadable dpkg database, or no dpkg-query on an Ubuntu host, is unreadable evidence with empty lists', () => {
    for (const [rc, reason] of [[2, 'dpkg-query: exit status 2'], [ABSENT_RC, 'dpkg-query: command not found on a Debian-family host'], [124, 'dpkg-query: timed out']] as const) {
      const r = parseGatherReport(gather(['', rc]));
      expect(r.facts.evidence.dpkg).toEqual({ state: 'unreadable', reason });
      expect(r.facts.packages['libvirt0']).toEqual([]);
      expect(r.problems).toContain(`dpkg: exit status ${rc}`);
    }
  });

  it('the gather script asks dpkg-query with the status field, and runs under sh', () => {
    const cmd = buildGatherCommand({ packages: ['kernel', 'libvirt0', 'microcode_ctl'], novaConfPath: '/etc/nova/nova.conf', nonce: N });
    expect(cmd).toContain("dpkg-query -W -f '${Package}\\t${Version}\\t${Architecture}\\t${Status}\\n' libvirt0 'linux-image-*'");
    // This machine is Debian: the section's own command, run for real, answers in the format the parser reads.
    const section = cmd.split(`${beginMarker(N, 'dpkg')}\n(\n`)[1]?.split('\n)\n')[0];
    expect(section).toBeDefined();
    let out = '';
    try {
      out = execFileSync('sh', ['-c', section!.replace("libvirt0 'linux-image-*'", 'dpkg libvirt0')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch (err) {
      out = String((err as { stdout?: string }).stdout ?? '');
      expect((err as { status?: number }).status).toBe(1);
    }
    expect(parseDpkgQuery(out, ['dpkg'], '6.1.0-18-amd64')['dpkg']?.[0]?.name).toBe('dpkg');
  });
});
