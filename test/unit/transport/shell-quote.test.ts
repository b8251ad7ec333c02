// Unit tests: shq() and sh`` quoting, proven by running the result through /bin/sh.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ShellQuoteError, raw, sh, shq } from '../../../src/transport/shell-quote.js';

/** Runs `script` with the real /bin/sh and returns its stdout: quoting is proven by a shell, not by string compare. */
function run(script: string): string {
  return execFileSync('/bin/sh', ['-c', script]).toString();
}

const NASTY = [
  '$(touch /tmp/pwned)',
  '`reboot`',
  '; reboot',
  "it's",
  "''",
  '"double" and \\backslash',
  'new\nline',
  '*',
  '~root',
  '-n',
  'a b\tc',
  'FOO=bar',
  '$HOME ${PATH}',
  '|&<>!#',
  '',
  'ünïcødé ✓',
];

describe('shq', () => {
  it.each(NASTY)('round-trips %j through /bin/sh as one word', (value) => {
    expect(run(`printf '%s' ${shq(value)}`)).toBe(value);
    expect(run(`set -- ${shq(value)}; echo $#`).trim()).toBe('1');
  });

  it('leaves plain words readable and quotes everything else', () => {
    expect(shq('/etc/nova/nova.conf')).toBe('/etc/nova/nova.conf');
    expect(shq('microcode_ctl-2.1-47.el7')).toBe('microcode_ctl-2.1-47.el7');
    expect(shq("a'b")).toBe(`'a'\\''b'`);
    expect(shq('')).toBe("''");
    expect(shq(42)).toBe('42');
  });

  it('quotes NAME=value so it can never become an assignment', () => {
    expect(run(`${shq('FOO=bar')} 2>/dev/null; echo "rc=$? foo=$FOO"`).trim()).toMatch(/^rc=127 foo=$/);
  });

  it('rejects NUL bytes', () => {
    expect(() => shq('a\0b')).toThrow(ShellQuoteError);
    expect(() => sh`echo ${'x\0'}`).toThrow(ShellQuoteError);
  });
});

describe('sh template', () => {
  it('quotes every interpolated value and keeps the literal parts', () => {
    const evil = '$(touch /tmp/pwned); reboot';
    const cmd = sh`printf '%s|' ${evil} ${'two words'}`;
    expect(run(cmd)).toBe(`${evil}|two words|`);
  });

  it('turns arrays into separate quoted words', () => {
    const pkgs = ['kernel', 'qemu-kvm', "x'; reboot"];
    expect(run(sh`for p in ${pkgs}; do echo "[$p]"; done`)).toBe("[kernel]\n[qemu-kvm]\n[x'; reboot]\n");
    expect(run(sh`set -- ${[]}; echo $#`).trim()).toBe('0');
  });

  it('splices raw() fragments verbatim, for nesting', () => {
    const inner = sh`echo ${'a b'}`;
    expect(run(sh`sh -c ${inner}`)).toBe('a b\n');
    expect(sh`x ${raw('$HOME')}`).toBe('x $HOME');
  });
});
