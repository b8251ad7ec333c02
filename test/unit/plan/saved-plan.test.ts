// driftBetween: what `run --plan` counts as a host changed since the plan, and what it leaves to the run itself.
import { describe, expect, it } from 'vitest';
import { driftBetween, type HostFingerprint } from '../../../src/plan/saved-plan.js';

const planned: HostFingerprint = {
  kernelRunning: '3.10.0-957.10.1.el7.x86_64', bootId: 'b1', novaConfSha256: 'aa',
  packages: { kernel: ['0:3.10.0-957.10.1.el7.x86_64'] }, instances: ['i-1', 'i-2'],
};

describe('driftBetween', () => {
  it('is empty for the very same host', () => {
    expect(driftBetween(planned, structuredClone(planned))).toEqual([]);
  });

  it('names a package, nova.conf and an instance that changed', () => {
    const now = { ...planned, novaConfSha256: 'bb', packages: { kernel: [...planned.packages['kernel']!, '0:3.10.0-957.12.2.el7.x86_64'] }, instances: ['i-1', 'i-9'] };
    expect(driftBetween(planned, now)).toEqual(['nova.conf changed', 'package kernel changed', 'instances changed (gone: i-2; new: i-9)']);
  });

  it('does not count an instance this run moved onto the host as drift, but still counts others', () => {
    expect(driftBetween(planned, { ...planned, instances: ['i-1', 'i-2', 'i-7'] }, new Set(['i-7']))).toEqual([]);
    expect(driftBetween(planned, { ...planned, instances: ['i-1', 'i-2', 'i-7', 'i-8'] }, new Set(['i-7']))).toEqual(['instances changed (new: i-8)']);
  });
});
