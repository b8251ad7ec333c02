// uname -r parsing (flavour suffixes, real-time and 64k kernels) and matching against installed kernels.
import { describe, expect, it } from 'vitest';
import { findRunningKernel, kernelPackageNames, parseUnameR } from '../../../src/rpm/uname-r.js';

describe('parseUnameR', () => {
  it('splits a plain EL kernel', () => {
    expect(parseUnameR('3.10.0-957.12.2.el7.x86_64\n')).toMatchObject({ epoch: null, version: '3.10.0', release: '957.12.2.el7', arch: 'x86_64', flavour: null, kernelType: 'ordinary', pageSize: 'default' });
  });
  it('strips +debug, .debug, +rt, +64k and +rt-64k', () => {
    expect(parseUnameR('4.18.0-80.el8.x86_64+debug')).toMatchObject({ release: '80.el8', arch: 'x86_64', flavour: 'debug' });
    expect(parseUnameR('3.10.0-957.el7.x86_64.debug')).toMatchObject({ release: '957.el7', arch: 'x86_64', flavour: 'debug' });
    expect(parseUnameR('5.14.0-70.el9.x86_64+rt')).toMatchObject({ release: '70.el9', flavour: 'rt', kernelType: 'realtime' });
    expect(parseUnameR('5.14.0-70.el9.aarch64+64k')).toMatchObject({ arch: 'aarch64', pageSize: 'large', kernelType: 'ordinary' });
    expect(parseUnameR('5.14.0-70.el9.aarch64+rt-64k')).toMatchObject({ arch: 'aarch64', pageSize: 'large', kernelType: 'realtime' });
  });
  it('sees real-time kernels by the rtNN marker inside the release', () => {
    expect(parseUnameR('3.10.0-957.rt56.910.el7.x86_64')?.kernelType).toBe('realtime');
    expect(parseUnameR('3.10.0-957.el7.x86_64')?.kernelType).toBe('ordinary');
  });
  it('returns null for non-rpm kernels', () => {
    expect(parseUnameR('6.1.0-18-amd64')).toBeNull();
    expect(parseUnameR('5.15.0')).toBeNull();
    expect(parseUnameR('')).toBeNull();
  });
});

describe('kernelPackageNames', () => {
  it('names the -core package first, flavours in rpm order', () => {
    const k = (s: string) => kernelPackageNames(parseUnameR(s) ?? (() => { throw new Error(s); })());
    expect(k('4.18.0-80.el8.x86_64')).toEqual(['kernel-core', 'kernel']);
    expect(k('5.14.0-70.el9.aarch64+rt-64k')).toEqual(['kernel-rt-64k-core', 'kernel-rt-64k']);
    expect(k('4.18.0-80.el8.x86_64+debug')).toEqual(['kernel-debug-core', 'kernel-debug']);
  });
});

describe('findRunningKernel', () => {
  const installed = [
    { name: 'kernel', epoch: null, version: '3.10.0', release: '957.el7', arch: 'x86_64' },
    { name: 'kernel', epoch: null, version: '3.10.0', release: '957.12.2.el7', arch: 'x86_64' },
  ];
  it('finds the package with the same version, release and arch', () => {
    expect(findRunningKernel('3.10.0-957.12.2.el7.x86_64', installed)).toBe(installed[1]);
  });
  it('returns null when the running kernel was removed or the arch differs', () => {
    expect(findRunningKernel('3.10.0-957.10.1.el7.x86_64', installed)).toBeNull();
    expect(findRunningKernel('3.10.0-957.el7.i686', installed)).toBeNull();
  });
});
