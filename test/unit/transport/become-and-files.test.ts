// Unit tests: sudo wrapping, and the readFile/writeFile shell scripts run with the local /bin/sh.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { wrapBecome } from '../../../src/transport/become.js';
import { READ_NOT_FOUND_EXIT, readFileScript, writeFileScript } from '../../../src/transport/remote-files.js';

const dir = mkdtempSync(join(tmpdir(), 'mds-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('wrapBecome', () => {
  it('leaves the command alone when not escalating', () => {
    expect(wrapBecome('id -u', 'none')).toEqual({ command: 'id -u', stdinPrefix: undefined });
  });

  it('uses non-interactive sudo around sh -c with the command quoted as one word', () => {
    const w = wrapBecome("echo 'x'; id -u", 'nopasswd');
    expect(w).toEqual({ command: `sudo -n -- sh -c 'echo '\\''x'\\''; id -u'`, stdinPrefix: undefined });
    // The inner command survives the quoting: run the same wrapping with a stand-in for sudo.
    const out = execFileSync('/bin/sh', ['-c', w.command.replace(/^sudo -n -- /, '')]).toString();
    expect(out).toMatch(/^x\n\d+\n$/);
  });

  it('with a password: -S -k -p "", password only in the stdin prefix, never in the command', () => {
    const w = wrapBecome('cat', 'password', 's3cr3t $(x)');
    expect(w.command).toBe(`sudo -k -S -p '' -- sh -c cat`);
    expect(w.command).not.toContain('s3cr3t');
    expect(w.stdinPrefix).toBe('s3cr3t $(x)\n');
  });
});

function sh(script: string, stdin?: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync('/bin/sh', ['-c', script], { input: stdin ?? '' });
  return { code: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

describe('remote file scripts (run with the local /bin/sh)', () => {
  it('readFile script: content, or a distinct exit for a missing file', () => {
    const f = join(dir, "we'ird name");
    writeFileSync(f, 'abc');
    expect(sh(readFileScript(f)).stdout).toBe('abc');
    expect(sh(readFileScript(join(dir, 'missing'))).code).toBe(READ_NOT_FOUND_EXIT);
  });

  it('writeFile script: writes via a temp file + rename, applies mode, keeps an existing mode, leaves no temp', () => {
    const f = join(dir, 'conf $(x).txt');
    expect(sh(writeFileScript(f, 'one\n', 0o640), 'one\n').code).toBe(0);
    expect(readFileSync(f, 'utf8')).toBe('one\n');
    expect(statSync(f).mode & 0o777).toBe(0o640);
    const ino = statSync(f).ino;
    expect(sh(writeFileScript(f, 'two\n', undefined), 'two\n').code).toBe(0);
    expect(readFileSync(f, 'utf8')).toBe('two\n');
    expect(statSync(f).mode & 0o777).toBe(0o640);
    expect(statSync(f).ino).not.toBe(ino);
    expect(readdirSync(dir).filter((n) => n.startsWith('conf'))).toEqual(['conf $(x).txt']);
  });

  it('a symlink: the file it points to is replaced (backup beside it), the link stays a link', () => {
    const real = join(dir, 'managed');
    mkdirSync(real);
    writeFileSync(join(real, 'nova.conf'), 'orig\n', { mode: 0o640 });
    const link = join(dir, 'nova link.conf');
    symlinkSync(join(real, 'nova.conf'), link);
    expect(sh(writeFileScript(link, 'edited\n', undefined, '.bak'), 'edited\n').code).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(join(real, 'nova.conf'));
    expect(readFileSync(join(real, 'nova.conf'), 'utf8')).toBe('edited\n');
    expect(statSync(join(real, 'nova.conf')).mode & 0o777).toBe(0o640);
    expect(readFileSync(join(real, 'nova.conf.bak'), 'utf8')).toBe('orig\n');
    expect(existsSync(`${link}.bak`)).toBe(false);
    expect(readdirSync(real).sort()).toEqual(['nova.conf', 'nova.conf.bak']);
  });

  it('a new file without a mode gets the umask default', () => {
    const f = join(dir, 'fresh');
    expect(sh(`umask 027; ${writeFileScript(f, 'x', undefined)}`, 'x').code).toBe(0);
    expect(statSync(f).mode & 0o777).toBe(0o640);
  });

  it('a failure leaves the original and removes the temp file', () => {
    const sub = join(dir, 'fail');
    mkdirSync(sub);
    const f = join(sub, 'f');
    writeFileSync(f, 'orig');
    // A chmod that fails (as a full disk or a read-only mount would fail a step) aborts the script midway.
    const bin = join(dir, 'failbin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'chmod'), '#!/bin/sh\necho "chmod: simulated failure" >&2\nexit 1\n', { mode: 0o755 });
    const r = sh(`PATH=${bin}:$PATH; ${writeFileScript(f, 'new', 0o600)}`, 'new');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('simulated failure');
    expect(readFileSync(f, 'utf8')).toBe('orig');
    expect(readdirSync(sub)).toEqual(['f']);
  });

  it('content cut short on its way (a controller killed mid-write closes stdin early) never replaces the file', () => {
    const sub = join(dir, 'cut');
    mkdirSync(sub);
    const f = join(sub, 'nova.conf');
    writeFileSync(f, '[libvirt]\ncpu_mode = custom\n');
    const full = '[libvirt]\ncpu_mode = custom\ncpu_model_extra_flags = md-clear\n';
    for (const arrived of ['', full.slice(0, 20)]) {
      const r = sh(writeFileScript(f, full, 0o640), arrived);
      expect(r.code).toBe(75);
      expect(r.stderr).toMatch(/incomplete write/);
      expect(readFileSync(f, 'utf8')).toBe('[libvirt]\ncpu_mode = custom\n');
      expect(readdirSync(sub)).toEqual(['nova.conf']);
    }
    // The same length with other bytes (a corrupted stream) is refused by the checksum.
    const r = sh(writeFileScript(f, full, 0o640), full.replace('md-clear', 'xx-clear'));
    expect(r.code).toBe(75);
    expect(readFileSync(f, 'utf8')).toBe('[libvirt]\ncpu_mode = custom\n');
    expect(sh(writeFileScript(f, full, 0o640), full).code).toBe(0);
    expect(readFileSync(f, 'utf8')).toBe(full);
  });
});
