// The gather's nova-conf-target section: its script run with the local /bin/sh on real files, and its parser's verdicts.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { novaConfTargetScript, parseNovaConfTarget } from '../../../src/facts/nova-conf-target.js';
import { ABSENT_RC } from '../../../src/facts/evidence.js';

const dir = mkdtempSync(join(tmpdir(), 'mds-target-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(path: string): { code: number | null; stdout: string } {
  // As the gather runs each section: in a subshell, so its `exit` ends only the section.
  const r = spawnSync('/bin/sh', ['-c', `(\n${novaConfTargetScript(path)}\n)`]);
  return { code: r.status, stdout: r.stdout.toString() };
}

describe('nova-conf-target section', () => {
  it('follows a symlink to the real file and reports its directory writable', () => {
    mkdirSync(join(dir, 'managed'));
    writeFileSync(join(dir, 'managed', 'nova.conf'), '[libvirt]\n');
    symlinkSync(join(dir, 'managed', 'nova.conf'), join(dir, 'nova conf'));
    const r = run(join(dir, 'nova conf'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`target\t${join(dir, 'managed', 'nova.conf')}\n`);
    expect(r.stdout).toContain('dir-writable\tyes\n');
    const t = parseNovaConfTarget(r.stdout, 0);
    expect(t?.path).toBe(join(dir, 'managed', 'nova.conf'));
    expect(t?.blockers).toEqual([]);
  });

  it('an absent nova.conf is its own status, not a target', () => {
    expect(run(join(dir, 'nope')).code).toBe(ABSENT_RC);
  });
});

describe('parseNovaConfTarget', () => {
  const base = 'target\t/etc/nova/nova.conf\ndir-writable\tyes\nmount\trw,relatime\n';
  it('a plain writable file on a read-write mount can be replaced', () => {
    expect(parseNovaConfTarget(`${base}attrs\t--------------e-------\t/etc/nova/nova.conf\nattrs\t--------------e-------\t/etc/nova\n`, 0))
      .toEqual({ path: '/etc/nova/nova.conf', blockers: [], unknown: [] });
  });
  it('names an immutable file, an append-only directory and a read-only mount', () => {
    const t = parseNovaConfTarget(`target\t/etc/nova/nova.conf\ndir-writable\tno\nmount\tro,relatime\nattrs\t----i---------e-------\t/etc/nova/nova.conf\nattrs\t-----a--------e-------\t/etc/nova\n`, 0);
    expect(t?.blockers).toEqual([
      '/etc/nova/nova.conf has the immutable attribute (chattr -i to allow the edit)',
      '/etc/nova has the append-only attribute (chattr -a to allow the edit)',
      '/etc/nova is on a read-only mount',
    ]);
  });
  it('a directory not writable by root is a blocker; by another user it is unknown', () => {
    const body = `target\t/etc/nova/nova.conf\ndir-writable\tno\nmount\trw\nattrs\t-\t/etc/nova/nova.conf\nattrs\t-\t/etc/nova\n`;
    expect(parseNovaConfTarget(body, 0)?.blockers).toEqual(['/etc/nova is not writable']);
    expect(parseNovaConfTarget(body, 1000)?.blockers).toEqual([]);
    expect(parseNovaConfTarget(body, 1000)?.unknown).toEqual(['whether /etc/nova is writable: the gather did not run as root']);
  });
  it('no lsattr is unknown, not "no attributes"; a failed section is null', () => {
    expect(parseNovaConfTarget(`${base}attrs-missing\n`, 0)?.unknown).toEqual(['lsattr is not installed (e2fsprogs), so an immutable nova.conf cannot be ruled out']);
    expect(parseNovaConfTarget(null, 0)).toBeNull();
    expect(parseNovaConfTarget('', 0)).toBeNull();
  });
});
